// Sharding (CRONHOOK_SHARDS): jobs hash to K shards, each led under its own lease; instances share the shards
// fairly, a dead instance's shards move to the others, and each slot fires once. Fake clock, real libSQL, real target.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/domain/clock.ts";
import { defineJob } from "../../src/domain/definition.ts";
import { SLOTS, fairShare, jobSlot, shardLeaseName, shardOfSlot } from "../../src/domain/shard.ts";
import { Engine } from "../../src/engine/engine.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { definitionColumns } from "../../src/store/mapping.ts";
import { Store } from "../../src/store/store.ts";
import { until } from "../helpers/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";

const T0 = Date.parse("2026-06-01T12:00:00.000Z");
const TTL = 3000;

describe("job slots and shards", () => {
  test("a job's slot is a stable hash of its id (pinned: a new hash would move jobs between shards)", () => {
    // Pinned: a changed hash would move every job to another shard on upgrade.
    expect(["", "a", "job-1", "nightly-report", "任务-1"].map(jobSlot)).toEqual([3525, 2348, 2326, 139, 2063]);
    for (let i = 0; i < 1000; i++) expect(jobSlot(`j${i}`)).toBeLessThan(SLOTS);
  });

  test("sequential ids spread evenly over 2, 3 and 4 shards", () => {
    for (const k of [2, 3, 4]) {
      const counts = new Array(k).fill(0);
      for (let i = 0; i < 10_000; i++) counts[shardOfSlot(jobSlot(`job-${i}`), k)]++;
      for (const c of counts) expect(Math.abs(c - 10_000 / k)).toBeLessThan((10_000 / k) * 0.1);
    }
  });

  test("lease names keep the single-shard name, and the fair share rounds up", () => {
    expect(shardLeaseName(0, 1)).toBe("scheduler");
    expect(shardLeaseName(3, 4)).toBe("scheduler:3");
    expect([fairShare(4, 1), fairShare(4, 2), fairShare(4, 3), fairShare(2, 3), fairShare(3, 0)]).toEqual([4, 2, 2, 1, 3]);
  });
});

describe("engines sharing shards", () => {
  let store: Store;
  let target: Target;
  let clock: FakeClock;
  const engines: Engine[] = [];

  function engine(id: string, shards = 2): Engine {
    const e = new Engine({
      store, clock, logger: silentLogger, instanceId: id, host: "test", version: "test",
      leaseTtlMs: TTL, tickMs: 100, claimWindowMs: 1500, maxInFlight: 64, manual: true, shards,
    });
    engines.push(e);
    return e;
  }

  async function addJobs(n: number): Promise<string[]> {
    const def = defineJob({ trigger: { type: "interval", every: "10s", anchorAt: new Date(T0).toISOString() }, target: { url: target.url }, misfire: { policy: "all" } }, T0);
    const ids = Array.from({ length: n }, (_, i) => `job-${i}`);
    await Promise.all(
      ids.map((id) =>
        store.insertJob({ id, ...definitionColumns(def), state: "active", pausedReason: null, nextFireAt: T0 + 1000, lastFireAt: null, runCount: 0, version: 1, claimId: null, shard: jobSlot(id), createdAt: T0, updatedAt: T0 }),
      ),
    );
    return ids;
  }

  const shardsOf = (e: Engine) => e.status().shards.map((s) => s.index);

  /** Two instances on 2 shards, one each (a starts alone with both, then hands shard 1 to b). */
  async function twoSharing(): Promise<[Engine, Engine]> {
    const a = engine("a");
    await a.start();
    const b = engine("b");
    await b.start();
    clock.advance(TTL / 3);
    await a.leaseRound();
    await until(async () => (shardsOf(a).length === 1 ? true : null), 3000, "a to hand a shard back");
    await b.leaseRound();
    expect([shardsOf(a), shardsOf(b)]).toEqual([[0], [1]]);
    return [a, b];
  }

  beforeEach(async () => {
    store = await Store.open({ url: ":memory:" });
    await store.migrate(T0);
    target = startTarget();
    clock = new FakeClock(T0);
  });

  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop(0);
    target.stop();
    store.close();
  });

  test("one instance alone leads every shard", async () => {
    const a = engine("a", 4);
    await a.start();
    expect(shardsOf(a)).toEqual([0, 1, 2, 3]);
    expect(new Set(a.status().shards.map((s) => s.token)).size).toBe(4); // one token per lease
  });

  test("a second instance gets half of the shards: the first hands one back, the second takes it", async () => {
    const a = engine("a");
    await a.start();
    expect(shardsOf(a)).toEqual([0, 1]);
    const b = engine("b");
    await b.start(); // heartbeats; both shards are taken
    expect(shardsOf(b)).toEqual([]);
    clock.advance(TTL / 3);
    await a.leaseRound(); // sees b live and below its share: hands shard 1 back (nothing in flight: at once)
    await until(async () => (shardsOf(a).length === 1 ? true : null), 3000, "a to hand shard 1 back");
    expect(shardsOf(a)).toEqual([0]);
    await a.leaseRound(); // the released lease still names a: a must not take it back as its own
    expect(shardsOf(a)).toEqual([0]);
    await b.leaseRound();
    expect(shardsOf(b)).toEqual([1]);
    clock.advance(TTL / 3);
    await a.leaseRound(); // does not take it back
    await b.leaseRound();
    expect([shardsOf(a), shardsOf(b)]).toEqual([[0], [1]]);
  });

  test("each instance fires the jobs of its own shards, and every job fires once", async () => {
    const ids = await addJobs(40);
    const [a, b] = await twoSharing();
    await a.tick();
    await b.tick();
    clock.set(T0 + 1000);
    a.fireDue();
    b.fireDue();
    const hits = await target.waitFor(40, 5000);
    const fired = hits.map((h) => h.headers["x-cronhook-job-id"]!);
    expect(fired.sort()).toEqual([...ids].sort());
    const runs = await store.listRuns({ limit: 100 });
    expect(runs).toHaveLength(40);
    for (const r of runs) {
      const shard = shardOfSlot(jobSlot(r.jobId), 2);
      expect(r.shard).toBe(jobSlot(r.jobId));
      expect(r.instanceId).toBe(shard === 0 ? "a" : "b");
    }
    expect(new Set(runs.map((r) => r.instanceId))).toEqual(new Set(["a", "b"]));
  });

  test("a dead instance's shard moves to the survivor, which recovers the runs it had claimed", async () => {
    await addJobs(20);
    const [a, b] = await twoSharing();
    await a.tick();
    await b.tick(); // both claimed their jobs' T0+1000 slot
    const claimed = await store.listRuns({ limit: 100 });
    const ofB = claimed.filter((r) => r.instanceId === "b");
    const ofA = claimed.filter((r) => r.instanceId === "a");
    expect(ofB.length).toBeGreaterThan(0);
    expect(ofA.length).toBeGreaterThan(0);
    // b dies: no renewals, its claims never sent. a keeps renewing; once b's lease has been over for half a TTL, a takes shard 1.
    for (let i = 0; i < 6; i++) {
      clock.advance(TTL / 3);
      await a.leaseRound();
    }
    expect(shardsOf(a)).toEqual([0, 1]);
    clock.set(Math.max(clock.now(), T0 + 1000));
    a.fireDue();
    const hits = await target.waitFor(20, 5000);
    const keys = new Set(hits.map((h) => h.headers["idempotency-key"]));
    for (const r of ofB) expect(keys.has(r.id)).toBe(true); // b's runs sent by a under the same run id
    // The target has the request; the engine records the answer a moment later.
    const recovered = await until(async () => {
      await a.flush();
      const r = await store.getRun(ofB[0]!.id);
      return r?.status === "succeeded" ? r : null;
    }, 3000, "the recovered run to succeed");
    expect(recovered).toMatchObject({ trigger: "recovery", instanceId: "a", status: "succeeded" });
    // Recovery of shard 1 left shard 0's runs (a's own, under a lower token) alone: nothing was sent twice.
    for (const r of ofA) expect((await store.getRun(r.id))!.trigger).toBe("schedule");
    await Bun.sleep(100);
    expect(target.hits).toHaveLength(20);
  });

  test("a shard handed back waits for its requests in flight, so the new leader sends none of them again", async () => {
    target.stop();
    target = startTarget(async () => {
      await Bun.sleep(400); // slow answers: the requests are still in flight when b joins
      return new Response("ok");
    });
    await addJobs(20);
    const a = engine("a");
    await a.start();
    expect(shardsOf(a)).toEqual([0, 1]);
    await a.tick();
    clock.set(T0 + 1000);
    a.fireDue();
    await target.waitFor(20, 5000); // all 20 sent by a, none answered yet
    const b = engine("b");
    await b.start();
    clock.advance(TTL / 3);
    await a.leaseRound(); // starts handing shard 1 back; returns at once (renewals go on)
    expect(shardsOf(a)).toEqual([0, 1]); // still a's until its requests are done
    await b.leaseRound();
    expect(shardsOf(b)).toEqual([]);
    await until(async () => (shardsOf(a).length === 1 ? true : null), 5000, "a to hand shard 1 back");
    await b.leaseRound();
    expect(shardsOf(b)).toEqual([1]);
    await Bun.sleep(600);
    expect(target.hits).toHaveLength(20); // b recovered nothing to send again
    const runs = await store.listRuns({ limit: 100 });
    expect(runs.filter((r) => r.status === "succeeded")).toHaveLength(20);
    expect(runs.every((r) => r.trigger === "schedule" && r.instanceId === "a")).toBe(true);
  });

  test("an instance with another shard count refuses to start while one with the recorded count is alive", async () => {
    const a = engine("a", 2);
    await a.start();
    const c = engine("c", 3);
    await expect(c.start()).rejects.toThrow(/3 shard\(s\).*use 2/);
    await a.stop(0);
    clock.advance(3 * TTL); // a is gone (it removed its heartbeat on stop): the count may change
    await c.start();
    expect(shardsOf(c)).toEqual([0, 1, 2]);
  });

  test("run-now of a job is taken by the leader of the job's shard", async () => {
    await addJobs(10);
    const [a, b] = await twoSharing();
    for (const id of ["job-1", "job-2", "job-3", "job-4"]) {
      const row = (await store.getJob(id))!;
      await store.insertRun({ id: `manual-${id}`, jobId: id, jobName: row.name, trigger: "manual", scheduledAt: clock.now(), status: "pending", attempts: 0, leaseToken: null, shard: row.shard });
    }
    await a.tick();
    await b.tick();
    for (const id of ["job-1", "job-2", "job-3", "job-4"]) {
      const r = (await store.getRun(`manual-${id}`))!;
      expect(r.instanceId).toBe(shardOfSlot(jobSlot(id), 2) === 0 ? "a" : "b");
    }
  });
});
