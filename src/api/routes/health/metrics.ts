// GET /metrics: Prometheus text format (fires, failures, retries, lateness, in flight, claims, lease, database errors).
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps, App } from "../../context.ts";

const route = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tags: ["health"],
  summary: "Prometheus metrics",
  description:
    "Prometheus text format 0.0.4: cronhook_fires_total{status,trigger}, cronhook_attempts_total, cronhook_retries_total, cronhook_missed_total, " +
    "cronhook_fire_lateness_seconds (histogram), cronhook_run_duration_seconds, cronhook_runs_in_flight, cronhook_fires_queued, " +
    "cronhook_claim_batch_jobs, cronhook_claim_duration_seconds, cronhook_lease_leader, cronhook_lease_token, cronhook_db_errors_total{op}, " +
    "cronhook_jobs{state}, cronhook_http_requests_total{method,status}. Like /healthz it needs no token. Fire figures are this instance's own (the leader sends).",
  security: [],
  responses: {
    200: {
      description: "The metrics.",
      content: { "text/plain": { schema: z.string(), example: '# TYPE cronhook_fires_total counter\ncronhook_fires_total{status="succeeded",trigger="schedule"} 42\n' } },
    },
  },
});

export function registerMetrics(app: App, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const text = await deps.services.metrics.render();
    return c.text(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
