// Swagger UI's bundle is imported as text (`with { type: "text" }`) so the docs page is served from the binary.
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const text: string;
  export default text;
}
