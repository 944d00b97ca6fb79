// Sends one attempt of a fire through ky (its own retry off: the engine owns retries) and captures a bounded outcome.
import ky from "ky";

// One ky instance: its defaults are merged once, not per fire. Retry off (the engine owns retries), non-2xx
// is an outcome (not an exception), redirects are not followed.
const client = ky.create({ retry: 0, throwHttpErrors: false, redirect: "manual" });

export const RESPONSE_EXCERPT_BYTES = 2048;

export interface FireMeta {
  jobId: string;
  runId: string;
  scheduledAt: number;
  attempt: number;
  userAgent: string;
}

export interface AttemptResult {
  outcome: "succeeded" | "failed" | "timed_out";
  httpStatus: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

export interface SendTarget {
  url: string;
  method: string;
  headers: Record<string, string> | null;
  body: string | null;
  timeoutMs: number;
  successStatus: readonly (number | string)[] | null;
}

export function isSuccess(status: number, matchers: readonly (number | string)[] | null | undefined): boolean {
  if (!matchers || matchers.length === 0) return status >= 200 && status < 300;
  return matchers.some((m) => (typeof m === "number" ? m === status : Math.floor(status / 100) === Number(m[0])));
}

/** Reads at most `limit` bytes of a body as text and cancels the rest. */
async function excerpt(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return null;
  // The common case, a short body of known length: one read, no stream reader.
  const length = Number(res.headers.get("content-length") ?? NaN);
  if (length === 0) {
    res.body.cancel().catch(() => {});
    return "";
  }
  if (length > 0 && length <= limit && !res.headers.has("content-encoding")) return res.text();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (size === 0) return "";
  const buf = new Uint8Array(Math.min(size, limit));
  let off = 0;
  for (const c of chunks) {
    const take = Math.min(c.byteLength, buf.byteLength - off);
    buf.set(c.subarray(0, take), off);
    off += take;
    if (off >= buf.byteLength) break;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(buf);
}

export async function sendAttempt(target: SendTarget, meta: FireMeta, now: () => number = Date.now): Promise<AttemptResult> {
  const headers: Record<string, string> = { ...(target.headers ?? {}) };
  headers["user-agent"] = meta.userAgent;
  headers["x-cronhook-job-id"] = encodeURIComponent(meta.jobId);
  headers["x-cronhook-run-id"] = meta.runId;
  headers["x-cronhook-scheduled-at"] = new Date(meta.scheduledAt).toISOString();
  headers["x-cronhook-attempt"] = String(meta.attempt);
  headers["idempotency-key"] = meta.runId;
  const start = now();
  try {
    const res = await client(target.url, {
      method: target.method,
      headers,
      body: target.body === undefined || target.body === null || target.method === "GET" || target.method === "HEAD" ? undefined : target.body,
      // The runtime's own timer (AbortSignal.timeout) instead of ky's per-request controller and timer; it
      // rejects with a TimeoutError like ky's does. It also covers reading the excerpt below.
      timeout: false,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const response = await excerpt(res, RESPONSE_EXCERPT_BYTES);
    const durationMs = Math.max(0, now() - start);
    const ok = isSuccess(res.status, target.successStatus);
    return {
      outcome: ok ? "succeeded" : "failed",
      httpStatus: res.status,
      durationMs,
      response,
      error: ok ? null : `HTTP ${res.status} is not a success status`,
    };
  } catch (err) {
    const durationMs = Math.max(0, now() - start);
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError") {
      return { outcome: "timed_out", httpStatus: null, durationMs, response: null, error: `timed out after ${target.timeoutMs} ms` };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { outcome: "failed", httpStatus: null, durationMs, response: null, error: `request failed: ${message}`.slice(0, 500) };
  }
}
