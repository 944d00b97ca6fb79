// The HTTP API: one OpenAPIHono app with request ids, auth, body limits, every /v1 route, health, OpenAPI and docs.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Config } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import type { Services } from "../services/types.ts";
import { bearerAuth, registerSecurityScheme } from "./auth.ts";
import { registerCompat } from "./compat/index.ts";
import type { ApiDeps, AppEnv } from "./context.ts";
import { registerDocs } from "./docs.ts";
import { defaultHook, errorHandler, notFoundHandler, problemResponse, titleFor } from "./errors.ts";
import { requestContext } from "./request-context.ts";
import { registerRoutes } from "./routes/index.ts";
import { registerUi } from "../ui/ui.ts";

export function createApp(deps: { services: Services; config: Config; logger: Logger }): OpenAPIHono<AppEnv> {
  const { config, logger } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook });

  app.use("*", requestContext(logger, deps.services.metrics.observeRequest));
  // CORS before auth: a browser's preflight carries no token. Off unless CRONHOOK_CORS_ORIGINS names origins.
  if (config.corsOrigins.length > 0) {
    const origins = config.corsOrigins;
    app.use(
      "*",
      cors({
        origin: origins.includes("*") ? "*" : origins,
        allowMethods: ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
        exposeHeaders: ["X-Request-Id", "Location", "ETag"],
        maxAge: 600,
      }),
    );
  }
  // Auth before the body limit, so an anonymous caller cannot make the server read a large body.
  app.use("/v1/*", bearerAuth(config.apiTokens));
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: (c) =>
        problemResponse(c, {
          status: 413,
          code: "payload_too_large",
          title: titleFor(413),
          detail: `The request body is larger than ${config.maxBodyBytes} bytes.`,
        }),
    }),
  );

  registerSecurityScheme(app);
  registerRoutes(app, deps satisfies ApiDeps);
  registerCompat(app, deps);
  registerDocs(app, config);
  registerUi(app);

  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler(() => app.routes));
  return app;
}
