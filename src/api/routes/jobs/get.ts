// GET /v1/jobs/{id}: one job.
import { createRoute } from "@hono/zod-openapi";
import { Job } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses, jobNotFoundResponse } from "../../errors.ts";
import { etagHeader, JobIdParams, jobEtag, jobExample } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/jobs/{id}",
  operationId: "getJob",
  tags: ["jobs"],
  summary: "Get a job",
  description: "One job with its schedule state (nextFireAt, lastFireAt, runCount) and version. The ETag header carries the version for If-Match.",
  security: bearerSecurity,
  request: { params: JobIdParams },
  responses: {
    200: { description: "The job.", headers: etagHeader, content: { "application/json": { schema: Job, example: jobExample } } },
    ...jobNotFoundResponse,
    ...errorResponses,
  },
});

export function registerGetJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const job = await services.jobs.get(c.req.valid("param").id);
    return c.json(job, 200, { ETag: jobEtag(job.version) });
  });
}
