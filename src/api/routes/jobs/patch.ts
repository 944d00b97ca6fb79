// PATCH /v1/jobs/{id}: change some fields; If-Match with the version guards against lost updates (412).
import { createRoute, z } from "@hono/zod-openapi";
import { Job, JobPatch } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { bodyErrorResponses, errorResponses, jobNotFoundResponse, problemExample } from "../../errors.ts";
import { etagHeader, JobIdParams, jobEtag, jobExample } from "../../schemas.ts";

// The version as a bare number, a quoted entity tag or a weak one (what ETag sends); * means "any version".
const IF_MATCH = /^\s*(?:\*|(\d{1,15})|"(\d{1,15})"|W\/"(\d{1,15})")\s*$/;

/** The version an If-Match value asks for, or undefined for none / `*`. Only called on a value the schema accepted. */
export function ifMatchVersion(value: string | undefined): number | undefined {
  const m = value === undefined ? null : IF_MATCH.exec(value);
  const digits = m?.[1] ?? m?.[2] ?? m?.[3];
  return digits === undefined ? undefined : Number(digits);
}

const Headers = z.object({
  "If-Match": z
    .string()
    .regex(IF_MATCH, 'must be the job version: 3, "3" or W/"3"')
    .optional()
    .openapi({
      param: { name: "If-Match", in: "header" },
      description: 'The version you read (3, "3" or W/"3", as sent in ETag). A different current version answers 412 version_mismatch.',
      example: 'W/"3"',
    }),
});

const route = createRoute({
  method: "patch",
  path: "/v1/jobs/{id}",
  operationId: "patchJob",
  tags: ["jobs"],
  summary: "Change some fields of a job",
  description:
    "Changes only the fields present; `null` clears a nullable field. A changed trigger or window re-plans the next fire. " +
    "Send `If-Match` with the version you read to get 412 `version_mismatch` instead of overwriting someone else's change.",
  security: bearerSecurity,
  request: {
    params: JobIdParams,
    headers: Headers,
    body: { required: true, content: { "application/json": { schema: JobPatch, example: { target: { timeoutMs: 10000 }, labels: { team: "ops" } } } } },
  },
  responses: {
    200: { description: "The changed job.", headers: etagHeader, content: { "application/json": { schema: Job, example: jobExample } } },
    ...jobNotFoundResponse,
    409: problemExample("Another change landed at the same moment; read the job again and retry.", 409, "concurrent_update", "job nightly-report was changed concurrently; retry"),
    412: problemExample("If-Match names another version than the current one.", 412, "version_mismatch", "job nightly-report is at version 4, not 3"),
    ...bodyErrorResponses,
    ...errorResponses,
  },
});

export function registerPatchJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const version = ifMatchVersion(c.req.valid("header")["If-Match"]);
    const job = await services.jobs.patch(id, c.req.valid("json"), version);
    return c.json(job, 200, { ETag: jobEtag(job.version) });
  });
}
