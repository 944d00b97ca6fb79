// Opens the libSQL client (file, :memory: or remote), sets WAL and a busy timeout for files, retries BUSY with jitter.
import { createClient, type Client, type InStatement, type ResultSet } from "@libsql/client";

export interface DbOptions {
  url: string;
  authToken?: string;
  busyTimeoutMs?: number;
  /** PRAGMA wal_autocheckpoint for a local file (0 while a checkpointer thread does it; SQLite's default 1000). */
  walAutocheckpoint?: number;
}

export function isFileUrl(url: string): boolean {
  return url === ":memory:" || url.startsWith("file:");
}

export async function openClient(opts: DbOptions): Promise<Client> {
  const file = isFileUrl(opts.url);
  const busyTimeoutMs = opts.busyTimeoutMs ?? 100;
  const client = createClient({
    url: opts.url,
    authToken: opts.authToken,
    intMode: "number",
    // A local file gets one connection. The client otherwise opens up to 20 as calls overlap (Promise.all, concurrent
    // requests), and each new one has a busy timeout of 0 and none of the PRAGMAs below (synchronous = FULL: an fsync
    // per commit), its own cold page cache, and contends for the write lock with this process's other connections.
    // The native driver runs every statement on the JS thread anyway, so more connections add no parallelism.
    ...(file ? { concurrency: 1, timeout: busyTimeoutMs } : {}),
  });
  if (file) {
    if (opts.url !== ":memory:" && !opts.url.includes(":memory:")) {
      await client.execute("PRAGMA journal_mode = WAL");
      await client.execute("PRAGMA synchronous = NORMAL");
      // After a checkpoint has emptied it, a WAL that grew past this is truncated back.
      await client.execute("PRAGMA journal_size_limit = 67108864");
      if (opts.walAutocheckpoint !== undefined) await client.execute(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(opts.walAutocheckpoint))}`);
    }
    // Short: the native driver waits on the JS thread, so a long busy wait would stall every timer.
    // Longer contention is retried asynchronously by withBusyRetry.
    await client.execute(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  }
  return client;
}

const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i;

function codes(err: unknown): string {
  if (!(err instanceof Error)) return "";
  const e = err as { code?: string; extendedCode?: string; cause?: unknown };
  return `${e.code ?? ""} ${e.extendedCode ?? ""} ${err.message} ${e.cause instanceof Error ? e.cause.message : ""}`;
}

export function isBusyError(err: unknown): boolean {
  return BUSY.test(codes(err));
}

/** A WAL snapshot conflict: this connection's view is stale and retrying on it can keep failing. */
export function isSnapshotError(err: unknown): boolean {
  return /BUSY_SNAPSHOT/i.test(codes(err));
}

/**
 * Runs `fn`, retrying SQLITE_BUSY/LOCKED a bounded number of times with jittered backoff (async, so
 * the event loop and its timers keep running while we wait). `onSnapshot` runs before a retry that
 * follows a BUSY_SNAPSHOT error, to reopen the connection.
 */
export async function withBusyRetry<T>(fn: () => Promise<T>, attempts = 8, onSnapshot?: () => Promise<void> | void): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || i >= attempts) throw err;
      if (onSnapshot && isSnapshotError(err)) await onSnapshot();
      const base = Math.min(250, 5 * 2 ** i);
      await Bun.sleep(base / 2 + Math.random() * base);
    }
  }
}

export type { Client, InStatement, ResultSet };
