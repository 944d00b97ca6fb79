// Fires claimed slots on time: one timer over a min-heap, the overlap policy, an in-flight cap,
// attempts with backoff, and a report of every run's progress. Runs in a worker thread (or in-process).
import type { Clock } from "../domain/clock.ts";
import { runUpdate, type Fire, type RunFinished, type RunUpdate } from "../domain/fire.ts";
import type { RunStatus } from "../domain/job.ts";
import type { Logger } from "../log/logger.ts";
import { MinHeap } from "./heap.ts";
import { sendAttempt, type AttemptResult } from "./send.ts";

export interface DispatcherOptions {
  clock: Clock;
  logger: Logger;
  maxInFlight: number;
  version: string;
  /** No timers: the owner calls fireDue() (fake-clock tests). */
  manual: boolean;
  onUpdate(u: RunUpdate): void;
  onFinished(e: RunFinished): void;
  /** A timer found a lease over by this clock: nothing of it was sent, everything it had queued was dropped. */
  onLeaseLost(token: number): void;
}

export interface DispatchStats {
  inFlight: number;
  queued: number;
  nextDue: number | null;
  /** Requests in flight per lease token ([token, count], tokens with none left out). */
  inFlightByToken: [number, number][];
}

/** What the engine needs of a dispatcher, in-process or across a worker boundary. */
export interface DispatchPort {
  enqueue(fires: Fire[]): void;
  /** Fires claimed under `token` may be sent until `validUntil` (the engine's view of that lease). */
  setLease(token: number, validUntil: number): void;
  /** The lease of `token` is gone: forgets it and its queued, unsent fires. */
  dropLease(token: number): void;
  /** Forgets every queued, unsent fire (the leases stay); returns how many (in-process) or -1 (not known yet). */
  drop(): number;
  cancelJob(jobId: string): void;
  /** Sends what is due now (manual mode). */
  fireDue(): void;
  stats(): DispatchStats;
  /** Stops firing, waits for in-flight runs up to graceMs, reports their results. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Whether a run in flight makes the job's next fire wait or skip (overlap policy). A recovered run is an earlier
 * slot sent again after its leader was lost: it goes out whatever the policy, and the fire due meanwhile goes
 * out too, so one lost leader does not cost the job an on-time slot as well.
 */
function holdsOverlap(f: Fire): boolean {
  return f.trigger !== "recovery";
}

export class Dispatcher implements DispatchPort {
  private heap = new MinHeap<Fire>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDue = Infinity;
  /** Lease token -> valid until (one per shard led; tokens are unique across shards). */
  private readonly leases = new Map<number, number>();
  private stopped = false;
  private inFlight = 0;
  private readonly inFlightByToken = new Map<number, number>();
  private readonly inFlightByJob = new Map<string, number>();
  private readonly queuedByJob = new Map<string, Fire[]>();
  private readonly waiting: Fire[] = [];
  private readonly active = new Set<Promise<void>>();

  constructor(private readonly o: DispatcherOptions) {}

  enqueue(fires: Fire[]): void {
    if (this.stopped) return;
    for (const f of fires) this.heap.push(f);
    this.arm();
  }

  setLease(token: number, validUntil: number): void {
    this.leases.set(token, validUntil);
  }

  dropLease(token: number): number {
    this.leases.delete(token);
    const mine = (f: Fire) => f.token === token;
    let n = this.heap.removeWhere(mine).length;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (mine(this.waiting[i]!)) {
        this.release(this.waiting[i]!);
        this.waiting.splice(i, 1);
        n++;
      }
    }
    for (const [jobId, q] of this.queuedByJob) {
      const keep = q.filter((f) => !mine(f));
      n += q.length - keep.length;
      if (keep.length === 0) this.queuedByJob.delete(jobId);
      else this.queuedByJob.set(jobId, keep);
    }
    this.rearm();
    return n;
  }

  drop(): number {
    const n = this.heap.size + this.waiting.length + [...this.queuedByJob.values()].reduce((a, q) => a + q.length, 0);
    this.heap.clear();
    for (const f of this.waiting.splice(0)) this.release(f);
    this.queuedByJob.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    return n;
  }

  cancelJob(jobId: string): void {
    this.heap.removeWhere((f) => f.jobId === jobId && f.trigger !== "manual");
    this.queuedByJob.delete(jobId);
    this.rearm();
  }

  /** Re-arms the timer for the heap's earliest entry, after entries were removed. */
  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    this.arm();
  }

  stats(): DispatchStats {
    return { inFlight: this.inFlight, queued: this.heap.size + this.waiting.length, nextDue: this.heap.peek()?.due ?? null, inFlightByToken: [...this.inFlightByToken] };
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.drop();
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.all(this.active), Bun.sleep(Math.max(1, deadline - Date.now()))]);
    }
  }

  private arm(): void {
    const next = this.heap.peek();
    if (!next || this.stopped || this.o.manual) return;
    if (this.timer && this.timerDue <= next.due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next.due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = Infinity;
      this.fireDue();
    }, Math.max(0, next.due - this.o.clock.now()));
  }

  fireDue(): void {
    const now = this.o.clock.now();
    // Bun may run a timer up to 1 ms early: compare against due, never assume.
    while (this.heap.size > 0 && this.heap.peek()!.due <= now) {
      const f = this.heap.pop()!;
      const validUntil = this.leases.get(f.token);
      if (validUntil === undefined || now >= validUntil) {
        // Paused past the TTL (SIGSTOP, a long GC, a slow disk): what this lease claimed belongs to its next holder now.
        const n = 1 + this.dropLease(f.token);
        this.o.logger.warn("lease over at fire time; dropped claimed fires", { count: n, token: f.token });
        this.o.onLeaseLost(f.token);
        continue;
      }
      this.admit(f);
    }
    this.arm();
  }

  /** Applies the overlap policy, then the in-flight cap. */
  private admit(f: Fire): void {
    const busy = (this.inFlightByJob.get(f.jobId) ?? 0) > 0;
    if (busy && f.trigger !== "manual" && f.trigger !== "recovery") {
      if (f.def.overlap === "skip") {
        const now = this.o.clock.now();
        this.o.onUpdate(runUpdate(f.runId, f.token, { status: "skipped", attempts: 0, finishedAt: now, error: "skipped: the previous run was still in flight (overlap policy skip)" }));
        this.logFire(f, now, "skipped", null);
        this.o.onFinished({ runId: f.runId, jobId: f.jobId, status: "skipped", trigger: f.trigger, lateMs: now - f.scheduledAt, attempts: 0, durationMs: 0 });
        return;
      }
      if (f.def.overlap === "queue") {
        const q = this.queuedByJob.get(f.jobId) ?? [];
        q.push(f);
        this.queuedByJob.set(f.jobId, q);
        return;
      }
    }
    if (holdsOverlap(f)) this.inFlightByJob.set(f.jobId, (this.inFlightByJob.get(f.jobId) ?? 0) + 1);
    if (this.inFlight >= this.o.maxInFlight) {
      this.waiting.push(f);
      return;
    }
    this.launch(f);
  }

  /** A run of the job is done (or dropped unsent): how many that count for overlap are left in flight. */
  private release(f: Fire): number {
    if (!holdsOverlap(f)) return this.inFlightByJob.get(f.jobId) ?? 0;
    const left = (this.inFlightByJob.get(f.jobId) ?? 1) - 1;
    if (left <= 0) this.inFlightByJob.delete(f.jobId);
    else this.inFlightByJob.set(f.jobId, left);
    return left;
  }

  private launch(f: Fire): void {
    this.inFlight++;
    this.inFlightByToken.set(f.token, (this.inFlightByToken.get(f.token) ?? 0) + 1);
    const p = this.execute(f).finally(() => {
      this.active.delete(p);
      this.inFlight--;
      const byToken = (this.inFlightByToken.get(f.token) ?? 1) - 1;
      if (byToken > 0) this.inFlightByToken.set(f.token, byToken);
      else this.inFlightByToken.delete(f.token);
      const left = this.release(f);
      if (this.stopped) return;
      const queued = this.queuedByJob.get(f.jobId);
      if (left <= 0 && queued && queued.length > 0) {
        const next = queued.shift()!;
        if (queued.length === 0) this.queuedByJob.delete(f.jobId);
        this.admit(next);
      }
      const w = this.waiting.shift();
      if (w) this.launch(w);
    });
    this.active.add(p);
  }

  /** Sends one run: attempts with exponential backoff; progress and result reported. */
  private async execute(f: Fire): Promise<void> {
    const { clock } = this.o;
    const t = f.def.target;
    const startedAt = clock.now();
    let attempt = f.attempt;
    const last = f.attempt - 1 + t.retry.maxAttempts;
    let result: AttemptResult;
    for (;;) {
      this.o.onUpdate(runUpdate(f.runId, f.token, { status: "running", attempts: attempt, startedAt }));
      result = await sendAttempt(t, { jobId: f.jobId, runId: f.runId, scheduledAt: f.scheduledAt, attempt, userAgent: `cronhook/${this.o.version}` }, () => clock.now());
      if (result.outcome === "succeeded" || attempt >= last || this.stopped) break;
      await Bun.sleep(Math.min(t.retry.maxBackoffMs, t.retry.backoffMs * 2 ** (attempt - f.attempt)));
      if (this.stopped) break;
      attempt++;
    }
    const finishedAt = clock.now();
    const status: RunStatus = result.outcome;
    this.o.onUpdate(
      runUpdate(f.runId, f.token, {
        status, attempts: attempt, startedAt, finishedAt, httpStatus: result.httpStatus,
        durationMs: finishedAt - startedAt, response: result.response, error: result.error,
      }),
    );
    this.logFire(f, startedAt, status, result);
    this.o.onFinished({ runId: f.runId, jobId: f.jobId, status, trigger: f.trigger, lateMs: startedAt - f.scheduledAt, attempts: attempt - f.attempt + 1, durationMs: finishedAt - startedAt });
  }

  private logFire(f: Fire, firedAt: number, status: RunStatus, r: AttemptResult | null): void {
    if (!this.o.logger.enabled("info")) return;
    this.o.logger.info("fire", {
      jobId: f.jobId, runId: f.runId, trigger: f.trigger, scheduledAt: new Date(f.scheduledAt).toISOString(),
      firedAt: new Date(firedAt).toISOString(), lateMs: firedAt - f.scheduledAt, status,
      httpStatus: r?.httpStatus ?? null, durationMs: r?.durationMs ?? null,
    });
  }
}
