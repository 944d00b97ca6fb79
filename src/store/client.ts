// Opens the libSQL client (file, :memory: or remote), sets WAL and a busy timeout for files, retries BUSY with jitter.
import { createClient, type Client, type InStatement, type ResultSet } from "@libsql/client";

export interface DbOptions {
  url: string;
  authToken?: string;
  busyTimeoutMs?: number;
}

export function isFileUrl(url: string): boolean {
  return url === ":memory:" || url.startsWith("file:");
}

export async function openClient(opts: DbOptions): Promise<Client> {
  const client = createClient({ url: opts.url, authToken: opts.authToken, intMode: "number" });
  if (isFileUrl(opts.url)) {
    if (opts.url !== ":memory:" && !opts.url.includes(":memory:")) {
      await client.execute("PRAGMA journal_mode = WAL");
      await client.execute("PRAGMA synchronous = NORMAL");
    }
    await client.execute(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  }
  return client;
}

const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i;

export function isBusyError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code ?? "";
  return BUSY.test(code) || BUSY.test(err.message);
}

/** Runs `fn`, retrying SQLITE_BUSY/LOCKED a bounded number of times with jittered backoff. */
export async function withBusyRetry<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || i >= attempts) throw err;
      const base = Math.min(200, 5 * 2 ** i);
      await Bun.sleep(base / 2 + Math.random() * base);
    }
  }
}

export type { Client, InStatement, ResultSet };
