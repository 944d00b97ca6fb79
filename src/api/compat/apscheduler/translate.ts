// Flask-APScheduler <-> cronhook: job bodies (add_job / modify_job keywords) into job specs, and job_to_dict of a job.
import { APS_FIELDS, apsIntervalMs, apsIntervalParts } from "../../../domain/apscheduler.ts";
import { formatIsoInZone, formatIsoWithOffset, parseDateTime } from "../../../domain/apscheduler-time.ts";
import type { Job, JobPatch, JobSpec } from "../../../domain/job.ts";
import { COMPAT_LABEL, isRecord } from "../shared.ts";

export const API = "apscheduler" as const;

/** Labels that keep what cronhook's own fields cannot hold, so that a job reads back as it was sent. */
const L = {
  func: "apscheduler.func",
  args: "apscheduler.args",
  kwargs: "apscheduler.kwargs",
  maxInstances: "apscheduler.max_instances",
  grace: "apscheduler.misfire_grace_time",
  coalesce: "apscheduler.coalesce",
  zone: "apscheduler.timezone",
} as const;
const MAX_LABEL = 500;

export const JOB_OPTIONS = new Set(["id", "func", "args", "kwargs", "name", "misfire_grace_time", "coalesce", "max_instances", "next_run_time", "jobstore", "executor", "replace_existing", "trigger"]);
export const TRIGGER_ARGS: Record<string, readonly string[]> = {
  date: ["run_date", "timezone"],
  interval: ["weeks", "days", "hours", "minutes", "seconds", "start_date", "end_date", "timezone", "jitter"],
  cron: [...APS_FIELDS, "start_date", "end_date", "timezone", "jitter"],
};
const ALL_TRIGGER_ARGS = new Set(Object.values(TRIGGER_ARGS).flat());

/** A refusal: the message goes out as `{ error_message }` with 400. */
export class Refused extends Error {}

/** Flask-APScheduler's fix_job_def: a `trigger` given as a dict `{ type, ...args }` is flattened into the job. */
export function fixJobDef(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  if (isRecord(out.trigger)) {
    const { type, ...args } = out.trigger;
    out.trigger = type ?? "date";
    Object.assign(out, args);
  }
  return out;
}

type Target = JobSpec["target"];

const KWARG_KEYS = new Set(["url", "method", "headers", "body", "timeout"]);

/** The HTTP request a job sends: `func` is a URL (GET), or `kwargs` is `{ url, method, headers, body, timeout }`. */
function targetOf(func: unknown, kwargs: unknown): Target {
  if (isRecord(kwargs) && Object.keys(kwargs).length > 0) {
    const extra = Object.keys(kwargs).filter((k) => !KWARG_KEYS.has(k));
    if (typeof kwargs.url !== "string") throw new Refused("kwargs.url is required: cronhook's job sends the HTTP request kwargs describe ({ url, method, headers, body })");
    if (extra.length > 0) throw new Refused(`kwargs may hold url, method, headers, body and timeout only, not ${extra.join(", ")}`);
    let body: string | undefined;
    const headers: Record<string, string> = {};
    if (kwargs.headers !== undefined) {
      if (!isRecord(kwargs.headers) || !Object.values(kwargs.headers).every((v) => typeof v === "string")) throw new Refused("kwargs.headers must be an object of strings");
      Object.assign(headers, kwargs.headers);
    }
    if (kwargs.body !== undefined && kwargs.body !== null) {
      if (typeof kwargs.body === "string") body = kwargs.body;
      else {
        body = JSON.stringify(kwargs.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
      }
    }
    if (kwargs.method !== undefined && typeof kwargs.method !== "string") throw new Refused("kwargs.method must be a string");
    const method = ((kwargs.method as string | undefined) ?? (body === undefined ? "GET" : "POST")).toUpperCase() as Target["method"];
    const t: Target = { url: kwargs.url, method, headers };
    if (body !== undefined) t.body = body;
    if (kwargs.timeout !== undefined) {
      if (typeof kwargs.timeout !== "number" || !(kwargs.timeout > 0)) throw new Refused("kwargs.timeout must be a number of seconds");
      t.timeoutMs = Math.round(kwargs.timeout * 1000);
    }
    return t;
  }
  if (typeof func === "string" && /^https?:\/\//i.test(func)) return { url: func, method: "GET" };
  throw new Refused(
    `func must be an http(s) URL, or kwargs must hold { url, method, headers, body }: cronhook runs HTTP requests and cannot import ${JSON.stringify(func)}`,
  );
}

/** An instant from a datetime string; its written offset (ms) or null when the zone decided. */
function dateArg(name: string, v: unknown, tz: string): { at: number; offsetMs: number | null } {
  if (typeof v !== "string") throw new Refused(`${name} must be a date-time string such as 2021-01-27 13:31:00 or 2025-12-01T12:30:01-06:00`);
  const p = parseDateTime(v, tz);
  if (p === null) throw new Refused(`Invalid date string ${JSON.stringify(v)} for ${name}`);
  return { at: p.instant, offsetMs: p.offsetMs };
}

function offsetText(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  return `${ms < 0 ? "-" : "+"}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** An IANA zone with a fixed offset (whole hours only), as APScheduler's trigger takes the tzinfo of an aware start_date. */
function zoneOfOffset(ms: number): string | null {
  if (ms === 0) return "UTC";
  if (ms % 3_600_000 !== 0) return null;
  const h = ms / 3_600_000;
  if (h < -12 || h > 14) return null;
  return `Etc/GMT${h > 0 ? "-" : "+"}${Math.abs(h)}`;
}

const nonNegativeNumber = (name: string, v: unknown): number => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Refused(`${name} must be a number >= 0`);
  return v;
};

export interface TriggerPart {
  trigger: JobSpec["trigger"];
  startAt: string | null;
  endAt: string | null;
  jitterMs: number;
  /** How dates of this job are printed: an IANA zone, or a fixed offset "+HH:MM". */
  zone: string;
}

/** The trigger named `trigger` (date when absent, as add_job does) with its arguments. */
export function triggerPart(trigger: unknown, args: Record<string, unknown>, defaultTz: string): TriggerPart {
  const name = trigger === undefined || trigger === null ? "date" : trigger;
  if (typeof name !== "string" || !(name in TRIGGER_ARGS)) throw new Refused(`Trigger ${String(name)} is not supported.`);
  const allowed = TRIGGER_ARGS[name]!;
  const extra = Object.keys(args).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new Refused(`__init__() got an unexpected keyword argument '${extra[0]}' (${name} trigger)`);
  if (args.timezone !== undefined && typeof args.timezone !== "string") throw new Refused("timezone must be an IANA time zone name");
  const given = args.timezone as string | undefined;
  const tz = given ?? defaultTz;
  const start = args.start_date === undefined || args.start_date === null ? null : dateArg("start_date", args.start_date, tz);
  const end = args.end_date === undefined || args.end_date === null ? null : dateArg("end_date", args.end_date, tz);
  let jitterMs = 0;
  if (args.jitter !== undefined && args.jitter !== null) jitterMs = Math.round(nonNegativeNumber("jitter", args.jitter) * 1000);
  const iso = (t: { at: number } | null) => (t === null ? null : new Date(t.at).toISOString());

  if (name === "date") {
    if (args.run_date === undefined || args.run_date === null) return { trigger: { type: "date", at: "now" }, startAt: null, endAt: null, jitterMs: 0, zone: tz };
    const run = dateArg("run_date", args.run_date, tz);
    // DateTrigger keeps the tzinfo of an aware run_date.
    const zone = run.offsetMs !== null && given === undefined ? offsetText(run.offsetMs) : tz;
    return { trigger: { type: "date", at: new Date(run.at).toISOString() }, startAt: null, endAt: null, jitterMs: 0, zone };
  }
  // Without a timezone, APScheduler runs the trigger in the tzinfo of an aware start_date (else end_date).
  let zone = tz;
  let runTz = tz;
  const aware = start?.offsetMs ?? end?.offsetMs ?? null;
  if (given === undefined && aware !== null) {
    zone = offsetText(aware);
    runTz = zoneOfOffset(aware) ?? tz;
  }
  if (name === "interval") {
    const parts: Record<string, number> = {};
    for (const k of ["weeks", "days", "hours", "minutes", "seconds"]) if (args[k] !== undefined && args[k] !== null) parts[k] = nonNegativeNumber(k, args[k]);
    const every = apsIntervalMs(parts);
    return { trigger: { type: "interval", every, ...(start ? { anchorAt: iso(start)! } : {}) }, startAt: iso(start), endAt: iso(end), jitterMs, zone };
  }
  const fields: Record<string, string | number> = {};
  for (const f of APS_FIELDS) {
    const v = args[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" && !(typeof v === "number" && Number.isInteger(v))) throw new Refused(`${f} must be a string or an integer`);
    fields[f] = v;
  }
  return { trigger: { type: "fields", ...fields, timezone: runTz }, startAt: iso(start), endAt: iso(end), jitterMs, zone };
}

/** misfire_grace_time and coalesce (APScheduler defaults 1 s and true) as cronhook's misfire policy. */
export function misfireOf(grace: unknown, coalesce: unknown): NonNullable<JobSpec["misfire"]> {
  if (coalesce !== undefined && typeof coalesce !== "boolean") throw new Refused("coalesce must be true or false");
  if (grace === null) return { policy: coalesce === false ? "all" : "once", graceMs: 1000 };
  const g = grace === undefined ? 1 : grace;
  if (typeof g !== "number" || !Number.isInteger(g) || g <= 0) throw new Refused("misfire_grace_time must be either None or a positive integer");
  if (g > 7 * 86_400) throw new Refused("misfire_grace_time must be at most 604800 seconds (7 days) in cronhook");
  return { policy: "skip", graceMs: g * 1000 };
}

function maxInstancesOf(v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Refused("max_instances must be a positive integer");
  return v;
}

function label(labels: Record<string, string>, key: string, value: unknown, what: string): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length > MAX_LABEL) throw new Refused(`${what} is longer than ${MAX_LABEL} characters once written as JSON; cronhook keeps it in a label`);
  labels[key] = text;
}

export interface Built {
  spec: JobSpec;
  /** next_run_time was given and is now or past: fire once at once after saving. */
  runNow: boolean;
  replaceExisting: boolean;
}

/** A Flask-APScheduler job body (after fixJobDef) as a cronhook job spec. `now` decides what next_run_time means. */
export function buildJob(data: Record<string, unknown>, defaultTz: string, now: number): Built {
  if (typeof data.id !== "string" || data.id === "") throw new Refused("id is required (a string)");
  if (data.func === undefined || data.func === null) throw new Refused("add_job() missing 1 required positional argument: 'func'");
  if (typeof data.func !== "string") throw new Refused("func must be a string: a URL, or a name when kwargs holds the request");
  const triggerArgs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (JOB_OPTIONS.has(k)) continue;
    if (!ALL_TRIGGER_ARGS.has(k)) throw new Refused(`add_job() got an unexpected keyword argument '${k}'`);
    triggerArgs[k] = v;
  }
  const t = triggerPart(data.trigger, triggerArgs, defaultTz);
  if (data.args !== undefined && data.args !== null && !Array.isArray(data.args)) throw new Refused("args must be a list");
  if (data.kwargs !== undefined && data.kwargs !== null && !isRecord(data.kwargs)) throw new Refused("kwargs must be a dict");
  if (data.name !== undefined && data.name !== null && typeof data.name !== "string") throw new Refused("name must be a string");
  const maxInstances = maxInstancesOf(data.max_instances);
  const labels: Record<string, string> = { [COMPAT_LABEL]: API, [L.zone]: t.zone };
  label(labels, L.func, data.func, "func");
  if (Array.isArray(data.args) && data.args.length > 0) label(labels, L.args, data.args, "args");
  if (isRecord(data.kwargs) && Object.keys(data.kwargs).length > 0) label(labels, L.kwargs, data.kwargs, "kwargs");
  if (maxInstances !== 1) labels[L.maxInstances] = String(maxInstances);
  if (data.misfire_grace_time !== undefined) labels[L.grace] = JSON.stringify(data.misfire_grace_time);
  if (data.coalesce !== undefined) labels[L.coalesce] = String(data.coalesce);
  const spec: JobSpec = {
    // Flask-APScheduler names a job after its id when no name is given.
    name: (data.name as string | undefined) || data.id,
    labels,
    trigger: t.trigger,
    target: targetOf(data.func, data.kwargs),
    misfire: misfireOf(data.misfire_grace_time, data.coalesce),
    overlap: maxInstances > 1 ? "allow" : "skip",
    jitterMs: t.jitterMs,
    ...(t.startAt ? { startAt: t.startAt } : {}),
    ...(t.endAt ? { endAt: t.endAt } : {}),
  };
  const { paused, runNow } = nextRunTime(data, defaultTz, now);
  if (paused) spec.state = "paused";
  if (data.replace_existing !== undefined && typeof data.replace_existing !== "boolean") throw new Refused("replace_existing must be true or false");
  return { spec, runNow, replaceExisting: data.replace_existing === true };
}

/** next_run_time: null adds the job paused; a time now or past fires it at once; a later time cronhook cannot honour. */
function nextRunTime(data: Record<string, unknown>, tz: string, now: number): { paused: boolean; runNow: boolean } {
  if (!("next_run_time" in data)) return { paused: false, runNow: false };
  if (data.next_run_time === null) return { paused: true, runNow: false };
  const at = dateArg("next_run_time", data.next_run_time, tz).at;
  if (at <= now + 1000) return { paused: false, runNow: true };
  throw new Refused("next_run_time later than now is not supported by cronhook (fires follow the trigger); use start_date, or null to add the job paused");
}

/** modify_job keywords over an existing job: the patch, and what to do after it. */
export function buildPatch(job: Job, data: Record<string, unknown>, defaultTz: string, now: number): { patch: JobPatch; pause: boolean; runNow: boolean } {
  if ("id" in data && data.id !== job.id) throw new Refused("The job ID may not be changed");
  const notModifiable = Object.keys(data).filter((k) => !JOB_OPTIONS.has(k) && !("trigger" in data && ALL_TRIGGER_ARGS.has(k)));
  if (notModifiable.length > 0) throw new Refused(`The following are not modifiable attributes of Job: ${notModifiable.join(", ")}`);
  const labels = { ...job.labels };
  const patch: JobPatch = {};
  if ("trigger" in data) {
    // reschedule_job: a new trigger from the arguments given here only.
    const args: Record<string, unknown> = {};
    for (const k of Object.keys(data)) if (ALL_TRIGGER_ARGS.has(k)) args[k] = data[k];
    const t = triggerPart(data.trigger, args, defaultTz);
    patch.trigger = t.trigger;
    patch.startAt = t.startAt;
    patch.endAt = t.endAt;
    patch.jitterMs = t.jitterMs;
    labels[L.zone] = t.zone;
  }
  if ("name" in data) {
    if (typeof data.name !== "string" || data.name === "") throw new Refused("name must be a non-empty string");
    patch.name = data.name;
  }
  if ("func" in data || "kwargs" in data) {
    const func = "func" in data ? data.func : labels[L.func];
    const kwargs = "kwargs" in data ? data.kwargs : labels[L.kwargs] !== undefined ? JSON.parse(labels[L.kwargs]!) : undefined;
    if (typeof func !== "string") throw new Refused("func must be a string: a URL, or a name when kwargs holds the request");
    const t = targetOf(func, kwargs);
    patch.target = { url: t.url, method: t.method, headers: t.headers ?? {}, body: t.body ?? null, ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}) };
    label(labels, L.func, func, "func");
    if (isRecord(kwargs) && Object.keys(kwargs).length > 0) label(labels, L.kwargs, kwargs, "kwargs");
    else delete labels[L.kwargs];
  }
  if ("args" in data) {
    if (data.args !== null && !Array.isArray(data.args)) throw new Refused("args must be a list");
    if (Array.isArray(data.args) && data.args.length > 0) label(labels, L.args, data.args, "args");
    else delete labels[L.args];
  }
  if ("misfire_grace_time" in data || "coalesce" in data) {
    const grace = "misfire_grace_time" in data ? data.misfire_grace_time : labels[L.grace] !== undefined ? JSON.parse(labels[L.grace]!) : undefined;
    const coalesce = "coalesce" in data ? data.coalesce : labels[L.coalesce] !== undefined ? labels[L.coalesce] === "true" : undefined;
    patch.misfire = misfireOf(grace, coalesce);
    if ("misfire_grace_time" in data) labels[L.grace] = JSON.stringify(data.misfire_grace_time);
    if ("coalesce" in data) labels[L.coalesce] = String(data.coalesce);
  }
  if ("max_instances" in data) {
    const n = maxInstancesOf(data.max_instances);
    patch.overlap = n > 1 ? "allow" : "skip";
    if (n !== 1) labels[L.maxInstances] = String(n);
    else delete labels[L.maxInstances];
  }
  patch.labels = labels;
  const { paused, runNow } = nextRunTime(data, defaultTz, now);
  return { patch, pause: paused, runNow };
}

function printDate(instant: number, zone: string): string {
  return /^[+-]\d\d:\d\d$/.test(zone)
    ? formatIsoWithOffset(instant, (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000)
    : formatIsoInZone(instant, zone);
}

/** Flask-APScheduler's job_to_dict: id, name, func, args, kwargs, the trigger's fields, misfire_grace_time, max_instances, next_run_time. */
export function toApsJob(job: Job, defaultTz: string): Record<string, unknown> {
  const zone = job.labels[L.zone] ?? defaultTz;
  const d = (iso: string) => printDate(Date.parse(iso), zone);
  const kwargsLabel = job.labels[L.kwargs];
  const out: Record<string, unknown> = {
    id: job.id,
    name: job.name,
    func: job.labels[L.func] || job.target.url,
    args: job.labels[L.args] !== undefined ? JSON.parse(job.labels[L.args]!) : [],
    kwargs: kwargsLabel !== undefined ? JSON.parse(kwargsLabel) : {},
  };
  const t = job.trigger;
  if (t.type === "date") {
    out.trigger = "date";
    out.run_date = d(t.at);
  } else if (t.type === "interval") {
    out.trigger = "interval";
    // IntervalTrigger's start_date is its first fire: the given start_date, else creation + interval.
    out.start_date = job.startAt !== null ? d(job.startAt) : printDate(Date.parse(t.anchorAt) + t.everyMs, zone);
    if (job.endAt !== null) out.end_date = d(job.endAt);
    const p = apsIntervalParts(t.everyMs);
    for (const [k, v] of Object.entries(p)) if (v > 0) out[k] = v;
  } else if (t.type === "fields") {
    out.trigger = "cron";
    if (job.startAt !== null) out.start_date = d(job.startAt);
    if (job.endAt !== null) out.end_date = d(job.endAt);
    for (const f of APS_FIELDS) if (t[f] !== undefined) out[f] = t.effective[f];
  } else {
    out.trigger = `cron[${t.expr}]`;
  }
  const grace = job.labels[L.grace];
  out.misfire_grace_time = grace !== undefined ? JSON.parse(grace) : job.misfire.policy === "skip" ? Math.round(job.misfire.graceMs / 1000) : null;
  out.max_instances = Number(job.labels[L.maxInstances] ?? (job.overlap === "allow" ? 2 : 1));
  out.next_run_time = job.nextFireAt === null ? null : d(job.nextFireAt);
  return out;
}
