// POST /v1/scheduler/pause: stop all firing, cluster-wide.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { SchedulerStatus } from "../../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/scheduler/pause",
  operationId: "pauseScheduler",
  tags: ["scheduler"],
  summary: "Pause all firing",
  description: "Stops all firing, cluster-wide, until resumed. Jobs keep their state; fires missed meanwhile follow each job's misfire policy on resume.",
  security: bearerSecurity,
  responses: {
    200: { description: "The scheduler status afterwards.", content: { "application/json": { schema: SchedulerStatus } } },
    ...errorResponses,
  },
});

export function registerPauseScheduler(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await services.scheduler.pause(), 200));
}
