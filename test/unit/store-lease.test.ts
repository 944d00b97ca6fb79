// The lease row and the fenced claim: token semantics, compare-and-set claims, recovery and manual take-over, guarded run writes.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, SCHEDULER_LEASE, type ClaimItem, type NewRunRow, type RunUpdate } from "../../src/store/store.ts";
import { definitionColumns } from "../../src/store/mapping.ts";
import { defineJob } from "../../src/domain/definition.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const TTL = 3000;
const MIN = 60_000;
const T = NOW + 10 * MIN; // the job's next_fire_at

let store: Store;

beforeEach(async () => {
  store = await Store.open({ url: ":memory:" });
  await store.migrate(0);
});

afterEach(() => {
  store.close();
});

async function insertJob(s: Store, id: string, nextFireAt: number): Promise<void> {
  const def = defineJob(
    {
      trigger: { type: "interval", every: "1m", anchorAt: "2026-01-01T00:00:00Z" },
      target: { url: "http://127.0.0.1:9/hook" },
    },
    NOW,
  );
  const ok = await s.insertJob({ id, ...definitionColumns(def), state: "active", nextFireAt, createdAt: NOW, updatedAt: NOW });
  expect(ok).toBe(true);
}

function run(id: string, jobId: string, o: Partial<NewRunRow> = {}): NewRunRow {
  return { id, jobId, jobName: "default", trigger: "schedule", scheduledAt: T, status: "pending", instanceId: "A", leaseToken: 1, ...o };
}

function item(jobId: string, due: number, runs: NewRunRow[], o: Partial<ClaimItem> = {}): ClaimItem {
  return { jobId, due, next: due + MIN, lastFireAt: due, addRuns: runs.filter((r) => r.status === "pending").length, state: "active", runs, ...o };
}

async function runIds(s: Store): Promise<string[]> {
  const r = await s.client.execute("SELECT id FROM runs ORDER BY id");
  return r.rows.map((x) => String(x.id));
}

const update = (id: string, token: number | null, status: string): RunUpdate => ({
  id,
  token,
  status,
  attempts: 1,
  startedAt: NOW,
  finishedAt: NOW + 10,
  httpStatus: 200,
  durationMs: 10,
  response: "ok",
  error: null,
});

describe("lease", () => {
  test("acquiring a free lease gives fencing token 1", async () => {
    const l = await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    expect(l).toEqual({ name: SCHEDULER_LEASE, holder: "A", token: 1, expiresAt: NOW + TTL, renewedAt: NOW });
    expect(await store.getLease(SCHEDULER_LEASE)).toEqual(l);
  });

  test("a second holder cannot acquire the lease before it expires", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    expect(await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL - 1, TTL)).toBeNull();
    expect((await store.getLease(SCHEDULER_LEASE))!.holder).toBe("A");
  });

  test("after expiry a second holder takes the lease with token 2 and the old holder can no longer renew", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const b = await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL, TTL);
    expect(b).toMatchObject({ holder: "B", token: 2, expiresAt: NOW + 2 * TTL });
    expect(await store.renewLease(SCHEDULER_LEASE, "A", 1, NOW + TTL + 1, TTL)).toBe(false);
    expect(await store.getLease(SCHEDULER_LEASE)).toMatchObject({ holder: "B", token: 2, expiresAt: NOW + 2 * TTL });
  });

  test("the holder renews its lease while it is current, moving the expiry", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    expect(await store.renewLease(SCHEDULER_LEASE, "A", 1, NOW + 1000, TTL)).toBe(true);
    expect(await store.getLease(SCHEDULER_LEASE)).toMatchObject({ holder: "A", token: 1, expiresAt: NOW + 1000 + TTL, renewedAt: NOW + 1000 });
  });

  test("a renewal after the lease ran out fails even when nobody else took it", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    expect(await store.renewLease(SCHEDULER_LEASE, "A", 1, NOW + TTL, TTL)).toBe(false);
  });

  test("a renewal with the wrong token fails", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    expect(await store.renewLease(SCHEDULER_LEASE, "A", 2, NOW + 1, TTL)).toBe(false);
  });

  test("re-acquiring by the same holder before expiry (a restart with the same id) takes the next token", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const again = await store.acquireLease(SCHEDULER_LEASE, "A", NOW + 1000, TTL);
    expect(again).toMatchObject({ holder: "A", token: 2, expiresAt: NOW + 1000 + TTL });
    expect(await store.renewLease(SCHEDULER_LEASE, "A", 1, NOW + 1001, TTL)).toBe(false);
  });

  test("re-acquiring by the same holder after expiry increments the token", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const again = await store.acquireLease(SCHEDULER_LEASE, "A", NOW + TTL, TTL);
    expect(again).toMatchObject({ name: SCHEDULER_LEASE, holder: "A", token: 2 });
  });

  test("releasing the lease lets a peer take over at once with the next token", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.releaseLease(SCHEDULER_LEASE, "A", 1, NOW + 500);
    expect(await store.acquireLease(SCHEDULER_LEASE, "B", NOW + 500, TTL)).toMatchObject({ name: SCHEDULER_LEASE, holder: "B", token: 2 });
  });

  test("a stale holder's release does not free a lease a peer now holds", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL, TTL);
    await store.releaseLease(SCHEDULER_LEASE, "A", 1, NOW + TTL + 1);
    expect(await store.acquireLease(SCHEDULER_LEASE, "C", NOW + TTL + 1, TTL)).toBeNull();
  });

  test("leases of different names are held independently, with tokens from one sequence", async () => {
    expect(await store.acquireLease("scheduler:0", "A", NOW, TTL)).toMatchObject({ holder: "A", token: 1 });
    expect(await store.acquireLease("scheduler:1", "B", NOW, TTL)).toMatchObject({ holder: "B", token: 2 });
    expect(await store.acquireLease("scheduler:0", "B", NOW + 1, TTL)).toBeNull(); // A holds it
    // A later holder of any shard gets a token above every token issued before, whatever the lease.
    expect(await store.acquireLease("scheduler:0", "B", NOW + TTL, TTL)).toMatchObject({ holder: "B", token: 3 });
    expect(await store.acquireLease("scheduler", "C", NOW + TTL, TTL)).toMatchObject({ holder: "C", token: 4 });
    expect((await store.listLeases()).map((l) => [l.name, l.holder, l.token])).toEqual([
      ["scheduler", "C", 4],
      ["scheduler:0", "B", 3],
      ["scheduler:1", "B", 2],
    ]);
  });
});

describe("claim", () => {
  beforeEach(async () => {
    await insertJob(store, "job-1", T);
  });

  test("a claim with a stale token claims nothing and inserts no runs", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL, TTL); // A's lease is gone, B has token 2
    const claimed = await store.claim([item("job-1", T, [run("r1", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect([...claimed]).toEqual([]);
    expect(await runIds(store)).toEqual([]);
    expect((await store.getJob("job-1"))!.nextFireAt).toBe(T);
  });

  test("a claim with the current token but another holder's name claims nothing", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "B", NOW, TTL);
    const claimed = await store.claim([item("job-1", T, [run("r1", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect(claimed.size).toBe(0);
    expect(await runIds(store)).toEqual([]);
  });

  test("a claim with no lease row at all claims nothing", async () => {
    const claimed = await store.claim([item("job-1", T, [run("r1", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect(claimed.size).toBe(0);
    expect(await runIds(store)).toEqual([]);
  });

  test("a claim with the current token moves next_fire_at and inserts exactly the given run rows", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const runs = [
      run("r-missed", "job-1", { status: "missed", scheduledAt: T - MIN, finishedAt: NOW, error: "missed: late" }),
      run("r-pending", "job-1", { scheduledAt: T }),
    ];
    const claimed = await store.claim([item("job-1", T, runs, { next: T + MIN, lastFireAt: T, addRuns: 1 })], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect([...claimed]).toEqual(["job-1"]);
    const job = (await store.getJob("job-1"))!;
    expect(job).toMatchObject({ nextFireAt: T + MIN, lastFireAt: T, runCount: 1, state: "active", updatedAt: NOW });
    expect(await runIds(store)).toEqual(["r-missed", "r-pending"]);
    expect(await store.getRun("r-missed")).toMatchObject({ status: "missed", scheduledAt: T - MIN, finishedAt: NOW, error: "missed: late", leaseToken: 1, instanceId: "A" });
    expect(await store.getRun("r-pending")).toMatchObject({ status: "pending", scheduledAt: T, trigger: "schedule", leaseToken: 1, jobName: "default", attempts: 0 });
  });

  test("a claim that completes the job clears next_fire_at and marks it completed", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.claim([item("job-1", T, [run("r1", "job-1")], { next: null, state: "completed" })], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect(await store.getJob("job-1")).toMatchObject({ nextFireAt: null, state: "completed", runCount: 1 });
    expect(await store.dueJobs(T + 10 * MIN, 10)).toEqual([]);
  });

  test("one batch may complete some jobs and keep others active; a stale item in it claims nothing", async () => {
    await insertJob(store, "job-2", T);
    await insertJob(store, "job-3", T);
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const claimed = await store.claim(
      [
        item("job-1", T, [run("r1", "job-1")], { next: null, state: "completed" }),
        item("job-2", T, [run("r2", "job-2")]),
        item("job-3", T - MIN, [run("r3", "job-3")], { next: null, state: "completed" }), // due does not match: not claimed
      ],
      { name: SCHEDULER_LEASE, holder: "A", token: 1 },
      "c1",
    );
    expect([...claimed].sort()).toEqual(["job-1", "job-2"]);
    expect(await store.getJob("job-1")).toMatchObject({ nextFireAt: null, state: "completed", runCount: 1 });
    expect(await store.getJob("job-2")).toMatchObject({ nextFireAt: T + MIN, state: "active", runCount: 1 });
    expect(await store.getJob("job-3")).toMatchObject({ nextFireAt: T, state: "active", runCount: 0 });
    expect(await runIds(store)).toEqual(["r1", "r2"]);
  });

  test("a second claim of the same slot (same due) claims nothing and inserts no runs", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const first = await store.claim([item("job-1", T, [run("r1", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    const second = await store.claim([item("job-1", T, [run("r2", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c2");
    expect(first.size).toBe(1);
    expect(second.size).toBe(0);
    expect(await runIds(store)).toEqual(["r1"]);
    expect((await store.getJob("job-1"))!.runCount).toBe(1);
  });

  test("a claim inserts the runs of the jobs whose compare-and-set succeeded and only those", async () => {
    await insertJob(store, "job-2", T);
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const claimed = await store.claim(
      [item("job-1", T, [run("r1", "job-1")]), item("job-2", T - MIN /* stale view */, [run("r2", "job-2")])],
      { name: SCHEDULER_LEASE, holder: "A", token: 1 },
      "c1",
    );
    expect([...claimed]).toEqual(["job-1"]);
    expect(await runIds(store)).toEqual(["r1"]);
    expect((await store.getJob("job-2"))!.nextFireAt).toBe(T);
  });

  test("a paused job is not claimed", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.client.execute("UPDATE jobs SET state = 'paused' WHERE id = 'job-1'");
    const claimed = await store.claim([item("job-1", T, [run("r1", "job-1")])], { name: SCHEDULER_LEASE, holder: "A", token: 1 }, "c1");
    expect(claimed.size).toBe(0);
    expect(await runIds(store)).toEqual([]);
  });

  test("two claims racing for the same slot: exactly one succeeds and exactly one pending run exists", async () => {
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    const lease = { name: SCHEDULER_LEASE, holder: "A", token: 1 };
    const [a, b] = await Promise.all([
      store.claim([item("job-1", T, [run("ra", "job-1")])], lease, "ca"),
      store.claim([item("job-1", T, [run("rb", "job-1")])], lease, "cb"),
    ]);
    expect(a.size + b.size).toBe(1);
    expect(await store.openRunCount()).toBe(1);
    expect((await runIds(store)).length).toBe(1);
    expect((await store.getJob("job-1"))!.runCount).toBe(1);
  });

  test("two connections to one database file racing for the same slot claim it once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cronhook-lease-"));
    const url = `file:${join(dir, "race.db")}`;
    const s1 = await Store.open({ url });
    const s2 = await Store.open({ url });
    try {
      await s1.migrate(0);
      for (let i = 0; i < 20; i++) await insertJob(s1, `j${i}`, T);
      await s1.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
      const lease = { name: SCHEDULER_LEASE, holder: "A", token: 1 };
      const items = (tag: string) => Array.from({ length: 20 }, (_, i) => item(`j${i}`, T, [run(`${tag}-${i}`, `j${i}`)]));
      const [a, b] = await Promise.all([s1.claim(items("a"), lease, "ca"), s2.claim(items("b"), lease, "cb")]);
      expect(a.size + b.size).toBe(20);
      for (let i = 0; i < 20; i++) expect(a.has(`j${i}`) !== b.has(`j${i}`)).toBe(true);
      const r = await s1.client.execute("SELECT job_id, count(*) AS n FROM runs GROUP BY job_id");
      expect(r.rows.length).toBe(20);
      expect(r.rows.every((x) => Number(x.n) === 1)).toBe(true);
    } finally {
      s1.close();
      s2.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("recovery and manual runs", () => {
  beforeEach(async () => {
    await insertJob(store, "job-1", T);
    await store.acquireLease(SCHEDULER_LEASE, "A", NOW, TTL);
    await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL, TTL); // B holds token 2
    await store.insertRun(run("r1-pending", "job-1", { leaseToken: 1 }));
    await store.insertRun(run("r2-running", "job-1", { leaseToken: 1, status: "running" }));
    await store.insertRun(run("r3-done", "job-1", { leaseToken: 1, status: "succeeded" }));
    await store.insertRun(run("r4-mine", "job-1", { leaseToken: 2, instanceId: "B" }));
    await store.insertRun(run("r5-manual", "job-1", { leaseToken: null, instanceId: null, trigger: "manual" }));
    await store.insertRun(run("r6-manual-done", "job-1", { leaseToken: null, instanceId: null, trigger: "manual", status: "succeeded" }));
  });

  test("takeOrphanRuns returns the pending and running runs of lower tokens only, marked recovery", async () => {
    const taken = await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100);
    expect(taken.map((r) => r.id).sort()).toEqual(["r1-pending", "r2-running"]);
    expect(taken.every((r) => r.trigger === "recovery" && r.leaseToken === 2 && r.instanceId === "B")).toBe(true);
    expect(await store.getRun("r1-pending")).toMatchObject({ trigger: "recovery", leaseToken: 2, status: "pending" });
    expect(await store.getRun("r3-done")).toMatchObject({ trigger: "schedule", leaseToken: 1 });
    expect(await store.getRun("r4-mine")).toMatchObject({ trigger: "schedule", leaseToken: 2 });
    expect(await store.getRun("r5-manual")).toMatchObject({ trigger: "manual", leaseToken: null });
  });

  test("a restart under the same holder id recovers the runs its earlier process left open", async () => {
    // B crashed holding token 2 with r4 pending, and restarts as "B" before its lease ran out.
    const again = await store.acquireLease(SCHEDULER_LEASE, "B", NOW + TTL + 500, TTL);
    expect(again?.token).toBe(3);
    const taken = await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 3 }, 100);
    expect(taken.map((r) => r.id).sort()).toEqual(["r1-pending", "r2-running", "r4-mine"]);
  });

  test("takeOrphanRuns takes each orphan once", async () => {
    expect((await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100)).length).toBe(2);
    expect(await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100)).toEqual([]);
  });

  test("takeOrphanRuns respects its limit", async () => {
    expect((await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 1)).length).toBe(1);
    expect((await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 1)).length).toBe(1);
    expect((await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 1)).length).toBe(0);
  });

  test("takeOrphanRuns by a holder that lost the lease takes nothing", async () => {
    expect(await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "A", token: 1 }, 100)).toEqual([]);
    expect(await store.getRun("r1-pending")).toMatchObject({ trigger: "schedule", leaseToken: 1 });
  });

  test("takeManualRuns takes only pending runs with no lease token, once", async () => {
    const taken = await store.takeManualRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100);
    expect(taken.map((r) => r.id)).toEqual(["r5-manual"]);
    expect(taken[0]).toMatchObject({ trigger: "manual", leaseToken: 2, instanceId: "B", status: "pending" });
    expect(await store.takeManualRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100)).toEqual([]);
    expect(await store.getRun("r6-manual-done")).toMatchObject({ leaseToken: null });
  });

  test("takeManualRuns by a holder that lost the lease takes nothing", async () => {
    expect(await store.takeManualRuns({ name: SCHEDULER_LEASE, holder: "A", token: 1 }, 100)).toEqual([]);
    expect(await store.getRun("r5-manual")).toMatchObject({ leaseToken: null });
  });

  test("writeRunUpdates with an older token than the row's leaves the row alone", async () => {
    await store.takeOrphanRuns({ name: SCHEDULER_LEASE, holder: "B", token: 2 }, 100); // r1 now belongs to token 2
    await store.writeRunUpdates([update("r1-pending", 1, "failed")]);
    expect(await store.getRun("r1-pending")).toMatchObject({ status: "pending", attempts: 0, httpStatus: null, finishedAt: null });
  });

  test("writeRunUpdates with the row's token writes the result", async () => {
    await store.writeRunUpdates([update("r4-mine", 2, "succeeded")]);
    expect(await store.getRun("r4-mine")).toMatchObject({
      status: "succeeded",
      attempts: 1,
      startedAt: NOW,
      finishedAt: NOW + 10,
      httpStatus: 200,
      durationMs: 10,
      response: "ok",
    });
  });

  test("writeRunUpdates applies the current holder's updates and skips the stale ones in one batch", async () => {
    await store.writeRunUpdates([update("r4-mine", 1, "failed"), update("r1-pending", 1, "succeeded")]);
    expect(await store.getRun("r4-mine")).toMatchObject({ status: "pending" }); // owned by token 2
    expect(await store.getRun("r1-pending")).toMatchObject({ status: "succeeded" }); // still token 1's
  });
});
