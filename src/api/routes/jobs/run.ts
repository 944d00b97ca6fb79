// POST /v1/jobs/{id}/run: fire a job once now; with ?wait=true answer once the run has ended.
import { createRoute, z } from "@hono/zod-openapi";
import { Run } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses, jobNotFoundResponse } from "../../errors.ts";
import { JobIdParams, runExample, runLocation, locationHeader } from "../../schemas.ts";

const Query = z.object({
  wait: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .openapi({ description: "true: answer 200 once the run has ended (or 202 if timeoutMs passes first).", example: "true" }),
  timeoutMs: z.coerce
    .number()
    .int()
    .min(1)
    .max(600_000)
    .optional()
    .openapi({ description: "With wait: the longest to wait, in ms.", example: 30000 }),
});

const route = createRoute({
  method: "post",
  path: "/v1/jobs/{id}/run",
  operationId: "runJob",
  tags: ["jobs"],
  summary: "Run a job now",
  description:
    "Fires the job once, now, outside its schedule (trigger `manual`). Without `wait` it answers 202 with the " +
    "pending run at once; with `wait=true` it answers 200 with the run once it has ended, or 202 with the run still in flight if `timeoutMs` passes first.",
  security: bearerSecurity,
  request: { params: JobIdParams, query: Query },
  responses: {
    200: { description: "The run, ended (only with wait=true).", content: { "application/json": { schema: Run, example: runExample } } },
    202: {
      description: "The run, accepted and not yet ended. Follow it at Location.",
      headers: locationHeader,
      content: {
        "application/json": {
          schema: Run,
          example: { ...runExample, status: "pending", startedAt: null, finishedAt: null, attempts: 0, httpStatus: null, durationMs: null, response: null },
        },
      },
    },
    ...jobNotFoundResponse,
    ...errorResponses,
  },
});

export function registerRunJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { wait, timeoutMs } = c.req.valid("query");
    const waiting = wait === "true" || wait === "1";
    const { run, done } = await services.jobs.runNow(id, { wait: waiting, ...(waiting && timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (waiting && done) return c.json(run, 200);
    return c.json(run, 202, { Location: runLocation(run.id) });
  });
}
