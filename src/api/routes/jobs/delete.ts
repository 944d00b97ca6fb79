// DELETE /v1/jobs/{id}: remove a job; its run history stays until cleared.
import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses, jobNotFoundResponse } from "../../errors.ts";
import { JobIdParams } from "../../schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/jobs/{id}",
  operationId: "deleteJob",
  tags: ["jobs"],
  summary: "Delete a job",
  description: "Removes the job: no further fires. Its runs stay in the history until cleared with `DELETE /v1/runs?jobId=`.",
  security: bearerSecurity,
  request: { params: JobIdParams },
  responses: {
    204: { description: "Deleted." },
    ...jobNotFoundResponse,
    ...errorResponses,
  },
});

export function registerDeleteJob(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    await services.jobs.remove(c.req.valid("param").id);
    return c.body(null, 204);
  });
}
