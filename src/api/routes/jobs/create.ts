// POST /v1/jobs: create a job (409 if the id is taken).
import { createRoute } from "@hono/zod-openapi";
import { Job, JobCreate } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { bodyErrorResponses, errorResponses, problemExample } from "../../errors.ts";
import { etagHeader, jobEtag, jobExample, jobLocation, locationHeader } from "../../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/jobs",
  operationId: "createJob",
  tags: ["jobs"],
  summary: "Create a job",
  description:
    "Creates a job and schedules its first fire. `id` is optional (a UUIDv7 is generated when absent); " +
    "an existing id answers 409 `job_exists` (use `PUT /v1/jobs/{id}` to create or replace).",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: JobCreate,
          example: {
            id: "nightly-report",
            name: "reports",
            labels: { team: "qa" },
            trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "Asia/Shanghai" },
            target: { url: "https://example.test/hook", method: "POST", headers: { "content-type": "application/json" }, body: '{"hello":"world"}' },
          },
        },
      },
    },
  },
  responses: {
    201: {
      description: "The job as stored, with its next fire time.",
      headers: { ...locationHeader, ...etagHeader },
      content: { "application/json": { schema: Job, example: jobExample } },
    },
    409: problemExample("A job with this id exists.", 409, "job_exists", "job nightly-report already exists"),
    ...bodyErrorResponses,
    ...errorResponses,
  },
});

export function registerCreateJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const job = await services.jobs.create(c.req.valid("json"));
    return c.json(job, 201, { Location: jobLocation(job.id), ETag: jobEtag(job.version) });
  });
}
