import { createRuntime } from "../../src/runtime.ts";
import { testConfig } from "../../src/config/config.ts";
const rt = await createRuntime(testConfig({}));
const doc = await (await rt.app.request("/openapi.json")).json() as any;
console.log(JSON.stringify(doc.paths["/v1/jobs/{id}"].patch, null, 1).slice(0, 3000));
console.log(JSON.stringify(doc.paths["/v1/jobs"].get.parameters, null, 1));
console.log(JSON.stringify(doc.components.securitySchemes), JSON.stringify(doc.paths["/healthz"]));
await rt.stop();
