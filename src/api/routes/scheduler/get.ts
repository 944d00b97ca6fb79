// GET /v1/scheduler: the engine's public face (leader, lease, state, counts).
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { SchedulerStatus } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/scheduler",
  operationId: "getScheduler",
  tags: ["scheduler"],
  summary: "Get the scheduler status",
  description: "This instance, the current leader and its lease, whether firing is paused cluster-wide, the next wakeup, job counts, runs in flight and the known instances.",
  security: bearerSecurity,
  responses: {
    200: { description: "The scheduler status.", content: { "application/json": { schema: SchedulerStatus } } },
    ...errorResponses,
  },
});

export function registerGetScheduler(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await services.scheduler.status(), 200));
}
