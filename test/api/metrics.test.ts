// GET /metrics: Prometheus text with the engine's real figures after real fires.
import { afterEach, expect, test } from "bun:test";
import { testRuntime, until } from "../helpers/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import type { Runtime } from "../../src/runtime.ts";

let rt: Runtime | null = null;
let target: Target | null = null;
afterEach(async () => {
  await rt?.stop();
  target?.stop();
});

function metric(text: string, line: string): number {
  const m = text.split("\n").find((l) => l.startsWith(line + " "));
  return m ? Number(m.slice(line.length + 1)) : NaN;
}

test("reports fires, failures, lateness, lease and job counts in Prometheus text format", async () => {
  target = startTarget((req) => new Response("x", { status: new URL(req.url).pathname === "/bad" ? 500 : 200 }));
  rt = await testRuntime();
  await rt.start();
  await rt.services.jobs.create({ id: "ok", trigger: { type: "interval", every: "100ms" }, target: { url: `${target.url}/ok` } });
  await rt.services.jobs.create({ id: "bad", state: "paused", trigger: { type: "interval", every: "1h" }, target: { url: `${target.url}/bad`, retry: { maxAttempts: 2, backoffMs: 10 } } });
  await rt.services.jobs.runNow("bad", { wait: true });
  await target.waitFor(3, 3000, (h) => h.path === "/ok");
  await rt.app.request("/v1/jobs/nope"); // a 404, counted
  const text = await until(async () => {
    const t = await (await rt!.app.request("/metrics")).text();
    return metric(t, 'cronhook_fires_total{status="succeeded",trigger="schedule"}') >= 2 ? t : null;
  }, 3000, "succeeded fires in /metrics");
  const res = await rt.app.request("/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  expect(text).toContain("# TYPE cronhook_fire_lateness_seconds histogram");
  expect(metric(text, 'cronhook_fires_total{status="failed",trigger="manual"}')).toBe(1);
  expect(metric(text, "cronhook_retries_total")).toBe(1);
  expect(metric(text, "cronhook_fire_lateness_seconds_count")).toBeGreaterThanOrEqual(3);
  expect(metric(text, 'cronhook_fire_lateness_seconds_bucket{le="+Inf"}')).toBe(metric(text, "cronhook_fire_lateness_seconds_count"));
  expect(metric(text, "cronhook_lease_leader")).toBe(1);
  expect(metric(text, "cronhook_lease_token")).toBe(1);
  expect(metric(text, "cronhook_lease_shards")).toBe(1);
  expect(metric(text, 'cronhook_jobs{state="active"}')).toBe(1);
  expect(metric(text, 'cronhook_jobs{state="paused"}')).toBe(1);
  expect(metric(text, 'cronhook_http_requests_total{method="GET",status="404"}')).toBe(1);
  expect(metric(text, "cronhook_claim_duration_seconds_count")).toBeGreaterThanOrEqual(1);
});

test("a follower reports no lease and no fires", async () => {
  rt = await testRuntime();
  const text = await (await rt.app.request("/metrics")).text();
  expect(metric(text, "cronhook_lease_leader")).toBe(0);
  expect(metric(text, "cronhook_fires_total")).toBe(0);
});
