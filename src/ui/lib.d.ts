// What TypeScript sees of lib.js: ui.ts imports it as text (`with { type: "text" }`) to embed it; the browser runs it.
declare const text: string;
export default text;
