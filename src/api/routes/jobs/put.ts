// PUT /v1/jobs/{id}: create or replace a job (201 created, 200 replaced); idempotent, what `cronhook apply` uses.
import { createRoute } from "@hono/zod-openapi";
import { Job, JobSpec } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { bodyErrorResponses, errorResponses } from "../../errors.ts";
import { etagHeader, JobIdParams, jobEtag, jobExample, jobLocation, jobSpecExample, locationHeader } from "../../schemas.ts";

const route = createRoute({
  method: "put",
  path: "/v1/jobs/{id}",
  operationId: "putJob",
  tags: ["jobs"],
  summary: "Create or replace a job",
  description:
    "Creates the job with this id (201) or replaces its whole definition (200); fields absent from the body take their defaults, " +
    "as on create. Idempotent: this is what `cronhook apply` sends.",
  security: bearerSecurity,
  request: {
    params: JobIdParams,
    body: { required: true, content: { "application/json": { schema: JobSpec, example: jobSpecExample } } },
  },
  responses: {
    200: {
      description: "The job existed and now has this definition.",
      headers: etagHeader,
      content: { "application/json": { schema: Job, example: jobExample } },
    },
    201: {
      description: "The job was created.",
      headers: { ...locationHeader, ...etagHeader },
      content: { "application/json": { schema: Job, example: jobExample } },
    },
    ...bodyErrorResponses,
    ...errorResponses,
  },
});

export function registerPutJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { job, created } = await services.jobs.put(id, c.req.valid("json"));
    if (created) return c.json(job, 201, { Location: jobLocation(job.id), ETag: jobEtag(job.version) });
    return c.json(job, 200, { ETag: jobEtag(job.version) });
  });
}
