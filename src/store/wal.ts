// The main thread's handle on the WAL checkpointer thread (checkpointer.ts): starts it, and says whether the main
// connection may turn its own automatic checkpoints off. If the thread cannot start, they stay on.
import type { FromCheckpointer, ToCheckpointer } from "./checkpointer.ts";

export interface CheckpointStats {
  running: boolean;
  checkpoints: number;
  failures: number;
  frames: number;
}

/**
 * Where the thread's module is. From source: beside this file. In the compiled binary the code sits at the root
 * of Bun's embedded filesystem (src/ is the root) and the checkpointer is a build entrypoint of its own at
 * store/checkpointer.ts under that root (scripts/build.ts), like the dispatch worker.
 */
function checkpointerUrl(): string {
  const compiled = import.meta.url.includes("$bunfs");
  return new URL(compiled ? "./store/checkpointer.ts" : "./checkpointer.ts", import.meta.url).href;
}

export class WalCheckpointer {
  private worker: Worker | null = null;
  private readonly s: CheckpointStats = { running: false, checkpoints: 0, failures: 0, frames: 0 };
  private lastError: string | null = null;

  /** Starts the thread; resolves true once it has checkpointed once, false if it could not start (within 5 s). */
  start(opts: { url: string; authToken?: string; intervalMs?: number; busyTimeoutMs?: number; onLost?: (reason: string) => void }): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        this.s.running = ok;
        if (!ok) this.terminate();
        resolve(ok);
      };
      const timeout = setTimeout(() => settle(false), 5000);
      try {
        this.worker = new Worker(checkpointerUrl());
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        settle(false);
        return;
      }
      this.worker.onmessage = (ev: MessageEvent<FromCheckpointer>) => {
        const m = ev.data;
        if (m.t === "ready") settle(true);
        else if (m.t === "failed") {
          this.lastError = m.message;
          settle(false);
        } else if (m.t === "checkpoint") {
          if (m.ok) {
            this.s.checkpoints++;
            this.s.frames += m.frames;
          } else {
            this.s.failures++;
            this.lastError = m.message ?? null;
          }
        }
      };
      this.worker.onerror = (ev) => {
        this.lastError = ev.message;
        if (settled && this.s.running) {
          // The thread died after it had started: whoever turned automatic checkpoints off must turn them on.
          this.terminate();
          opts.onLost?.(ev.message);
        }
        settle(false);
      };
      // The thread keeps no event loop of ours alive: a process with nothing else to do may exit.
      this.worker.unref();
      this.worker.postMessage({ t: "start", url: opts.url, authToken: opts.authToken, intervalMs: opts.intervalMs ?? 250, busyTimeoutMs: opts.busyTimeoutMs ?? 100 } satisfies ToCheckpointer);
    });
  }

  stats(): CheckpointStats {
    return { ...this.s };
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Asks for a last checkpoint and ends the thread (at most 2 s). */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    const done = new Promise<void>((resolve) => {
      w.onmessage = (ev: MessageEvent<FromCheckpointer>) => ev.data.t === "stopped" && resolve();
    });
    w.postMessage({ t: "stop" } satisfies ToCheckpointer);
    await Promise.race([done, Bun.sleep(2000)]);
    this.terminate();
  }

  private terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.s.running = false;
  }
}
