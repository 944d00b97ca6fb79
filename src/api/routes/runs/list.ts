// GET /v1/runs: run history across jobs, newest first.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { instantMs, RunListQuery, RunPage, runExample } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/runs",
  operationId: "listRuns",
  tags: ["runs"],
  summary: "List runs",
  description:
    "Runs newest first, filtered by job, group (`name`), `status` and a `[from, to)` window on the scheduled time. " +
    "Page with `limit` (default 50, max 500) and `cursor`.",
  security: bearerSecurity,
  request: { query: RunListQuery },
  responses: {
    200: { description: "One page of runs.", content: { "application/json": { schema: RunPage, example: { items: [runExample], nextCursor: null } } } },
    ...errorResponses,
  },
});

export function registerListRuns(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const page = await services.runs.list({
      jobId: q.jobId,
      name: q.name,
      status: q.status,
      from: instantMs(q.from),
      to: instantMs(q.to),
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json(page, 200);
  });
}
