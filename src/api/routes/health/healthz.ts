// GET /healthz: the process is up (always 200; no auth, no database).
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps, App } from "../../context.ts";

export const Health = z.object({ status: z.literal("ok") }).openapi("Health");

const route = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["health"],
  summary: "Liveness",
  description: "Answers 200 while the process serves HTTP. It does not touch the database; see /readyz for that. No auth.",
  security: [],
  responses: {
    200: { description: "Up.", content: { "application/json": { schema: Health, example: { status: "ok" } } } },
  },
});

export function registerHealthz(app: App, _deps: ApiDeps): void {
  app.openapi(route, (c) => c.json({ status: "ok" as const }, 200));
}
