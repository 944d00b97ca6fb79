// Shared helpers for the compatibility API tests: a real runtime with the compat APIs on, requests, JSON answers.
import { expect } from "bun:test";
import { testConfig, type Config } from "../../src/config/config.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";

export const TOKEN = "compat-token-0123456789";

/** A runtime on a fresh in-memory database with every compatibility API on (unless overridden), fast ticks. */
export function compatRuntime(overrides: Partial<Config> = {}): Promise<Runtime> {
  return createRuntime(
    testConfig({ compat: ["seldom", "ruqi", "apscheduler"], tickMs: 50, claimWindowMs: 500, leaseTtlMs: 2000, instanceId: "compat-1", ...overrides }),
  );
}

export interface Req {
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

export async function call(rt: Runtime, method: string, path: string, r: Req = {}): Promise<Response> {
  const headers: Record<string, string> = { ...r.headers };
  let body: string | undefined = r.body;
  if (r.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(r.json);
  } else if (r.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(r.form).toString();
  }
  return rt.app.request(path, { method, headers, body });
}

/** The JSON answer, after checking the status (the body is shown when it differs). */
export async function answer<T = any>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect({ status: r.status, text }).toMatchObject({ status });
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** Wall-clock parts of an instant in UTC, as schedule-server's date job takes them. */
export function utcParts(t: number) {
  const d = new Date(t);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in a time zone (the RuQi format). */
export function wall(t: number, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(t)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
