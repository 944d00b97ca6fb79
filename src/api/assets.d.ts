// Swagger UI's bundle and styles are imported as files (`with { type: "file" }`): the default export is a path
// that Bun.file reads, from node_modules at source and from the executable's embedded files when compiled.
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const path: string;
  export default path;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const path: string;
  export default path;
}
