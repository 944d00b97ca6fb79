// GET /readyz: ready to serve (database reachable and migrated): 200, else a 503 problem.
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps, App } from "../../context.ts";
import { problemBody, PROBLEM_CONTENT_TYPE, problemExample, titleFor } from "../../errors.ts";

export const Readiness = z
  .object({ status: z.literal("ready"), detail: z.string() })
  .openapi("Readiness", { example: { status: "ready", detail: "database reachable, schema at version 3" } });

const route = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["health"],
  summary: "Readiness",
  description: "200 when the database is reachable and migrated; otherwise a 503 problem (`not_ready`) saying why. No auth.",
  security: [],
  responses: {
    200: { description: "Ready.", content: { "application/json": { schema: Readiness } } },
    503: problemExample("Not ready.", 503, "not_ready", "database unreachable"),
  },
});

export function registerReadyz(app: App, { services, logger }: ApiDeps): void {
  app.openapi(route, async (c) => {
    let result: { ok: boolean; detail: string };
    try {
      result = await services.health.ready();
    } catch (err) {
      // A probe that throws is a "no", not a 500; the reason goes to the log, not to the caller.
      logger.warn("readiness check failed", { requestId: c.get("requestId"), err });
      result = { ok: false, detail: "readiness check failed" };
    }
    if (result.ok) return c.json({ status: "ready" as const, detail: result.detail }, 200);
    const body = problemBody(c, { status: 503, code: "not_ready", title: titleFor(503), detail: result.detail });
    return c.json(body, 503, { "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store" });
  });
}
