// A killed-and-restarted process keeps its jobs and applies each job's misfire policy to what it missed.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInstance, type Instance } from "../../scripts/lib/instance.ts";
import { startTarget } from "../helpers/target.ts";

const dir = mkdtempSync(join(tmpdir(), "cronhook-restart-"));
const target = startTarget();
const running: Instance[] = [];

afterAll(() => {
  for (const i of running) i.kill("SIGKILL");
  target.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function api(inst: Instance, method: string, path: string, body?: unknown) {
  const res = await fetch(inst.url + path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}

test("after kill -9 and restart, jobs survive and missed fires follow once / skip / all", async () => {
  const db = `file:${join(dir, "c.db")}`;
  const a = await startInstance(["--db", db, "--tick-ms", "50", "--lease-ttl-ms", "1000"]);
  running.push(a);
  for (const policy of ["once", "skip", "all"]) {
    const r = await api(a, "POST", "/v1/jobs", {
      id: `mf-${policy}`,
      trigger: { type: "interval", every: "200ms" },
      misfire: { policy, graceMs: 100 },
      target: { url: `${target.url}/${policy}` },
    });
    expect(r.status).toBe(201);
  }
  await target.waitFor(2, 5000, (h) => h.path === "/all");
  a.kill("SIGKILL");
  await a.exited;
  const killedAt = Date.now();
  await Bun.sleep(1500); // about 7 slots of each job are missed
  const before = { once: 0, skip: 0, all: 0 } as Record<string, number>;
  for (const h of target.hits) before[h.path.slice(1)]!++;
  const b = await startInstance(["--db", db, "--tick-ms", "50", "--lease-ttl-ms", "1000"]);
  running.push(b);
  const restartedAt = Date.now();
  await Bun.sleep(2000);
  const jobs = await api(b, "GET", "/v1/jobs");
  expect(jobs.body.items.map((j: { id: string }) => j.id).sort()).toEqual(["mf-all", "mf-once", "mf-skip"]);
  // Slots due while no instance ran, sent after the restart. A run that was in flight at the kill may be
  // re-sent once (at-least-once, same Idempotency-Key), hence the "+ 1" allowances.
  const late = (p: string) => target.hits.filter((h) => h.path === `/${p}` && h.at >= restartedAt && Date.parse(h.headers["x-cronhook-scheduled-at"]!) < restartedAt);
  expect(late("all").length).toBeGreaterThanOrEqual(6); // every missed slot
  expect(late("once").length).toBeGreaterThanOrEqual(1); // exactly one catch-up
  expect(late("once").length).toBeLessThanOrEqual(2);
  expect(late("skip").length).toBeLessThanOrEqual(1); // none
  void killedAt;
  const missed = await api(b, "GET", `/v1/jobs/${encodeURIComponent("mf-skip")}/runs?status=missed`);
  expect(missed.body.items.length).toBeGreaterThanOrEqual(5);
  const catchup = await api(b, "GET", `/v1/jobs/mf-once/runs?limit=100`);
  expect(catchup.body.items.filter((r: { trigger: string }) => r.trigger === "catchup")).toHaveLength(1);
  // and the jobs keep firing after the restart
  await target.waitFor(before.skip! + 2, 3000, (h) => h.path === "/skip");
  b.kill("SIGTERM");
  expect(await b.exited).toBe(0);
}, 30_000);
