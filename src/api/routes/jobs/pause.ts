// POST /v1/jobs/{id}/pause: stop firing a job (optional reason).
import { createRoute, z } from "@hono/zod-openapi";
import { Job } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import { emptyBodyIsNoBody } from "../../body.ts";
import type { ApiDeps, App } from "../../context.ts";
import { bodyErrorResponses, errorResponses, jobNotFoundResponse, problemExample } from "../../errors.ts";
import { etagHeader, JobIdParams, jobEtag, jobExample } from "../../schemas.ts";

export const PauseRequest = z
  .strictObject({
    reason: z.string().max(500).optional().openapi({ description: "Shown as pausedReason.", example: "target under maintenance" }),
  })
  .openapi("PauseRequest");

const route = createRoute({
  method: "post",
  path: "/v1/jobs/{id}/pause",
  operationId: "pauseJob",
  tags: ["jobs"],
  summary: "Pause a job",
  description: "Stops firing the job until it is resumed. The body is optional; an empty body is fine. Pausing a paused job changes nothing.",
  security: bearerSecurity,
  middleware: [emptyBodyIsNoBody],
  request: {
    params: JobIdParams,
    body: { required: false, content: { "application/json": { schema: PauseRequest, example: { reason: "target under maintenance" } } } },
  },
  responses: {
    200: {
      description: "The paused job.",
      headers: etagHeader,
      content: { "application/json": { schema: Job, example: { ...jobExample, state: "paused", pausedReason: "target under maintenance", nextFireAt: null } } },
    },
    ...jobNotFoundResponse,
    409: problemExample("The job has completed; there is nothing to pause.", 409, "job_completed", "job nightly-report has completed"),
    ...bodyErrorResponses,
    ...errorResponses,
  },
});

export function registerPauseJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const job = await services.jobs.pause(id, c.req.valid("json").reason);
    return c.json(job, 200, { ETag: jobEtag(job.version) });
  });
}
