// Leader pauses and hand-overs with real processes: a stopped leader fires nothing it claimed; SIGTERM hands over fast.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInstance, type Instance } from "../../scripts/lib/instance.ts";
import { startTarget } from "../helpers/target.ts";

const dir = mkdtempSync(join(tmpdir(), "cronhook-failover-"));
const target = startTarget();
const running: Instance[] = [];

afterAll(async () => {
  for (const i of running) {
    i.kill("SIGCONT");
    i.kill("SIGKILL");
  }
  target.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function leaderOf(inst: Instance): Promise<{ instanceId: string; token: number } | null> {
  const res = await fetch(`${inst.url}/v1/scheduler`);
  return ((await res.json()) as { leader: { instanceId: string; token: number } | null }).leader;
}

function logTimes(inst: Instance, msg: string): { time: number; line: Record<string, unknown> }[] {
  return inst.lines
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((line) => ({ time: Date.parse(String(line.time)), line }));
}

async function cluster(name: string, ttl: number): Promise<[Instance, Instance]> {
  const db = `file:${join(dir, `${name}.db`)}`;
  const args = (id: string) => ["--db", db, "--instance-id", id, "--lease-ttl-ms", String(ttl), "--tick-ms", "100"];
  const a = await startInstance(args(`${name}-a`));
  running.push(a);
  await Bun.sleep(300); // a leads
  const b = await startInstance(args(`${name}-b`));
  running.push(b);
  return [a, b];
}

async function addJobs(inst: Instance, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${inst.url}/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: `${prefix}-${i}`, trigger: { type: "interval", every: "250ms" }, misfire: { policy: "all" }, target: { url: `${target.url}/${prefix}` } }),
    });
    expect(res.status).toBe(201);
  }
}

test("a leader stopped (SIGSTOP) past its TTL and resumed fires nothing it had claimed", async () => {
  const [a, b] = await cluster("stop", 1000);
  expect((await leaderOf(b))?.instanceId).toBe("stop-a");
  await addJobs(a, "stop", 5);
  await target.waitFor(10, 5000, (h) => h.path === "/stop");
  // SQLite's file lock belongs to the process: stopped inside a write transaction (a few ms out of
  // every tick), a holds the database's write lock and b cannot take the lease until a runs again.
  // That is the shared-file limit README states, not what this test is about, so stop it again.
  let stoppedAt = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    a.kill("SIGSTOP");
    stoppedAt = Date.now();
    const deadline = Date.now() + 5000;
    while ((await leaderOf(b))?.instanceId !== "stop-b" && Date.now() < deadline) await Bun.sleep(50);
    if ((await leaderOf(b))?.instanceId === "stop-b") break;
    a.kill("SIGCONT");
    await Bun.sleep(300);
  }
  expect((await leaderOf(b))?.instanceId).toBe("stop-b");
  await Bun.sleep(500);
  a.kill("SIGCONT");
  const resumedAt = Date.now();
  await Bun.sleep(2000);
  // a's timers ran late on resume, saw their lease gone by their own clock, and fired nothing.
  const aFires = logTimes(a, "fire").filter((f) => f.time >= resumedAt);
  expect(aFires).toEqual([]);
  expect(logTimes(a, "stepped down").length).toBeGreaterThanOrEqual(1);
  // Every slot that came due while a was stopped was sent by b, under exactly one run id.
  const hits = target.hits.filter((h) => h.path === "/stop" && Date.parse(h.headers["x-cronhook-scheduled-at"]!) >= stoppedAt && Date.parse(h.headers["x-cronhook-scheduled-at"]!) < resumedAt);
  const bySlot = new Map<string, Set<string>>();
  for (const h of hits) {
    const k = `${h.headers["x-cronhook-job-id"]}@${h.headers["x-cronhook-scheduled-at"]}`;
    (bySlot.get(k) ?? bySlot.set(k, new Set()).get(k)!).add(h.headers["idempotency-key"]!);
  }
  expect(bySlot.size).toBeGreaterThan(5);
  expect([...bySlot.values()].filter((keys) => keys.size > 1)).toEqual([]);
}, 30_000);

test("graceful shutdown (SIGTERM) of the leader hands over to a peer within a second", async () => {
  const [a, b] = await cluster("term", 3000);
  expect((await leaderOf(b))?.instanceId).toBe("term-a");
  await addJobs(a, "term", 2);
  await target.waitFor(4, 5000, (h) => h.path === "/term");
  const termAt = Date.now();
  a.kill("SIGTERM");
  expect(await a.exited).toBe(0);
  const deadline = Date.now() + 5000;
  while (logTimes(b, "became leader").length === 0 && Date.now() < deadline) await Bun.sleep(10);
  const took = logTimes(b, "became leader")[0]!.time - termAt;
  console.log(`handover after SIGTERM: ${took} ms (lease TTL 3000 ms)`);
  expect(took).toBeLessThan(1000); // well under the 3 s TTL: the lease was released, not left to expire
  await target.waitFor(target.hits.filter((h) => h.path === "/term").length + 2, 3000, (h) => h.path === "/term");
}, 30_000);
