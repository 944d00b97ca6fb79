// What the three compatibility APIs share: which jobs belong to which API, paging through services, body reading, auth.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { CompatApi } from "../../config/config.ts";
import { DomainError, NotFound } from "../../domain/errors.ts";
import type { Job, Run, RunStatus } from "../../domain/job.ts";
import type { Services } from "../../services/types.ts";
import { bearerAuth } from "../auth.ts";
import type { ApiDeps, App, AppEnv } from "../context.ts";
import { problemResponse, titleFor } from "../errors.ts";

/**
 * Every job a compatibility API creates carries the label `compat: <api>`; each API lists and
 * changes only its own jobs (a /v1 job or another API's job with the same id is "not found" to
 * it, and an id cannot be taken over). The label also makes them easy to find in /v1: `?label=compat:ruqi`.
 */
export const COMPAT_LABEL = "compat";

export type Lookup = { kind: "mine"; job: Job } | { kind: "missing" } | { kind: "foreign"; job: Job } | { kind: "done"; job: Job };

/**
 * A job by id as the API `api` sees it. `done`: one of its jobs that has completed, which the
 * callers treat as missing: the schedulers cronhook replaces drop a job once it has no fire left.
 */
export async function lookup(services: Services, api: CompatApi, id: string): Promise<Lookup> {
  let job: Job;
  try {
    job = await services.jobs.get(id);
  } catch (err) {
    if (err instanceof NotFound || (err instanceof DomainError && err.status === 400)) return { kind: "missing" };
    throw err;
  }
  if (job.labels[COMPAT_LABEL] !== api) return { kind: "foreign", job };
  if (job.state === "completed") return { kind: "done", job };
  return { kind: "mine", job };
}

/** Every job of one API (optionally of one group), in id order; completed ones left out unless asked for. */
export async function listOwn(services: Services, api: CompatApi, name?: string, opts: { withCompleted?: boolean } = {}): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.jobs.list({ labels: [{ key: COMPAT_LABEL, value: api }], name, limit: 500, cursor });
    for (const j of page.items) if (opts.withCompleted || j.state !== "completed") out.push(j);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Every run matching the filter, newest first (all pages). */
export async function listAllRuns(services: Services, filter: { jobId?: string; name?: string; status?: RunStatus }): Promise<Run[]> {
  const out: Run[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.runs.list({ ...filter, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export type BodyRead = { ok: true; value: unknown } | { ok: false; reason: string };

/** The body parsed as JSON whatever its Content-Type (Flask's get_json(force=True), FastAPI's JSON bodies). Empty body: undefined. */
export async function readJson(c: Context<AppEnv>): Promise<BodyRead> {
  const text = await c.req.text();
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The message of a domain error without its path prefix ("trigger.minute: ..."): what the compat envelopes carry. */
export function errorText(err: DomainError): string {
  if (err.errors && err.errors.length > 0) return err.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  return err.message;
}

/**
 * Same bearer tokens as /v1 on the compat paths, and the same body limit. Flask-APScheduler clients
 * send HTTP Basic auth: a Basic header whose password is one of the tokens is accepted too.
 */
export function compatGuards(app: App, paths: string[], deps: ApiDeps): void {
  const auth = bearerAuth(deps.config.apiTokens);
  const basicAsBearer: MiddlewareHandler<AppEnv> = async (c, next) => {
    const h = c.req.header("authorization");
    const m = h ? /^Basic[ \t]+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
    if (m) {
      const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
      const headers = new Headers(c.req.raw.headers);
      headers.set("authorization", `Bearer ${decoded.slice(decoded.indexOf(":") + 1)}`);
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  };
  const limit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: (c) =>
      problemResponse(c, { status: 413, code: "payload_too_large", title: titleFor(413), detail: `The request body is larger than ${deps.config.maxBodyBytes} bytes.` }),
  });
  for (const p of paths) {
    app.use(p, basicAsBearer);
    app.use(p, auth);
    app.use(p, limit);
  }
}
