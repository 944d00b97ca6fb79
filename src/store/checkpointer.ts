// The WAL checkpointer thread: copies the write-ahead log back into the database file every few hundred
// milliseconds on a connection of its own. The main connection runs with wal_autocheckpoint off, so the
// checkpoint's fsync, which cost 15-30 us per fire of the main thread's time in claims (scripts/bench-store.ts), never runs there.
import { createClient, type Client } from "@libsql/client";

declare const self: Worker;

export type ToCheckpointer = { t: "start"; url: string; authToken?: string; intervalMs: number; busyTimeoutMs: number } | { t: "stop" };
export type FromCheckpointer =
  | { t: "ready" }
  | { t: "failed"; message: string }
  | { t: "checkpoint"; ok: boolean; frames: number; message?: string }
  | { t: "stopped" };

let client: Client | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let intervalMs = 250;

function post(m: FromCheckpointer): void {
  self.postMessage(m);
}

async function checkpoint(): Promise<number> {
  // PASSIVE: copies what it can without waiting on readers or the writer; busy is a normal outcome.
  const r = await client!.execute("PRAGMA wal_checkpoint(PASSIVE)");
  const row = r.rows[0]; // busy, log (frames in the WAL), checkpointed (frames copied)
  return row ? Number(row[2] ?? 0) : 0;
}

async function loop(): Promise<void> {
  timer = null;
  try {
    post({ t: "checkpoint", ok: true, frames: await checkpoint() });
  } catch (err) {
    post({ t: "checkpoint", ok: false, frames: 0, message: err instanceof Error ? err.message : String(err) });
  }
  if (client) timer = setTimeout(() => void loop(), intervalMs);
}

self.onmessage = async (ev: MessageEvent<ToCheckpointer>) => {
  const m = ev.data;
  if (m.t === "start") {
    try {
      intervalMs = m.intervalMs;
      client = createClient({ url: m.url, authToken: m.authToken, intMode: "number", concurrency: 1, timeout: m.busyTimeoutMs });
      await client.execute(`PRAGMA busy_timeout = ${m.busyTimeoutMs}`);
      await checkpoint();
      post({ t: "ready" });
      timer = setTimeout(() => void loop(), intervalMs);
    } catch (err) {
      client?.close();
      client = null;
      post({ t: "failed", message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (timer) clearTimeout(timer);
  timer = null;
  const c = client;
  client = null;
  try {
    await c?.execute("PRAGMA wal_checkpoint(PASSIVE)");
  } catch {
    // the next start (or any connection's autocheckpoint) picks the rest up
  }
  c?.close();
  post({ t: "stopped" });
};
