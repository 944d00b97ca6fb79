// GET /openapi.json (OpenAPI 3.1, generated from the routes) and GET /docs (Swagger UI served from the binary, no CDN).
// Imported as files, not text: the compiled binary embeds them and reads them on the first /docs visit, so their
// 1.9 MB never sits in the script that every start-up has to load (about 20 ms of start-up on this machine).
import swaggerBundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import swaggerCssPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import type { Config } from "../config/config.ts";
import type { App } from "./context.ts";
import { problemResponse, titleFor } from "./errors.ts";

export const OPENAPI_PATH = "/openapi.json";

// Relative URLs: /docs resolves them against "/", so the page also works behind a path prefix.
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cronhook API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

// validatorUrl: null, or Swagger UI would call validator.swagger.io from the browser.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  validatorUrl: null,
});
`;

const ASSETS: Record<string, { load: () => Promise<string>; type: string }> = {
  "swagger-ui-bundle.js": { load: () => Bun.file(swaggerBundlePath).text(), type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { load: () => Bun.file(swaggerCssPath).text(), type: "text/css; charset=utf-8" },
  "init.js": { load: async () => INIT_JS, type: "text/javascript; charset=utf-8" },
};
const loaded = new Map<string, Promise<string>>();

export function registerDocs(app: App, config: Config): void {
  app.doc31(OPENAPI_PATH, {
    openapi: "3.1.0",
    info: {
      title: "cronhook",
      version: config.version,
      description:
        "Dynamic scheduled HTTP jobs: create, change, pause, resume, run and remove jobs at run time; each fire sends the job's HTTP request and is recorded as a run. " +
        "Errors are RFC 9457 problem details (application/problem+json) with a stable `code` and the `requestId`.",
      license: { name: "MIT" },
    },
    tags: [
      { name: "jobs", description: "Scheduled HTTP jobs." },
      { name: "runs", description: "Run history: one run per fire, retries are attempts inside it." },
      { name: "triggers", description: "Trigger tools." },
      { name: "scheduler", description: "The engine's public face: status, wakeup, cluster-wide pause." },
      { name: "health", description: "Liveness and readiness probes (no auth)." },
    ],
  });

  app.get("/docs", (c) => c.html(DOCS_HTML));
  app.get("/docs/assets/:file", async (c) => {
    const name = c.req.param("file");
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return problemResponse(c, { status: 404, code: "not_found", title: titleFor(404), detail: "No such docs asset." });
    let body = loaded.get(name);
    if (!body) {
      body = asset.load();
      loaded.set(name, body);
      body.catch(() => loaded.delete(name)); // a failed read is retried on the next visit
    }
    return c.body(await body, 200, { "Content-Type": asset.type, "Cache-Control": "public, max-age=86400" });
  });
}
