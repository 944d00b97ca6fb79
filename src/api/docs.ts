// GET /openapi.json (OpenAPI 3.1, generated from the routes) and GET /docs (Swagger UI served from the binary, no CDN).
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
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

const ASSETS: Record<string, { body: string; type: string }> = {
  "swagger-ui-bundle.js": { body: swaggerBundle, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { body: swaggerCss, type: "text/css; charset=utf-8" },
  "init.js": { body: INIT_JS, type: "text/javascript; charset=utf-8" },
};

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
  app.get("/docs/assets/:file", (c) => {
    const asset = ASSETS[c.req.param("file")];
    if (!asset) return problemResponse(c, { status: 404, code: "not_found", title: titleFor(404), detail: "No such docs asset." });
    return c.body(asset.body, 200, { "Content-Type": asset.type, "Cache-Control": "public, max-age=86400" });
  });
}
