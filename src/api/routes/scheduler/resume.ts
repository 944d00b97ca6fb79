// POST /v1/scheduler/resume: restart firing after a cluster-wide pause.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { SchedulerStatus } from "../../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/scheduler/resume",
  operationId: "resumeScheduler",
  tags: ["scheduler"],
  summary: "Resume all firing",
  description: "Restarts firing after a cluster-wide pause.",
  security: bearerSecurity,
  responses: {
    200: { description: "The scheduler status afterwards.", content: { "application/json": { schema: SchedulerStatus } } },
    ...errorResponses,
  },
});

export function registerResumeScheduler(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await services.scheduler.resume(), 200));
}
