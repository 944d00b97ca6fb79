// The apply plan, pure: which file jobs to create or change (and which fields differ), which server jobs to prune.
import type { Job, JobSpec } from "../client/index.ts";
import type { FileJob } from "./jobs-file.ts";

// The API's documented defaults: a field the file leaves out is compared as this value, because PUT resets it so.
const DEFAULTS = {
  name: "default",
  method: "GET",
  timeoutMs: 30_000,
  retry: { maxAttempts: 1, backoffMs: 1000, maxBackoffMs: 60_000 },
  misfire: { policy: "once", graceMs: 10_000 },
  jitterMs: 0,
  overlap: "skip",
} as const;

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface PlanItem {
  action: "create" | "change" | "delete";
  id: string;
  name: string;
  /** For "change": the fields that differ (server value -> file value). */
  fields: FieldChange[];
}

export interface Plan {
  items: PlanItem[];
  /** Ids in the file whose server job already matches. */
  unchanged: string[];
  /** Jobs in the file's groups that the file does not list (deleted only with prune). */
  notInFile: { id: string; name: string }[];
  /** The groups (`name`s) the file owns. */
  groups: string[];
}

export function groupOf(spec: JobSpec): string {
  return spec.name ?? DEFAULTS.name;
}

/** An instant as the server prints it (toISOString), or the text as given when it does not parse (the server will say why). */
function instant(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

type Comparable = Record<string, unknown>;

/**
 * The fields a PUT of `spec` would set, in a form comparable with `serverView`. Server-only
 * fields (version, nextFireAt, runCount, ...) are absent from both.
 */
export function fileView(spec: JobSpec, server: Job | null): Comparable {
  const t = spec.target;
  const view: Comparable = {
    name: spec.name ?? DEFAULTS.name,
    description: spec.description ?? null,
    labels: spec.labels ?? {},
    trigger: fileTrigger(spec.trigger, server),
    target: {
      url: t.url,
      method: t.method ?? DEFAULTS.method,
      headers: t.headers ?? {},
      body: t.body ?? null,
      timeoutMs: t.timeoutMs ?? DEFAULTS.timeoutMs,
      retry: { ...DEFAULTS.retry, ...definedOnly(t.retry) },
      successStatus: t.successStatus ?? null,
    },
    startAt: instant(spec.startAt),
    endAt: instant(spec.endAt),
    maxRuns: spec.maxRuns ?? null,
    jitterMs: spec.jitterMs ?? DEFAULTS.jitterMs,
    misfire: { ...DEFAULTS.misfire, ...definedOnly(spec.misfire) },
    overlap: spec.overlap ?? DEFAULTS.overlap,
  };
  // Without `state` a PUT keeps the server's state; "active" on a completed job is what it already was.
  if (spec.state !== undefined) {
    view.state = spec.state === "active" && server?.state === "completed" ? "completed" : spec.state;
  }
  return view;
}

function fileTrigger(tr: JobSpec["trigger"], server: Job | null): Comparable {
  switch (tr.type) {
    case "cron":
      return { type: "cron", expr: tr.expr, timezone: tr.timezone ?? "UTC" };
    case "interval": {
      // Without anchorAt a PUT keeps the job's cadence, so the anchor is only compared when the file gives one.
      const v: Comparable = { type: "interval", every: tr.every };
      if (tr.anchorAt !== undefined) v.anchorAt = instant(tr.anchorAt);
      return v;
    }
    case "date":
      // "now" means "once, when first applied": an existing date job is not fired again by every apply.
      if (tr.at.trim().toLowerCase() === "now" && server?.trigger.type === "date") return { type: "date" };
      return { type: "date", at: instant(tr.at) };
    default: {
      // A type this CLI does not know in detail: its fields as given, and the usual time zone default.
      const v: Comparable = { ...(tr as Comparable) };
      if (v.timezone === undefined && server?.trigger.type === tr.type && "timezone" in server.trigger) v.timezone = "UTC";
      return v;
    }
  }
}

export function serverView(job: Job, spec: JobSpec): Comparable {
  const view: Comparable = {
    name: job.name,
    description: job.description,
    labels: job.labels,
    trigger: serverTrigger(job.trigger, spec),
    target: {
      url: job.target.url,
      method: job.target.method,
      headers: job.target.headers,
      body: job.target.body,
      timeoutMs: job.target.timeoutMs,
      retry: job.target.retry,
      successStatus: job.target.successStatus,
    },
    startAt: instant(job.startAt),
    endAt: instant(job.endAt),
    maxRuns: job.maxRuns,
    jitterMs: job.jitterMs,
    misfire: job.misfire,
    overlap: job.overlap,
  };
  if (spec.state !== undefined) view.state = job.state;
  return view;
}

function serverTrigger(tr: Job["trigger"], spec: JobSpec): Comparable {
  switch (tr.type) {
    case "cron":
      return { type: "cron", expr: tr.expr, timezone: tr.timezone };
    case "interval": {
      const v: Comparable = { type: "interval", every: tr.every };
      if (spec.trigger.type === "interval" && spec.trigger.anchorAt !== undefined) v.anchorAt = instant(tr.anchorAt);
      return v;
    }
    case "date":
      if (spec.trigger.type === "date" && spec.trigger.at.trim().toLowerCase() === "now") return { type: "date" };
      return { type: "date", at: instant(tr.at) };
    default:
      return otherTrigger(tr as Comparable, spec.trigger as Comparable);
  }
}

/**
 * A trigger type this CLI does not know in detail (added to the API after it): the fields the
 * file gives are compared with the server's, so an unchanged file is still no change.
 */
function otherTrigger(server: Comparable, file: Comparable): Comparable {
  if (server.type !== file.type) return { ...server };
  const keys = new Set([...Object.keys(file), ...("timezone" in server ? ["timezone"] : [])]);
  return Object.fromEntries([...keys].map((k) => [k, scalarText(server[k], file[k])]));
}

/** A server that echoes `3` as `"3"` (APScheduler-style fields) has not changed the field. */
function scalarText(server: unknown, file: unknown): unknown {
  return typeof file === "number" && typeof server === "string" && server === String(file) ? file : server;
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Leaves of nested plain objects at dotted paths; arrays and scalars are leaves. */
function flatten(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, child] of Object.entries(v)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, v);
  }
  return out;
}

/** The fields where the file's job differs from the server's, in the order the file view lists them. */
export function diffJob(spec: JobSpec, job: Job): FieldChange[] {
  const want = flatten(fileView(spec, job), "", new Map());
  const have = flatten(serverView(job, spec), "", new Map());
  const paths = [...want.keys(), ...[...have.keys()].filter((k) => !want.has(k))];
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const from = have.get(path);
    const to = want.get(path);
    if (!sameValue(from, to)) changes.push({ path, from, to });
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  // A map with no keys ({} labels or headers) flattens to a leaf; the other side has its keys or nothing there.
  const empty = (v: unknown) => v === undefined || (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * @param existing  the server's jobs with the file's ids (absent: not on the server)
 * @param inGroups  every server job whose name is one of the file's groups
 */
export function buildPlan(file: FileJob[], existing: Map<string, Job>, inGroups: Job[], prune: boolean): Plan {
  const items: PlanItem[] = [];
  const unchanged: string[] = [];
  const ids = new Set(file.map((f) => f.id));
  const groups = [...new Set(file.map((f) => groupOf(f.spec)))].sort();
  for (const { id, spec } of file) {
    const job = existing.get(id);
    if (!job) {
      items.push({ action: "create", id, name: groupOf(spec), fields: [] });
      continue;
    }
    const fields = diffJob(spec, job);
    if (fields.length) items.push({ action: "change", id, name: groupOf(spec), fields });
    else unchanged.push(id);
  }
  const notInFile = inGroups
    .filter((j) => !ids.has(j.id) && groups.includes(j.name))
    .map((j) => ({ id: j.id, name: j.name }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (prune) for (const j of notInFile) items.push({ action: "delete", id: j.id, name: j.name, fields: [] });
  return { items, unchanged, notInFile: prune ? [] : notInFile, groups };
}

/** `"text"`, numbers and objects as JSON, `(none)` for a field that is not set. */
export function showValue(v: unknown): string {
  if (v === undefined) return "(none)";
  return JSON.stringify(v);
}

export function planLines(plan: Plan): string[] {
  const lines: string[] = [];
  const mark = { create: "+", change: "~", delete: "-" } as const;
  for (const it of plan.items) {
    lines.push(`  ${mark[it.action]} ${it.id} (${it.name})`);
    for (const f of it.fields) lines.push(`      ${f.path}: ${showValue(f.from)} -> ${showValue(f.to)}`);
  }
  return lines;
}

export function planSummary(plan: Plan): string {
  const n = (a: PlanItem["action"]) => plan.items.filter((i) => i.action === a).length;
  return `${n("create")} to create, ${n("change")} to change, ${n("delete")} to delete, ${plan.unchanged.length} unchanged`;
}
