// GET /v1/jobs: jobs filtered by group, state, labels or text, a page at a time.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses } from "../../errors.ts";
import { JobListQuery, JobPage, jobExample, parseLabels } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/jobs",
  operationId: "listJobs",
  tags: ["jobs"],
  summary: "List jobs",
  description:
    "Jobs matching every filter given, in id order. `label=key:value` may be repeated (all must match). " +
    "Page with `limit` (default 50, max 500) and the `nextCursor` of the previous answer.",
  security: bearerSecurity,
  request: { query: JobListQuery },
  responses: {
    200: { description: "One page of jobs.", content: { "application/json": { schema: JobPage, example: { items: [jobExample], nextCursor: null } } } },
    ...errorResponses,
  },
});

export function registerListJobs(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const page = await services.jobs.list({
      name: q.name,
      state: q.state,
      labels: parseLabels(q.label),
      q: q.q,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json(page, 200);
  });
}
