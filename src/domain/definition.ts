// A job's normalized definition: semantic validation of a spec (or a patch over an existing definition).
import type { z } from "@hono/zod-openapi";
import { DEFAULT_GRACE_MS, DEFAULT_TIMEOUT_MS, HTTP_METHODS, type JobCreate, type JobPatch, type TargetPatch } from "./job.ts";
import { Invalid, type FieldIssue } from "./errors.ts";
import { normalizeTrigger, parseIsoInstant, type Trigger } from "./trigger.ts";

export type MisfirePolicyName = "once" | "skip" | "all";
export type OverlapPolicy = "skip" | "queue" | "allow";

export interface NormalTarget {
  url: string;
  method: (typeof HTTP_METHODS)[number];
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  retry: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
  successStatus: (number | string)[] | null;
}

export interface JobDefinition {
  name: string;
  description: string | null;
  labels: Record<string, string>;
  trigger: Trigger;
  target: NormalTarget;
  startAt: number | null;
  endAt: number | null;
  maxRuns: number | null;
  jitterMs: number;
  misfire: { policy: MisfirePolicyName; graceMs: number };
  overlap: OverlapPolicy;
}

export const DEFAULT_RETRY = { maxAttempts: 1, backoffMs: 1000, maxBackoffMs: 60_000 };
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer"]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type SpecOut = Omit<z.output<typeof JobCreate>, "id">;
type TargetOut = z.output<typeof TargetPatch>;

function defined<T extends object>(o: T | undefined | null): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function normalizeTarget(t: Partial<TargetOut>, base: NormalTarget | null, issues: FieldIssue[]): NormalTarget {
  const url = t.url ?? base?.url ?? "";
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    issues.push({ path: "target.url", message: "must be an absolute http:// or https:// URL" });
  }
  if (parsed && parsed.protocol !== "http:" && parsed.protocol !== "https:")
    issues.push({ path: "target.url", message: `scheme ${parsed.protocol} is not supported; use http or https` });
  if (parsed && (parsed.username || parsed.password))
    issues.push({ path: "target.url", message: "credentials in the URL are not allowed; use an Authorization header" });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.headers ?? base?.headers ?? {})) {
    const lower = k.toLowerCase();
    if (!HEADER_NAME.test(k)) issues.push({ path: `target.headers.${k}`, message: "is not a valid header name" });
    else if (FORBIDDEN_HEADERS.has(lower)) issues.push({ path: `target.headers.${k}`, message: "is set by cronhook and cannot be given" });
    else if (/[\r\n\0]/.test(v)) issues.push({ path: `target.headers.${k}`, message: "must not contain line breaks" });
    else headers[k] = v;
  }
  const method = t.method ?? base?.method ?? "GET";
  const body = t.body !== undefined ? t.body : (base?.body ?? null);
  if (body !== null && (method === "GET" || method === "HEAD"))
    issues.push({ path: "target.body", message: `a ${method} request cannot carry a body; use POST, PUT or PATCH` });
  const retry = { ...DEFAULT_RETRY, ...(base?.retry ?? {}), ...defined(t.retry) };
  if (retry.maxBackoffMs < retry.backoffMs) issues.push({ path: "target.retry.maxBackoffMs", message: "must be at least backoffMs" });
  return {
    url,
    method,
    headers,
    body,
    timeoutMs: t.timeoutMs ?? base?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry,
    successStatus: t.successStatus !== undefined ? t.successStatus : (base?.successStatus ?? null),
  };
}

function instant(value: string | null | undefined, path: string, issues: FieldIssue[]): number | null {
  if (value === null || value === undefined) return null;
  const t = parseIsoInstant(value);
  if (t === null) issues.push({ path, message: "must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T00:00:00Z" });
  return t;
}

function finish(def: JobDefinition, issues: FieldIssue[]): JobDefinition {
  if (def.startAt !== null && def.endAt !== null && def.endAt <= def.startAt)
    issues.push({ path: "endAt", message: "must be after startAt" });
  if (issues.length > 0) throw new Invalid("validation_failed", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  return def;
}

/** Validates and normalizes a full spec (POST / PUT). Throws Invalid naming every bad field. */
export function defineJob(spec: SpecOut, now: number): JobDefinition {
  const issues: FieldIssue[] = [];
  let trigger: Trigger | null = null;
  try {
    trigger = normalizeTrigger(spec.trigger, now);
  } catch (err) {
    if (err instanceof Invalid) issues.push(...(err.errors ?? [{ path: "trigger", message: err.message }]));
    else throw err;
  }
  const def: JobDefinition = {
    name: spec.name ?? "default",
    description: spec.description ?? null,
    labels: spec.labels ?? {},
    trigger: trigger as Trigger,
    target: normalizeTarget(spec.target, null, issues),
    startAt: instant(spec.startAt, "startAt", issues),
    endAt: instant(spec.endAt, "endAt", issues),
    maxRuns: spec.maxRuns ?? null,
    jitterMs: spec.jitterMs ?? 0,
    misfire: { policy: spec.misfire?.policy ?? "once", graceMs: spec.misfire?.graceMs ?? DEFAULT_GRACE_MS },
    overlap: spec.overlap ?? "skip",
  };
  return finish(def, issues);
}

/** Applies a PATCH to an existing definition; only the fields named change. */
export function patchJob(base: JobDefinition, patch: z.output<typeof JobPatch>, now: number): JobDefinition {
  const issues: FieldIssue[] = [];
  let trigger = base.trigger;
  if (patch.trigger) {
    try {
      trigger = normalizeTrigger(patch.trigger, now);
    } catch (err) {
      if (err instanceof Invalid) issues.push(...(err.errors ?? [{ path: "trigger", message: err.message }]));
      else throw err;
    }
  }
  const def: JobDefinition = {
    name: patch.name ?? base.name,
    description: patch.description !== undefined ? patch.description : base.description,
    labels: patch.labels !== undefined ? (patch.labels ?? {}) : base.labels,
    trigger,
    target: patch.target ? normalizeTarget(patch.target, base.target, issues) : base.target,
    startAt: patch.startAt !== undefined ? instant(patch.startAt, "startAt", issues) : base.startAt,
    endAt: patch.endAt !== undefined ? instant(patch.endAt, "endAt", issues) : base.endAt,
    maxRuns: patch.maxRuns !== undefined ? patch.maxRuns : base.maxRuns,
    jitterMs: patch.jitterMs ?? base.jitterMs,
    misfire: { ...base.misfire, ...defined(patch.misfire) },
    overlap: patch.overlap ?? base.overlap,
  };
  return finish(def, issues);
}

export type { JobPatch };
