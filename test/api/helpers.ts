// Shared helpers for API tests: a fresh runtime per file (in-memory database), requests and problem assertions.
import { expect } from "bun:test";
import { testConfig, type Config } from "../../src/config/config.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import type { Logger } from "../../src/log/logger.ts";

export const TOKEN = "test-token-0123456789";

export function newRuntime(overrides: Partial<Config> = {}, opts: { logger?: Logger } = {}): Promise<Runtime> {
  return createRuntime(testConfig(overrides), opts);
}

export interface SendOptions {
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is (no Content-Type unless given in headers). */
  body?: string;
  headers?: Record<string, string>;
  token?: string;
}

export function send(rt: Runtime, method: string, path: string, opts: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    body = opts.body;
  }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  Object.assign(headers, opts.headers);
  return Promise.resolve(rt.app.request(path, { method, headers, body }));
}

export const jobPath = (id: string, suffix = ""): string => `/v1/jobs/${encodeURIComponent(id)}${suffix}`;

/** A valid job body; `extra` overrides top-level fields. */
export function jobBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "UTC" },
    target: { url: "https://example.test/hook", method: "POST" },
    ...extra,
  };
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  instance?: string;
  errors?: { path: string; message: string }[];
}

/** Asserts an RFC 9457 problem with this status and code, and returns its body. */
export async function expectProblem(res: Response, status: number, code: string): Promise<ProblemBody> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get("content-type")).toStartWith("application/problem+json");
  const p = JSON.parse(text) as ProblemBody;
  expect(p.code).toBe(code);
  expect(p.status).toBe(status);
  expect(p.type).toBe(`https://cronhook.dev/problems/${code}`);
  expect(typeof p.title).toBe("string");
  expect(typeof p.detail).toBe("string");
  expect(p.requestId).toBeTruthy();
  expect(p.requestId).toBe(res.headers.get("x-request-id")!);
  return p;
}

/** Asserts a 400-class problem that names `path` among its field errors. */
export async function expectFieldProblem(res: Response, status: number, code: string | undefined, path: string): Promise<ProblemBody> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  const p = JSON.parse(text) as ProblemBody;
  if (code !== undefined) expect(p.code).toBe(code);
  expect(res.headers.get("content-type")).toStartWith("application/problem+json");
  expect(p.errors?.map((e) => e.path) ?? []).toContain(path);
  return p;
}

export async function json<T = any>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  return JSON.parse(text) as T;
}
