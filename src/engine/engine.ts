// The scheduler engine: lease with fencing token, claim-ahead of due fires, one timer over a min-heap,
// misfire and overlap policies, recovery of a lost holder's runs, and batched result writes.
import type { Clock } from "../domain/clock.ts";
import type { JobDefinition } from "../domain/definition.ts";
import { fireDef, runUpdate, type Fire, type RunFinished, type RunUpdate } from "../domain/fire.ts";
import { uuidv7 } from "../domain/ids.ts";
import { TERMINAL_STATUSES, type RunTrigger } from "../domain/job.ts";
import { jitterFor } from "../domain/schedule.ts";
import type { LogLevel, Logger } from "../log/logger.ts";
import { createMetrics, type Metrics } from "../log/metrics.ts";
import { BatchWriter } from "../dispatch/writer.ts";
import { Dispatcher, type DispatchPort } from "../dispatch/dispatcher.ts";
import { WorkerPort } from "../dispatch/worker-port.ts";
import { fairShare, shardLeaseName } from "../domain/shard.ts";
import type { ClaimItem, JobRow, LeaseRef, NewRunRow, RunRow, ShardRef, Store } from "../store/store.ts";
import { planClaim } from "./plan.ts";
import { rowToDefinition } from "../store/mapping.ts";

export type { RunFinished };

export interface EngineOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  host: string;
  version: string;
  leaseTtlMs: number;
  tickMs: number;
  claimWindowMs: number;
  maxInFlight: number;
  /**
   * Shards (CRONHOOK_SHARDS, default 1): jobs hash to this many shards, each led under its own lease, so up
   * to this many instances fire in parallel. Every instance on one database must use the same count.
   */
  shards?: number;
  /** Max jobs read per claim query. */
  claimBatch?: number;
  /** Result writer flush interval. */
  writeIntervalMs?: number;
  /**
   * Tests with a fake clock: no timers at all; the test drives leaseRound(), tick() and fireDue().
   * start() takes one lease round.
   */
  manual?: boolean;
  /** Send from a worker thread (default), so database work on the main thread never delays a fire. */
  dispatchWorker?: boolean;
  /** Log level for the worker's own logger. */
  logLevel?: LogLevel;
  metrics?: Metrics;
}

export interface EngineStatus {
  /** Leads at least one shard. */
  isLeader: boolean;
  /** The token and expiry of the lowest shard led here. */
  token: number | null;
  leaseExpiresAt: number | null;
  /** The shard count, and the shards led here. */
  shardCount: number;
  shards: { index: number; token: number; expiresAt: number }[];
  paused: boolean;
  nextWakeupAt: number | null;
  inFlight: number;
  queued: number;
}

const PAUSED_KEY = "scheduler.paused";
const SHARDS_KEY = "scheduler.shards";

/** A shard led by this instance: its lease and how long this instance may act on it, by its own clock. */
interface HeldShard {
  index: number;
  name: string;
  token: number;
  validUntil: number;
}

export class Engine {
  private readonly o: Required<EngineOptions>;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private leaseTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private readonly held = new Map<number, HeldShard>();
  /** A shard being handed back: it claims nothing more while its requests in flight finish. */
  private handingOver: HeldShard | null = null;
  /** Lease names this process released to rebalance (so it does not take them straight back as its own). */
  private readonly handedBack = new Set<string>();
  /** Shards not led here that this instance should try to take (poll faster while true). */
  private wantMore = true;
  private paused = false;
  private readonly listeners = new Set<(e: RunFinished) => void>();
  private readonly writer: BatchWriter<RunUpdate>;
  private readonly dispatch: DispatchPort;
  private claimSeq = 0;
  private lastHeartbeat = -Infinity;
  private readonly startedAt: number;
  /** Per process, so claim ids never repeat across restarts under one instance id. */
  private readonly nonce = crypto.randomUUID().slice(0, 8);

  constructor(opts: EngineOptions) {
    this.o = { shards: 1, claimBatch: 1000, writeIntervalMs: 50, manual: false, dispatchWorker: false, logLevel: "info", metrics: opts.metrics ?? createMetrics(), ...opts };
    const m = this.o.metrics;
    m.registry.onCollect(() => {
      const st = this.status();
      m.leader.set(st.isLeader ? 1 : 0);
      m.token.set(st.token ?? 0);
      m.shardsLed.set(st.shards.length);
      m.inFlight.set(st.inFlight);
      m.queued.set(st.queued);
    });
    this.startedAt = opts.clock.now();
    this.writer = new BatchWriter<RunUpdate>((u) => this.o.store.writeRunUpdates(u), {
      intervalMs: this.o.writeIntervalMs,
      maxBatch: 500,
      onError: (err, count) => {
        this.o.metrics.dbErrors.inc({ op: "results" });
        this.o.logger.error("run result write failed; will retry", { err, count });
      },
    });
    const hooks = {
      onUpdate: (u: RunUpdate) => this.writer.push(u),
      onFinished: (e: RunFinished) => this.emit(e),
      onLeaseLost: (token: number) => {
        for (const h of this.held.values()) if (h.token === token) this.stepDown(h.index, "lease ran out before fire time");
      },
    };
    this.dispatch =
      this.o.dispatchWorker && !this.o.manual
        ? new WorkerPort({ maxInFlight: this.o.maxInFlight, version: this.o.version, logLevel: this.o.logLevel, logBase: { instanceId: this.o.instanceId }, logger: this.o.logger, ...hooks })
        : new Dispatcher({ clock: this.o.clock, logger: this.o.logger, maxInFlight: this.o.maxInFlight, version: this.o.version, manual: this.o.manual, ...hooks });
  }

  // ---- public face ----------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    await this.checkShardCount();
    this.running = true;
    if (this.o.manual) await this.leaseRound();
    else await this.leaseLoop();
  }

  /** Stops firing, waits for in-flight requests (up to graceMs), writes results, releases the lease. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of [this.tickTimer, this.leaseTimer]) if (t) clearTimeout(t);
    this.tickTimer = this.leaseTimer = null;
    if (this.ticking) await this.ticking.catch(() => {});
    // Unfired claims stay pending with our token: the next holder recovers them at their due time.
    await this.dispatch.stop(graceMs);
    await this.writer.flush().catch(() => {});
    this.writer.stop();
    for (const h of this.held.values()) {
      await this.o.store.releaseLease(h.name, this.o.instanceId, h.token, this.o.clock.now()).catch(() => {});
    }
    this.held.clear();
    await this.o.store.removeInstance(this.o.instanceId).catch(() => {});
  }

  /**
   * Re-plan now: API changes call this so a job due in 200 ms fires in 200 ms. Given the changed job's next fire
   * time, it skips the tick when the regular ticks will claim that fire in time anyway (a creation due in an hour
   * needs no tick of its own; at thousands of creations a second those ticks cost 40 us each).
   */
  wakeup(dueAt?: number | null): void {
    if (!this.running) return;
    if (dueAt !== undefined && (dueAt === null || dueAt > this.o.clock.now() + this.o.tickMs + this.o.claimWindowMs)) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.scheduleTick(0);
  }

  /** Drops claimed, unsent fires of a job (it was changed, paused or deleted here). */
  cancelJob(jobId: string): void {
    this.dispatch.cancelJob(jobId);
  }

  onRunFinished(fn: (e: RunFinished) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  status(): EngineStatus {
    const now = this.o.clock.now();
    const shards = [...this.held.values()]
      .filter((h) => now < h.validUntil)
      .sort((a, b) => a.index - b.index)
      .map((h) => ({ index: h.index, token: h.token, expiresAt: h.validUntil }));
    const d = this.dispatch.stats();
    return {
      isLeader: shards.length > 0,
      token: shards[0]?.token ?? null,
      leaseExpiresAt: shards[0]?.expiresAt ?? null,
      shardCount: this.o.shards,
      shards,
      paused: this.paused,
      nextWakeupAt: d.nextDue,
      inFlight: d.inFlight,
      queued: d.queued,
    };
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.o.store.setSetting(PAUSED_KEY, paused ? "true" : "false", this.o.clock.now());
    this.paused = paused;
    if (paused) this.dropClaims("scheduler paused");
    this.wakeup();
  }

  async isPausedInStore(): Promise<boolean> {
    return (await this.o.store.getSetting(PAUSED_KEY)) === "true";
  }

  // ---- lease ------------------------------------------------------------------------------

  private holds(h: HeldShard, now = this.o.clock.now()): boolean {
    return this.held.get(h.index) === h && now < h.validUntil;
  }

  /** Still held, and not being handed back: what it claims may be sent from here. */
  private claiming(h: HeldShard): boolean {
    return this.holds(h) && this.handingOver !== h;
  }

  /**
   * Every instance on one database must hash jobs to the same number of shards. The count is recorded in the
   * database; an instance with another count refuses to start while an instance with the recorded one is alive
   * (a compare-and-set still makes a mismatch unable to fire a slot twice, but recovery would mix shards up).
   */
  private async checkShardCount(): Promise<void> {
    const { store, clock, instanceId, shards, leaseTtlMs } = this.o;
    const now = clock.now();
    const stored = await store.getSetting(SHARDS_KEY);
    if (stored === String(shards)) return;
    const peers = (await store.liveInstances(now - 2 * leaseTtlMs)).filter((i) => i.id !== instanceId);
    if (stored !== null && peers.length > 0) {
      throw new Error(
        `this instance is set to ${shards} shard(s) (CRONHOOK_SHARDS), but the instances running on this database (${peers.map((p) => p.id).join(", ")}) use ${stored}; ` +
          `every instance must use the same count: stop them all to change it`,
      );
    }
    await store.setSetting(SHARDS_KEY, String(shards), now);
  }

  private async leaseLoop(): Promise<void> {
    if (!this.running) return;
    await this.leaseRound();
    if (!this.running) return;
    // Renew at a third of the TTL; while there are shards to take, poll more often, so that a released
    // lease (graceful shutdown, rebalancing) is taken over well within a second.
    const ttl = this.o.leaseTtlMs;
    const every = this.wantMore ? Math.min(Math.floor(ttl / 3), 200) : Math.floor(ttl / 3);
    this.leaseTimer = setTimeout(() => void this.leaseLoop(), Math.max(20, every));
  }

  /** One round: renew the shards held, heartbeat, then take or hand back shards. Public for fake-clock tests. */
  async leaseRound(): Promise<void> {
    const { store, clock, instanceId, leaseTtlMs } = this.o;
    const sentAt = clock.now();
    try {
      for (const h of [...this.held.values()]) {
        const ok = await store.renewLease(h.name, instanceId, h.token, sentAt, leaseTtlMs);
        // Validity counts from when the renewal was sent; a reply after that has run out is too late.
        if (ok && clock.now() < sentAt + leaseTtlMs && this.held.get(h.index) === h) {
          h.validUntil = sentAt + leaseTtlMs;
          // A shard being handed back sends nothing more: its lease stays out of dispatch.
          if (this.handingOver !== h) this.dispatch.setLease(h.token, h.validUntil);
        } else this.stepDown(h.index, ok ? "lease renewal came back after the lease had run out" : "lease lost");
      }
      if (sentAt - this.lastHeartbeat >= Math.floor(leaseTtlMs / 3)) {
        this.lastHeartbeat = sentAt;
        await store.heartbeat({ id: instanceId, host: this.o.host, version: this.o.version, startedAt: this.startedAt, lastSeenAt: clock.now() });
      }
      await this.balance(sentAt);
    } catch (err) {
      this.o.metrics.dbErrors.inc({ op: "lease" });
      this.o.logger.error("lease round failed", { err });
      for (const h of [...this.held.values()]) if (clock.now() >= h.validUntil) this.stepDown(h.index, "database unreachable");
    }
  }

  /**
   * Takes free shards up to a fair share (shards / live instances, rounded up), and hands one back per round
   * while it leads more than that and a live peer leads fewer. A lease that ran out is taken beyond the fair
   * share once it has been free for half a TTL, so no shard stays unled when an instance dies.
   */
  private async balance(now: number): Promise<void> {
    const { store, clock, instanceId, leaseTtlMs, shards } = this.o;
    if (shards === 1) {
      // Nothing to share out: try the one lease when not holding it (one conditional write, no reads).
      this.wantMore = this.held.size === 0;
      if (this.held.size === 0) await this.tryAcquire(0, now);
      return;
    }
    if (this.handingOver) return; // one hand-back at a time; its lease is renewed meanwhile
    // Live: heard from within one TTL (instances heartbeat every third of it). A dead instance's lease runs out
    // at most a TTL after its last heartbeat, and is taken half a TTL later, by when it no longer counts here:
    // so a survivor never hands a shard back to the dead.
    const [leases, live] = await Promise.all([store.listLeases(), store.liveInstances(now - leaseTtlMs)]);
    const liveIds = new Set(live.map((i) => i.id));
    liveIds.add(instanceId);
    const fair = fairShare(shards, liveIds.size);
    const byName = new Map(leases.map((l) => [l.name, l]));
    const ledBy = new Map<string, number>();
    for (const l of leases) if (l.expiresAt > now) ledBy.set(l.holder, (ledBy.get(l.holder) ?? 0) + 1);
    if (this.held.size > fair && [...liveIds].some((id) => id !== instanceId && (ledBy.get(id) ?? 0) < fair)) {
      const give = [...this.held.values()].sort((a, b) => b.index - a.index)[0]!;
      this.wantMore = false;
      // In the background: lease rounds go on renewing it (and the others) meanwhile.
      void this.handOver(give, `rebalancing: ${liveIds.size} instances share ${shards} shards`);
      return;
    }
    let more = false;
    for (let k = 0; k < shards && this.running; k++) {
      if (this.held.has(k)) continue;
      const l = byName.get(shardLeaseName(k, shards));
      // Held under our id but not by this process: an earlier process of ours (a restart) — take it back at once.
      // One this process handed back is not ours any more: the peer it was handed to goes first.
      const ours = l?.holder === instanceId && !this.handedBack.has(l.name);
      const free = !l || l.expiresAt <= now || ours;
      if (!free) continue;
      const freeFor = l ? now - l.expiresAt : Infinity;
      if (this.held.size >= fair && freeFor < leaseTtlMs / 2 && !ours) {
        more = true; // a peer below its share should take it; if none does, take it shortly
        continue;
      }
      await this.tryAcquire(k, now);
      if (!this.held.has(k)) more = true;
    }
    this.wantMore = more || this.held.size < Math.min(fair, shards);
  }

  /**
   * Hands a shard back without resends: it stops claiming, drops its unsent fires (they stay pending for the
   * next leader), waits for its requests in flight to finish (a TTL at most) and their results to be written,
   * then releases the lease. The next leader then finds nothing of it in flight to send again.
   */
  private async handOver(h: HeldShard, reason: string): Promise<void> {
    this.handingOver = h;
    try {
      this.dispatch.dropLease(h.token);
      this.o.logger.info("handing a shard back", { shard: h.index, token: h.token, reason });
      const until = Date.now() + this.o.leaseTtlMs;
      const inFlight = () => this.dispatch.stats().inFlightByToken.find(([t]) => t === h.token)?.[1] ?? 0;
      while (inFlight() > 0 && Date.now() < until && this.holds(h) && this.running) await Bun.sleep(10);
      await this.writer.flush().catch(() => {});
      if (!this.holds(h)) return; // lost meanwhile: nothing of ours to release
      // Not stepDown: its fires are dropped already, and a planned hand-back is no warning.
      this.held.delete(h.index);
      this.handedBack.add(h.name);
      await this.o.store.releaseLease(h.name, this.o.instanceId, h.token, this.o.clock.now()).catch((err) => {
        this.o.logger.warn("releasing a handed-back shard failed; it frees itself when the lease runs out", { err, shard: h.index });
      });
    } finally {
      this.handingOver = null;
    }
  }

  private async tryAcquire(index: number, sentAt: number): Promise<void> {
    const { store, clock, instanceId, leaseTtlMs, shards } = this.o;
    const name = shardLeaseName(index, shards);
    const lease = await store.acquireLease(name, instanceId, sentAt, leaseTtlMs);
    if (!lease || clock.now() >= sentAt + leaseTtlMs) return;
    const h: HeldShard = { index, name, token: lease.token, validUntil: sentAt + leaseTtlMs };
    this.held.set(index, h);
    this.handedBack.delete(name);
    this.dispatch.setLease(h.token, h.validUntil);
    this.o.logger.info("became leader", shards === 1 ? { token: h.token } : { shard: index, shards, token: h.token });
    try {
      await this.recover(h);
    } catch (err) {
      // Runs may now carry our token without being queued here: give the token up, so the
      // next acquisition (a new token) recovers them again.
      this.o.logger.error("recovery failed; stepping down", { err, shard: index });
      this.stepDown(index, "recovery failed");
      return;
    }
    this.wakeup();
  }

  private stepDown(index: number, reason: string): void {
    const h = this.held.get(index);
    if (!h) return;
    this.held.delete(index);
    this.o.logger.warn("stepped down", this.o.shards === 1 ? { reason, token: h.token } : { reason, shard: index, token: h.token });
    this.dispatch.dropLease(h.token);
  }

  /** Forgets claimed, unsent fires; they stay pending in the database for whoever leads next. */
  private dropClaims(reason: string): void {
    const n = this.dispatch.drop();
    if (n > 0) this.o.logger.info("dropped claimed fires", { reason, count: n });
  }

  private leaseOf(h: HeldShard): LeaseRef {
    return { name: h.name, holder: this.o.instanceId, token: h.token };
  }

  private shardOf(h: HeldShard): ShardRef {
    return { index: h.index, count: this.o.shards };
  }

  // ---- claim ------------------------------------------------------------------------------

  private scheduleTick(delay: number): void {
    if (!this.running || this.o.manual) return;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        const again = this.tickAgain;
        this.tickAgain = false;
        this.scheduleTick(again ? 0 : this.o.tickMs);
      });
    }, delay);
  }

  /** One planning round: for each shard led here, claim due jobs within the window and take manual runs. Public for tests. */
  async tick(): Promise<void> {
    try {
      this.paused = await this.isPausedInStore();
    } catch (err) {
      this.o.metrics.dbErrors.inc({ op: "claim" });
      this.o.logger.error("reading the scheduler state failed", { err });
      return;
    }
    if (this.paused) return;
    for (const h of [...this.held.values()].sort((a, b) => a.index - b.index)) {
      if (!this.running && !this.o.manual) return;
      if (!this.claiming(h)) continue;
      try {
        await this.claimShard(h);
      } catch (err) {
        // A write can fail after it committed (a dropped connection, a reopen): claimed runs would then
        // sit pending under our token with nobody to send them. Stepping down makes the next holder (very
        // likely us again, with a new token) recover them.
        this.o.metrics.dbErrors.inc({ op: "claim" });
        this.o.logger.error("claim round failed; stepping down", { err, shard: h.index });
        this.stepDown(h.index, "claim round failed");
      }
    }
  }

  private async claimShard(h: HeldShard): Promise<void> {
    const { store, clock } = this.o;
    const token = h.token;
    const lease = this.leaseOf(h);
    const shard = this.shardOf(h);
    let more = true;
    while (more && (this.running || this.o.manual) && this.claiming(h)) {
      const now = clock.now();
      const due = await store.dueJobs(now + this.o.claimWindowMs, this.o.claimBatch, shard);
      more = due.length === this.o.claimBatch;
      if (due.length === 0) break;
      const claimId = `${this.o.instanceId}:${token}:${this.nonce}:${++this.claimSeq}`;
      const planned: { row: JobRow; def: JobDefinition; item: ClaimItem; fires: Fire[] }[] = [];
      for (const row of due) {
        let def: JobDefinition;
        try {
          def = rowToDefinition(row);
        } catch (err) {
          this.o.logger.error("job row unreadable; skipped", { jobId: row.id, err });
          continue;
        }
        const plan = planClaim({ def, due: row.nextFireAt!, runCount: row.runCount }, now, this.o.claimWindowMs);
        const sending = fireDef(def);
        const runs: NewRunRow[] = [];
        const fires: Fire[] = [];
        for (const s of plan.slots) {
          const runId = uuidv7(now);
          if (s.kind === "missed") {
            runs.push({
              id: runId, jobId: row.id, jobName: row.name, trigger: s.trigger, scheduledAt: s.scheduledAt, status: "missed",
              instanceId: this.o.instanceId, leaseToken: token, finishedAt: now, shard: row.shard,
              error: `missed: due ${s.lateMs} ms ago, beyond the grace of ${def.misfire.graceMs} ms (misfire policy ${def.misfire.policy})`,
            });
          } else {
            runs.push({ id: runId, jobId: row.id, jobName: row.name, trigger: s.trigger, scheduledAt: s.scheduledAt, status: "pending", instanceId: this.o.instanceId, leaseToken: token, shard: row.shard });
            const jitter = s.trigger === "schedule" ? jitterFor(runId, def.jitterMs) : 0;
            fires.push({ due: s.scheduledAt + jitter, runId, jobId: row.id, jobName: row.name, scheduledAt: s.scheduledAt, trigger: s.trigger, attempt: 1, token, def: sending });
          }
        }
        planned.push({
          row, def, fires,
          item: { jobId: row.id, due: row.nextFireAt!, next: plan.next, lastFireAt: plan.lastFireAt, addRuns: plan.fired, state: plan.completed ? "completed" : "active", runs },
        });
      }
      const claimed = await store.claim(planned.map((p) => p.item), lease, claimId);
      const m = this.o.metrics;
      m.claimBatch.observe(claimed.size);
      m.claimDuration.observe((clock.now() - now) / 1000);
      for (const p of planned) if (claimed.has(p.row.id)) m.missed.inc({}, p.item.runs.length - p.fires.length);
      // A claim that committed after our lease ran out (by our clock), or while the shard is being handed back,
      // is left to the next holder's recovery.
      if (!this.claiming(h)) return;
      this.dispatch.enqueue(planned.flatMap((p) => (claimed.has(p.row.id) ? p.fires : [])));
      if (claimed.size < planned.length) more = false; // others moved those jobs; re-read next tick
      // The native driver runs each batch synchronously: let API requests and lease renewals in between the
      // batches of a large backlog, or a burst of claims would hold the event loop for its whole length.
      if (more && !this.o.manual) await new Promise((resolve) => setImmediate(resolve));
    }
    const manual = await store.takeManualRuns(lease, 100, shard);
    if (manual.length > 0 && this.claiming(h)) await this.enqueueRuns(manual, token, "manual");
  }

  /** Takes over runs a previous holder of the shard left pending/running and sends them again (same run id). */
  private async recover(h: HeldShard): Promise<void> {
    const token = h.token;
    const lease = this.leaseOf(h);
    for (;;) {
      const runs = await this.o.store.takeOrphanRuns(lease, 500, this.shardOf(h));
      if (runs.length > 0) {
        this.o.logger.info("recovering runs of an earlier lease holder", { count: runs.length, token, shard: h.index });
        await this.enqueueRuns(runs, token, "recovery");
      }
      if (runs.length < 500) break;
    }
  }

  private async enqueueRuns(runs: RunRow[], token: number, kind: "manual" | "recovery"): Promise<void> {
    const jobs = new Map((await this.o.store.getJobs(runs.map((r) => r.jobId))).map((j) => [j.id, j]));
    const now = this.o.clock.now();
    const fires: Fire[] = [];
    for (const r of runs) {
      const row = jobs.get(r.jobId);
      if (!row) {
        this.writer.push(runUpdate(r.id, token, { status: "skipped", attempts: r.attempts, finishedAt: now, error: "cancelled: job deleted" }));
        continue;
      }
      const def = rowToDefinition(row);
      const lateMs = now - r.scheduledAt;
      if (kind === "recovery" && r.status === "pending" && lateMs > def.misfire.graceMs && def.misfire.policy !== "all") {
        // Claimed but never sent, and now a misfire: the job's policy decides (its own catch-up covers "once").
        this.o.metrics.missed.inc();
        this.writer.push(runUpdate(r.id, token, { status: "missed", attempts: r.attempts, finishedAt: now, error: `missed: recovered ${lateMs} ms after its time, beyond the grace of ${def.misfire.graceMs} ms (misfire policy ${def.misfire.policy})` }));
        continue;
      }
      const trigger: RunTrigger = kind === "manual" ? "manual" : "recovery";
      fires.push({ due: Math.max(r.scheduledAt, now), runId: r.id, jobId: r.jobId, jobName: r.jobName, scheduledAt: r.scheduledAt, trigger, attempt: r.attempts + 1, token, def: fireDef(def) });
    }
    this.dispatch.enqueue(fires);
  }

  // ---- firing (in dispatch) ----------------------------------------------------------------

  /** Sends what is due now: tests in manual mode with a fake clock. */
  fireDue(): void {
    this.dispatch.fireDue();
  }

  private emit(e: RunFinished): void {
    if (!TERMINAL_STATUSES.has(e.status)) return;
    const m = this.o.metrics;
    m.fires.inc({ status: e.status, trigger: e.trigger });
    if (e.attempts > 0) {
      m.lateness.observe(Math.max(0, e.lateMs) / 1000);
      m.duration.observe(e.durationMs / 1000);
      m.attempts.inc({}, e.attempts);
      if (e.attempts > 1) m.retries.inc({}, e.attempts - 1);
    }
    // Listeners (run-now waiters) hear once the result is in the database, at the writer's next flush.
    if (this.listeners.size === 0) return;
    void this.writer.whenWritten().then(() => {
      for (const fn of this.listeners) fn(e);
    });
  }

  /** Writes queued results now (tests, shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
