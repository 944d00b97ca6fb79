// The scheduler engine: lease with fencing token, claim-ahead of due fires, one timer over a min-heap,
// misfire and overlap policies, recovery of a lost holder's runs, and batched result writes.
import type { Clock } from "../domain/clock.ts";
import type { JobDefinition } from "../domain/definition.ts";
import { runUpdate, type Fire, type RunFinished, type RunUpdate } from "../domain/fire.ts";
import { uuidv7 } from "../domain/ids.ts";
import { TERMINAL_STATUSES, type RunTrigger } from "../domain/job.ts";
import { jitterFor } from "../domain/schedule.ts";
import type { LogLevel, Logger } from "../log/logger.ts";
import { createMetrics, type Metrics } from "../log/metrics.ts";
import { BatchWriter } from "../dispatch/writer.ts";
import { Dispatcher, type DispatchPort } from "../dispatch/dispatcher.ts";
import { WorkerPort } from "../dispatch/worker-port.ts";
import { SCHEDULER_LEASE, type ClaimItem, type JobRow, type NewRunRow, type RunRow, type Store } from "../store/store.ts";
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
  isLeader: boolean;
  token: number | null;
  leaseExpiresAt: number | null;
  paused: boolean;
  nextWakeupAt: number | null;
  inFlight: number;
  queued: number;
}

const PAUSED_KEY = "scheduler.paused";

export class Engine {
  private readonly o: Required<EngineOptions>;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private leaseTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private leaseValidUntil = 0;
  private token: number | null = null;
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
    this.o = { claimBatch: 1000, writeIntervalMs: 50, manual: false, dispatchWorker: false, logLevel: "info", metrics: opts.metrics ?? createMetrics(), ...opts };
    const m = this.o.metrics;
    m.registry.onCollect(() => {
      const st = this.status();
      m.leader.set(st.isLeader ? 1 : 0);
      m.token.set(st.token ?? 0);
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
      onLeaseLost: () => this.stepDown("lease ran out before fire time"),
    };
    this.dispatch =
      this.o.dispatchWorker && !this.o.manual
        ? new WorkerPort({ maxInFlight: this.o.maxInFlight, version: this.o.version, logLevel: this.o.logLevel, logBase: { instanceId: this.o.instanceId }, logger: this.o.logger, ...hooks })
        : new Dispatcher({ clock: this.o.clock, logger: this.o.logger, maxInFlight: this.o.maxInFlight, version: this.o.version, manual: this.o.manual, ...hooks });
  }

  // ---- public face ----------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
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
    if (this.token !== null) {
      await this.o.store.releaseLease(SCHEDULER_LEASE, this.o.instanceId, this.token, this.o.clock.now()).catch(() => {});
    }
    await this.o.store.removeInstance(this.o.instanceId).catch(() => {});
    this.token = null;
  }

  /** Re-plan now: API changes call this so a job due in 200 ms fires in 200 ms. */
  wakeup(): void {
    if (!this.running) return;
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
    const leader = this.isLeader(now);
    const d = this.dispatch.stats();
    return {
      isLeader: leader,
      token: leader ? this.token : null,
      leaseExpiresAt: leader ? this.leaseValidUntil : null,
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

  private isLeader(now = this.o.clock.now()): boolean {
    return this.token !== null && now < this.leaseValidUntil;
  }

  private async leaseLoop(): Promise<void> {
    if (!this.running) return;
    await this.leaseRound();
    if (!this.running) return;
    // A leader renews at a third of the TTL; a follower polls more often, so that a released
    // lease (graceful shutdown of the leader) is taken over well within a second.
    const ttl = this.o.leaseTtlMs;
    const every = this.token !== null ? Math.floor(ttl / 3) : Math.min(Math.floor(ttl / 3), 200);
    this.leaseTimer = setTimeout(() => void this.leaseLoop(), Math.max(20, every));
  }

  /** One round: renew (leader) or try to acquire (follower), then heartbeat. Public for fake-clock tests. */
  async leaseRound(): Promise<void> {
    const { store, clock, instanceId, leaseTtlMs } = this.o;
    const sentAt = clock.now();
    try {
      if (this.token !== null) {
        const ok = await store.renewLease(SCHEDULER_LEASE, instanceId, this.token, sentAt, leaseTtlMs);
        // Validity counts from when the renewal was sent; a reply after that has run out is too late.
        if (ok && clock.now() < sentAt + leaseTtlMs) {
          this.leaseValidUntil = sentAt + leaseTtlMs;
          this.dispatch.setLease(this.token, this.leaseValidUntil);
        } else this.stepDown(ok ? "lease renewal came back after the lease had run out" : "lease lost");
      }
      if (this.token === null) {
        const lease = await store.acquireLease(SCHEDULER_LEASE, instanceId, sentAt, leaseTtlMs);
        if (lease && clock.now() < sentAt + leaseTtlMs) {
          this.token = lease.token;
          this.leaseValidUntil = sentAt + leaseTtlMs;
          this.dispatch.setLease(this.token, this.leaseValidUntil);
          this.o.logger.info("became leader", { token: lease.token });
          try {
            await this.recover();
          } catch (err) {
            // Runs may now carry our token without being queued here: give the token up, so the
            // next acquisition (a new token) recovers them again.
            this.o.logger.error("recovery failed; stepping down", { err });
            this.stepDown("recovery failed");
            return;
          }
          this.wakeup();
        }
      }
      if (sentAt - this.lastHeartbeat >= Math.floor(leaseTtlMs / 3)) {
        this.lastHeartbeat = sentAt;
        await store.heartbeat({ id: instanceId, host: this.o.host, version: this.o.version, startedAt: this.startedAt, lastSeenAt: clock.now() });
      }
    } catch (err) {
      this.o.metrics.dbErrors.inc({ op: "lease" });
      this.o.logger.error("lease round failed", { err });
      if (this.token !== null && clock.now() >= this.leaseValidUntil) this.stepDown("database unreachable");
    }
  }

  private stepDown(reason: string): void {
    if (this.token === null) return;
    this.o.logger.warn("stepped down", { reason, token: this.token });
    this.token = null;
    this.leaseValidUntil = 0;
    this.dropClaims(reason);
  }

  /** Forgets claimed, unsent fires; they stay pending in the database for whoever leads next. */
  private dropClaims(reason: string): void {
    this.dispatch.setLease(null, 0);
    const n = this.dispatch.drop();
    if (n > 0) this.o.logger.info("dropped claimed fires", { reason, count: n });
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

  /** One planning round: claim due jobs within the window and take manual runs. Public for tests. */
  async tick(): Promise<void> {
    const { store, clock } = this.o;
    try {
      this.paused = await this.isPausedInStore();
      if (!this.isLeader() || this.paused) return;
      const token = this.token!;
      const lease = { holder: this.o.instanceId, token };
      let more = true;
      while (more && this.running && this.isLeader()) {
        const now = clock.now();
        const due = await store.dueJobs(now + this.o.claimWindowMs, this.o.claimBatch);
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
          const runs: NewRunRow[] = [];
          const fires: Fire[] = [];
          for (const s of plan.slots) {
            const runId = uuidv7(now);
            if (s.kind === "missed") {
              runs.push({
                id: runId, jobId: row.id, jobName: row.name, trigger: s.trigger, scheduledAt: s.scheduledAt, status: "missed",
                instanceId: this.o.instanceId, leaseToken: token, finishedAt: now,
                error: `missed: due ${s.lateMs} ms ago, beyond the grace of ${def.misfire.graceMs} ms (misfire policy ${def.misfire.policy})`,
              });
            } else {
              runs.push({ id: runId, jobId: row.id, jobName: row.name, trigger: s.trigger, scheduledAt: s.scheduledAt, status: "pending", instanceId: this.o.instanceId, leaseToken: token });
              const jitter = s.trigger === "schedule" ? jitterFor(runId, def.jitterMs) : 0;
              fires.push({ due: s.scheduledAt + jitter, runId, jobId: row.id, jobName: row.name, scheduledAt: s.scheduledAt, trigger: s.trigger, attempt: 1, token, def });
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
        // A claim that committed after our lease ran out (by our clock) is left to the next holder's recovery.
        if (!this.isLeader() || this.token !== token) return;
        this.dispatch.enqueue(planned.flatMap((p) => (claimed.has(p.row.id) ? p.fires : [])));
        if (claimed.size < planned.length) more = false; // others moved those jobs; re-read next tick
      }
      const manual = await store.takeManualRuns(lease, 100);
      if (manual.length > 0 && this.isLeader() && this.token === token) await this.enqueueRuns(manual, token, "manual");
    } catch (err) {
      // A write can fail after it committed (a dropped connection, a reopen): claimed runs would then
      // sit pending under our token with nobody to send them. Stepping down makes the next holder (very
      // likely us again, with a new token) recover them.
      this.o.metrics.dbErrors.inc({ op: "claim" });
      this.o.logger.error("claim round failed; stepping down", { err });
      this.stepDown("claim round failed");
    }
  }

  /** Takes over runs a previous holder left pending/running and sends them again (same run id). */
  private async recover(): Promise<void> {
    const token = this.token;
    if (token === null) return;
    const lease = { holder: this.o.instanceId, token };
    for (;;) {
      const runs = await this.o.store.takeOrphanRuns(lease, 500);
      if (runs.length > 0) {
        this.o.logger.info("recovering runs of an earlier lease holder", { count: runs.length, token });
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
      fires.push({ due: Math.max(r.scheduledAt, now), runId: r.id, jobId: r.jobId, jobName: r.jobName, scheduledAt: r.scheduledAt, trigger, attempt: r.attempts + 1, token, def });
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
