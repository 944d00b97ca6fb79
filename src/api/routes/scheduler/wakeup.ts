// POST /v1/scheduler/wakeup: make the engine re-plan now.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { SchedulerStatus } from "../../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/scheduler/wakeup",
  operationId: "wakeupScheduler",
  tags: ["scheduler"],
  summary: "Re-plan now",
  description: "Asks the engine to re-read due jobs at once instead of at its next tick. Harmless at any time.",
  security: bearerSecurity,
  responses: {
    200: { description: "The scheduler status afterwards.", content: { "application/json": { schema: SchedulerStatus } } },
    ...errorResponses,
  },
});

export function registerWakeupScheduler(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await services.scheduler.wakeup(), 200));
}
