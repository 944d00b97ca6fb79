// The engine's side of the dispatch worker: a DispatchPort that forwards over postMessage.
import type { Fire, RunFinished, RunUpdate } from "../domain/fire.ts";
import type { LogFields, LogLevel, Logger } from "../log/logger.ts";
import type { DispatchPort, DispatchStats } from "./dispatcher.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

export interface WorkerPortOptions {
  maxInFlight: number;
  version: string;
  logLevel: LogLevel;
  logBase: LogFields;
  logger: Logger;
  onUpdate(u: RunUpdate): void;
  onFinished(e: RunFinished): void;
  onLeaseLost(token: number): void;
}

/**
 * Where the worker's module is. From source: beside this file. In the compiled binary every module is
 * bundled into one file at the root of Bun's embedded filesystem (src/ is the root), and the worker is
 * a build entrypoint of its own at dispatch/worker.ts under that root (scripts/build.ts).
 */
function workerUrl(): string {
  const compiled = import.meta.url.includes("$bunfs");
  return new URL(compiled ? "./dispatch/worker.ts" : "./worker.ts", import.meta.url).href;
}

export class WorkerPort implements DispatchPort {
  private worker: Worker | null = null;
  private last: DispatchStats = { inFlight: 0, queued: 0, nextDue: null, inFlightByToken: [] };
  private stopped: (() => void) | null = null;

  constructor(private readonly o: WorkerPortOptions) {}

  /** The thread starts with the first message, so a runtime that never fires (API tests, `openapi`) has none. */
  private send(m: ToWorker): void {
    if (!this.worker) {
      const o = this.o;
      this.worker = new Worker(workerUrl());
      this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
      this.worker.onerror = (ev) => o.logger.error("dispatch worker error", { err: ev.message });
      this.worker.postMessage({ t: "init", maxInFlight: o.maxInFlight, version: o.version, logLevel: o.logLevel, logBase: o.logBase } satisfies ToWorker);
    }
    this.worker.postMessage(m);
  }

  private receive(m: FromWorker): void {
    switch (m.t) {
      case "report":
        for (const u of m.updates) this.o.onUpdate(u);
        for (const e of m.finished) this.o.onFinished(e);
        this.last = { inFlight: m.inFlight, queued: m.queued, nextDue: m.nextDue, inFlightByToken: m.inFlightByToken };
        return;
      case "leaseLost":
        this.o.onLeaseLost(m.token);
        return;
      case "dropped":
        if (m.count > 0) this.o.logger.info("dropped claimed fires", { count: m.count });
        return;
      case "stopped":
        this.stopped?.();
        return;
    }
  }

  enqueue(fires: Fire[]): void {
    if (fires.length === 0) return;
    this.send({ t: "enqueue", fires });
    this.last = { ...this.last, queued: this.last.queued + fires.length };
  }

  setLease(token: number, validUntil: number): void {
    this.send({ t: "lease", token, validUntil });
  }

  dropLease(token: number): void {
    this.send({ t: "dropLease", token });
  }

  drop(): number {
    this.send({ t: "drop" });
    this.last = { ...this.last, queued: 0, nextDue: null };
    return -1;
  }

  cancelJob(jobId: string): void {
    this.send({ t: "cancel", jobId });
  }

  fireDue(): void {
    // The worker keeps its own timers.
  }

  stats(): DispatchStats {
    return this.last;
  }

  async stop(graceMs: number): Promise<void> {
    if (!this.worker) return;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    this.send({ t: "stop", graceMs });
    await Promise.race([done, Bun.sleep(graceMs + 1000)]);
    this.worker.terminate();
    this.worker = null;
  }
}
