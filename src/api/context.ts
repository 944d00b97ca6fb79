// The types every api/ module shares: the Hono env (per-request variables), the app type and its dependencies.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Config } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import type { Services } from "../services/types.ts";

export type AppEnv = { Variables: { requestId: string } };
export type App = OpenAPIHono<AppEnv>;

export interface ApiDeps {
  services: Services;
  config: Config;
  logger: Logger;
}
