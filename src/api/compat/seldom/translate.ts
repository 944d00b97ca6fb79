// schedule-server (SeldomQA) <-> cronhook: FastAPI/pydantic-style request checks, job specs, and its task view of a job.
import type { JobSpec } from "../../../domain/job.ts";
import type { Job } from "../../../domain/job.ts";
import { pythonTimedeltaStr } from "../../../domain/apscheduler.ts";
import { formatIsoWithOffset, wallOf, wallParts } from "../../../domain/apscheduler-time.ts";
import { COMPAT_LABEL } from "../shared.ts";

export const API = "seldom" as const;
/** The group of every schedule-server job in cronhook. */
export const GROUP = "schedule-server";

/** One entry of FastAPI's 422 `detail` list (pydantic v1 wording). */
export interface PydanticError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

type Kind = "str" | "int";

/**
 * Reads a body field as pydantic v1 would for `str` / `int` (required when no default is given):
 * ints and floats become str; ints, integral numeric strings and floats (truncated) become int.
 */
export function field(body: Record<string, unknown>, key: string, kind: Kind, errors: PydanticError[], opts: { required?: boolean; loc?: "body" | "query" } = {}): string | number | undefined {
  const loc = [opts.loc ?? "body", key];
  const v = body[key];
  if (v === undefined) {
    if (opts.required) errors.push({ loc, msg: "field required", type: "value_error.missing" });
    return undefined;
  }
  if (v === null) {
    if (opts.required) errors.push({ loc, msg: "none is not an allowed value", type: "type_error.none.not_allowed" });
    return undefined;
  }
  if (kind === "str") {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
    errors.push({ loc, msg: "str type expected", type: "type_error.str" });
    return undefined;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v.trim());
  errors.push({ loc, msg: "value is not a valid integer", type: "type_error.integer" });
  return undefined;
}

const BASE = {
  name: GROUP,
  labels: { [COMPAT_LABEL]: API },
  // APScheduler's defaults in schedule-server: misfire_grace_time 1 s, coalesce off, max_instances=1.
  misfire: { policy: "skip" as const, graceMs: 1000 },
  overlap: "skip" as const,
  // add_job replaces the job: the new one runs, even if the old one was paused.
  state: "active" as const,
};

const target = (url: string) => ({ url, method: "GET" as const });

const PY_RANGES: [string, number, number, string][] = [
  ["month", 1, 12, "month must be in 1..12"],
  ["hour", 0, 23, "hour must be in 0..23"],
  ["minute", 0, 59, "minute must be in 0..59"],
  ["second", 0, 59, "second must be in 0..59"],
];

/** The date job's run time (UTC, as schedule-server's scheduler runs in UTC), or the errors Python's datetime() would raise. */
export function dateSpec(url: string, p: Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>, errors: PydanticError[]): JobSpec | null {
  if (p.year < 1 || p.year > 9999) errors.push({ loc: ["body", "year"], msg: `year ${p.year} is out of range`, type: "value_error" });
  for (const [k, lo, hi, msg] of PY_RANGES) {
    const v = p[k as keyof typeof p];
    if (v < lo || v > hi) errors.push({ loc: ["body", k], msg, type: "value_error" });
  }
  if (errors.length > 0) return null;
  const wall = wallOf({ ...p, ms: 0 });
  if (wall === null) {
    errors.push({ loc: ["body", "day"], msg: "day is out of range for month", type: "value_error" });
    return null;
  }
  return { ...BASE, trigger: { type: "date", at: new Date(wall).toISOString() }, target: target(url) };
}

export function intervalSpec(url: string, p: { weeks?: number; days?: number; hours?: number; minutes?: number; seconds?: number }): JobSpec | string {
  const parts = [p.weeks, p.days, p.hours, p.minutes, p.seconds];
  if (parts.some((v) => v !== undefined && v < 0)) return "interval values must not be negative";
  const total = (((p.weeks ?? 0) * 7 + (p.days ?? 0)) * 86_400 + (p.hours ?? 0) * 3600 + (p.minutes ?? 0) * 60 + (p.seconds ?? 0)) * 1000;
  // IntervalTrigger makes a zero interval one second.
  const everyMs = total === 0 ? 1000 : total;
  return { ...BASE, trigger: { type: "interval", every: everyMs }, target: target(url) };
}

export const CRON_FIELDS = ["second", "minute", "hour", "day", "month", "day_of_week"] as const;

export function cronSpec(url: string, fields: Record<(typeof CRON_FIELDS)[number], string>): JobSpec {
  return { ...BASE, trigger: { type: "fields", ...fields, timezone: "UTC" }, target: target(url) };
}

/** The task dict of get_jobs / get_job: job_id, name, type, data, request_url, next_run_time, status. */
export function toTask(job: Job): Record<string, unknown> {
  const t = job.trigger;
  let type: string | null = null;
  let data: Record<string, unknown> | null = null;
  if (t.type === "fields") {
    type = "cron";
    data = { ...t.effective };
  } else if (t.type === "date") {
    type = "date";
    const p = wallParts(Date.parse(t.at));
    data = { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
  } else if (t.type === "interval") {
    type = "interval";
    // schedule-server reads hour:minute:second out of str(timedelta) and gives up at a day or more.
    const s = pythonTimedeltaStr(t.everyMs);
    if (s.includes("day")) data = {};
    else {
      const [h, m, sec] = s.split(":").map(Number);
      data = { hour: h, minute: m, second: sec };
    }
  }
  return {
    job_id: job.id,
    // The name APScheduler gives a job whose callable is schedule-server's requests_url().
    name: "requests_url",
    type,
    data,
    request_url: job.target.url,
    next_run_time: job.nextFireAt === null ? null : formatIsoWithOffset(Date.parse(job.nextFireAt), 0),
    status: job.nextFireAt !== null ? "running" : "paused",
  };
}
