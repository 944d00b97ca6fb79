// POST /v1/jobs/{id}/resume: fire again from the next slot after now.
import { createRoute } from "@hono/zod-openapi";
import { Job } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses, jobNotFoundResponse } from "../../errors.ts";
import { etagHeader, JobIdParams, jobEtag, jobExample } from "../../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/jobs/{id}/resume",
  operationId: "resumeJob",
  tags: ["jobs"],
  summary: "Resume a job",
  description: "Fires the job again from its next slot after now (slots missed while paused are not caught up). No body needed.",
  security: bearerSecurity,
  request: { params: JobIdParams },
  responses: {
    200: { description: "The active job with its next fire time.", headers: etagHeader, content: { "application/json": { schema: Job, example: jobExample } } },
    ...jobNotFoundResponse,
    ...errorResponses,
  },
});

export function registerResumeJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const job = await services.jobs.resume(c.req.valid("param").id);
    return c.json(job, 200, { ETag: jobEtag(job.version) });
  });
}
