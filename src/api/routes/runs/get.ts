// GET /v1/runs/{id}: one run.
import { createRoute } from "@hono/zod-openapi";
import { Run } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { errorResponses, problemExample } from "../../errors.ts";
import { RunIdParams, runExample } from "../../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/runs/{id}",
  operationId: "getRun",
  tags: ["runs"],
  summary: "Get a run",
  description: "One run: its status, attempts, HTTP status, duration and the first bytes of the response.",
  security: bearerSecurity,
  request: { params: RunIdParams },
  responses: {
    200: { description: "The run.", content: { "application/json": { schema: Run, example: runExample } } },
    404: problemExample("No run with this id.", 404, "run_not_found", "run 0193b7c2-7a3e-7000-8000-1234567890ab not found"),
    ...errorResponses,
  },
});

export function registerGetRun(app: App, { services }: ApiDeps): void {
  app.openapi(route, async (c) => {
    const run = await services.runs.get(c.req.valid("param").id);
    return c.json(run, 200);
  });
}
