// A thin typed client for the cronhook API: openapi-fetch over the generated schema.ts, plus bearer auth and typed errors.
import createClient, { type Client } from "openapi-fetch";
import type { components, operations, paths } from "./schema.ts";

export type { components, operations, paths };
export type Job = components["schemas"]["Job"];
export type JobCreate = components["schemas"]["JobCreate"];
export type JobSpec = components["schemas"]["JobSpec"];
export type JobPage = components["schemas"]["JobPage"];
export type Run = components["schemas"]["Run"];
export type RunPage = components["schemas"]["RunPage"];
export type TriggerInput = components["schemas"]["TriggerInput"];
export type SchedulerStatus = components["schemas"]["SchedulerStatus"];
export type Problem = components["schemas"]["Problem"];
export type CronhookClient = Client<paths>;

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 (no trailing /v1). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-request time limit in ms (default 30 s); a request that takes longer fails with UnreachableError. */
  timeoutMs?: number;
  /** Replaces the network, e.g. `(req) => app.fetch(req)` for an in-process app. */
  fetch?: (req: Request) => Promise<Response>;
  userAgent?: string;
}

/** The server answered with an error status; `problem` is its RFC 9457 body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "ApiError";
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
}

/** No answer: connection refused, name not resolved, TLS failure or the time limit passed. */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = "UnreachableError";
  }
}

export function createCronhookClient(opts: ClientOptions): CronhookClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const send = opts.fetch ?? ((req: Request) => fetch(req));
  const headers: Record<string, string> = { "user-agent": opts.userAgent ?? "cronhook-client" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return createClient<paths>({
    baseUrl: base,
    headers,
    fetch: async (req) => {
      const signal = AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]);
      try {
        return await send(new Request(req, { signal }));
      } catch (err) {
        throw new UnreachableError(base, describeNetworkError(err, timeoutMs));
      }
    },
  });
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const e = err as { code?: string; message?: string };
  if (e?.code === "ConnectionRefused" || e?.code === "ECONNREFUSED") return "connection refused";
  return e?.message ?? String(err);
}

/**
 * The data of an openapi-fetch result, or an ApiError carrying the server's problem.
 * `const job = await call(client.GET("/v1/jobs/{id}", { params: { path: { id } } }))`
 */
export async function call<D>(p: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await p;
  if (!response.ok) throw new ApiError(response.status, asProblem(error));
  return data as D;
}

function asProblem(body: unknown): Problem | null {
  if (body && typeof body === "object" && "status" in body && "title" in body) return body as Problem;
  return null;
}
