// DELETE /v1/runs: clear run history, optionally for one job and/or before an instant.
import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { instantMs, RunClearQuery } from "../../schemas.ts";

export const RunsCleared = z
  .object({ deleted: z.number().int().openapi({ description: "How many runs were removed.", example: 42 }) })
  .openapi("RunsCleared");

const route = createRoute({
  method: "delete",
  path: "/v1/runs",
  operationId: "clearRuns",
  tags: ["runs"],
  summary: "Clear run history",
  description:
    "Deletes runs that match every filter given: `jobId` (also for deleted jobs) and `before` (scheduled before this instant). " +
    "With no filter, the whole history goes.",
  security: bearerSecurity,
  request: { query: RunClearQuery },
  responses: {
    200: { description: "How many runs were deleted.", content: { "application/json": { schema: RunsCleared, example: { deleted: 42 } } } },
    ...errorResponses,
  },
});

export function registerClearRuns(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const result = await services.runs.clear({ jobId: q.jobId, before: instantMs(q.before) });
    return c.json(result, 200);
  });
}
