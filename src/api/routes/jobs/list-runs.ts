// GET /v1/jobs/{id}/runs: the run history of one job, newest first.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { instantMs, JobIdParams, JobRunListQuery, RunPage, runExample } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/jobs/{id}/runs",
  operationId: "listJobRuns",
  tags: ["jobs", "runs"],
  summary: "List the runs of a job",
  description:
    "Runs of this job, newest first, filtered like `GET /v1/runs`. A deleted job's history is still listed until cleared, " +
    "so an unknown id answers an empty page rather than 404.",
  security: bearerSecurity,
  request: { params: JobIdParams, query: JobRunListQuery },
  responses: {
    200: { description: "One page of runs.", content: { "application/json": { schema: RunPage, example: { items: [runExample], nextCursor: null } } } },
    ...errorResponses,
  },
});

export function registerListJobRuns(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const page = await services.runs.list({
      jobId: id,
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
