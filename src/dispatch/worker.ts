// The dispatch worker thread: timers and outbound HTTP away from the main thread, whose database
// work (claims, result writes: the native driver runs on the JS thread) would otherwise delay fires.
import { systemClock } from "../domain/clock.ts";
import type { Fire, RunFinished, RunUpdate } from "../domain/fire.ts";
import { bufferedStdout, createLogger, type LogFields, type LogLevel } from "../log/logger.ts";
import { Dispatcher } from "./dispatcher.ts";

declare const self: Worker;

export type ToWorker =
  | { t: "init"; maxInFlight: number; version: string; logLevel: LogLevel; logBase: LogFields }
  | { t: "enqueue"; fires: Fire[] }
  | { t: "lease"; token: number; validUntil: number }
  | { t: "dropLease"; token: number }
  | { t: "drop" }
  | { t: "cancel"; jobId: string }
  | { t: "stop"; graceMs: number };

export type FromWorker =
  | { t: "report"; updates: RunUpdate[]; finished: RunFinished[]; inFlight: number; queued: number; nextDue: number | null; inFlightByToken: [number, number][] }
  | { t: "dropped"; count: number }
  | { t: "leaseLost"; token: number }
  | { t: "stopped" };

let d: Dispatcher | null = null;
// One log line per fire: written in batches (the owner flushes on stop; a worker has no exit hook of its own).
const out = bufferedStdout({ flushOnExit: false });
// The latest update per run: a fast request's "running" and its result usually leave in the same report as one.
let updates = new Map<string, RunUpdate>();
let finished: RunFinished[] = [];
let reportTimer: ReturnType<typeof setTimeout> | null = null;

function post(m: FromWorker): void {
  self.postMessage(m);
}

/** Progress leaves in small batches: one message per few milliseconds, not one per run. */
function report(): void {
  if (reportTimer) clearTimeout(reportTimer);
  reportTimer = null;
  if (!d) return;
  const s = d.stats();
  post({ t: "report", updates: [...updates.values()], finished, inFlight: s.inFlight, queued: s.queued, nextDue: s.nextDue, inFlightByToken: s.inFlightByToken });
  updates = new Map();
  finished = [];
}
function soon(): void {
  reportTimer ??= setTimeout(report, 5);
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.t) {
    case "init":
      d = new Dispatcher({
        clock: systemClock,
        logger: createLogger({ level: m.logLevel, base: m.logBase, write: out.write }),
        maxInFlight: m.maxInFlight,
        version: m.version,
        manual: false,
        onUpdate: (u) => {
          updates.set(u.id, u);
          soon();
        },
        onFinished: (e) => {
          finished.push(e);
          soon();
        },
        onLeaseLost: (token) => post({ t: "leaseLost", token }),
      });
      return;
    case "enqueue":
      d?.enqueue(m.fires);
      soon();
      return;
    case "lease":
      d?.setLease(m.token, m.validUntil);
      return;
    case "dropLease":
      post({ t: "dropped", count: d?.dropLease(m.token) ?? 0 });
      return;
    case "drop":
      post({ t: "dropped", count: d?.drop() ?? 0 });
      return;
    case "cancel":
      d?.cancelJob(m.jobId);
      return;
    case "stop":
      await d?.stop(m.graceMs);
      report();
      out.flush();
      post({ t: "stopped" });
      return;
  }
};
