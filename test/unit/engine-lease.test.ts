// Lease expiry and fencing in the engine, driven by a fake clock (no engine timers; real libSQL and a real target).
import { afterEach, beforeEach, expect, test } from "bun:test";
import { FakeClock } from "../../src/domain/clock.ts";
import { defineJob } from "../../src/domain/definition.ts";
import { Engine } from "../../src/engine/engine.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { definitionColumns } from "../../src/store/mapping.ts";
import { SCHEDULER_LEASE, Store } from "../../src/store/store.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { until } from "../helpers/runtime.ts";

const T0 = Date.parse("2026-06-01T12:00:00.000Z");
const TTL = 3000;
let store: Store;
let target: Target;
let clock: FakeClock;
const engines: Engine[] = [];

function engine(id: string): Engine {
  const e = new Engine({
    store, clock, logger: silentLogger, instanceId: id, host: "test", version: "test",
    leaseTtlMs: TTL, tickMs: 100, claimWindowMs: 1500, maxInFlight: 16, manual: true,
  });
  engines.push(e);
  return e;
}

beforeEach(async () => {
  store = await Store.open({ url: ":memory:" });
  await store.migrate(T0);
  target = startTarget();
  clock = new FakeClock(T0);
  const def = defineJob({ trigger: { type: "interval", every: "1s", anchorAt: new Date(T0).toISOString() }, target: { url: target.url }, misfire: { policy: "all" } }, T0);
  await store.insertJob({ id: "j", ...definitionColumns(def), state: "active", pausedReason: null, nextFireAt: T0 + 1000, lastFireAt: null, runCount: 0, version: 1, claimId: null, shard: 0, createdAt: T0, updatedAt: T0 });
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop(0);
  target.stop();
  store.close();
});

test("a leader whose lease ran out by its own clock sends none of the fires it claimed", async () => {
  const a = engine("a");
  await a.start();
  expect(a.status()).toMatchObject({ isLeader: true, token: 1 });
  await a.tick(); // claims T0+1000 (the window reaches T0+1500)
  expect(a.status().queued).toBe(1);
  clock.advance(TTL + 1); // no renewal happened: the lease is over by a's clock
  a.fireDue();
  await Bun.sleep(100);
  expect(target.hits).toHaveLength(0);
  expect(a.status()).toMatchObject({ isLeader: false, queued: 0 });
});

test("the next leader takes a higher token, recovers the claimed run under its id, and the old token claims nothing", async () => {
  const a = engine("a");
  await a.start();
  await a.tick();
  const claimed = (await store.listRuns({ limit: 10 }))[0]!;
  expect(claimed).toMatchObject({ status: "pending", leaseToken: 1, scheduledAt: T0 + 1000 });
  clock.advance(TTL + 1);
  const b = engine("b");
  await b.start(); // acquires token 2 and recovers a's pending run
  expect(b.status()).toMatchObject({ isLeader: true, token: 2 });
  b.fireDue();
  const [hit] = await target.waitFor(1, 2000);
  expect(hit!.headers["idempotency-key"]).toBe(claimed.id);
  // the target answered; the engine records the result a moment later
  const done = await until(async () => {
    await b.flush();
    const r = await store.getRun(claimed.id);
    return r?.status === "succeeded" ? r : null;
  }, 3000, "the recovered run to succeed");
  expect(done).toMatchObject({ trigger: "recovery", leaseToken: 2, instanceId: "b" });
  // a, still believing in token 1, cannot claim: the compare-and-set is fenced by the lease.
  const job = (await store.getJob("j"))!;
  const stale = await store.claim(
    [{ jobId: "j", due: job.nextFireAt!, next: job.nextFireAt! + 1000, lastFireAt: job.nextFireAt!, addRuns: 1, state: "active", runs: [] }],
    { name: SCHEDULER_LEASE, holder: "a", token: 1 }, "stale",
  );
  expect(stale.size).toBe(0);
  expect((await store.getJob("j"))!.nextFireAt).toBe(job.nextFireAt);
});

test("a renewal that succeeds keeps the leader; one after the lease was taken steps it down", async () => {
  const a = engine("a");
  await a.start();
  clock.advance(TTL - 500);
  await a.leaseRound();
  expect(a.status()).toMatchObject({ isLeader: true, token: 1, leaseExpiresAt: T0 + TTL - 500 + TTL });
  clock.advance(TTL + 1);
  const b = engine("b");
  await b.start();
  expect(b.status().token).toBe(2);
  await a.leaseRound(); // renewal fails: the lease has another holder and token
  expect(a.status().isLeader).toBe(false);
});

test("a leader that cannot reach the database steps down once its lease has run out, and fires nothing", async () => {
  const a = engine("a");
  await a.start();
  await a.tick();
  expect(a.status().queued).toBe(1);
  store.client.close(); // the database is gone
  clock.advance(1000);
  await a.leaseRound(); // renewal fails, but the lease is still ours until it runs out
  expect(a.status().isLeader).toBe(true);
  clock.advance(TTL);
  await a.leaseRound();
  expect(a.status()).toMatchObject({ isLeader: false, queued: 0 });
  a.fireDue();
  await Bun.sleep(50);
  expect(target.hits).toHaveLength(0);
  store = await Store.open({ url: ":memory:" }); // for afterEach
});
