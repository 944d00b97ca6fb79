// RuQi <-> cronhook: cmd and rule parsing into job specs, and RuQi's views of jobs and history rows.
import { formatPythonStr, formatWall, parseDateTime } from "../../../domain/apscheduler-time.ts";
import type { Job, JobSpec, Run } from "../../../domain/job.ts";
import { COMPAT_LABEL } from "../shared.ts";

export const API = "ruqi" as const;
const RULE_LABEL = "ruqi.rule";
const CMD_LABEL = "ruqi.cmd";
/** Label values are at most 500 characters; a longer cmd is rebuilt from the target when shown. */
const MAX_LABEL = 500;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const bad = (message: string): { ok: false; message: string } => ({ ok: false, message });

type Target = JobSpec["target"];

/**
 * A RuQi cmd as an HTTP request: `http://host/path#{"k":"v"}` (POST with that JSON body),
 * `http://host/path` (POST, no body), `/path#{...}` or `/path` resolved against baseUrl
 * (RuQi's "百川" requests). Script commands (`bash x.sh`, `python x.py`) are refused.
 */
export function parseCmd(cmd: string, baseUrl: string | undefined): Parsed<Target> {
  const text = cmd.trim();
  if (/^(bash|python\d*|sh)\s/i.test(text) || /^(bash|python\d*|sh)$/i.test(text)) {
    return bad(`cmd ${JSON.stringify(cmd)} runs a script; cronhook sends HTTP requests only. Expose the script behind an HTTP endpoint and use http://host/path#{json}`);
  }
  const hash = text.indexOf("#");
  const where = hash < 0 ? text : text.slice(0, hash);
  const payload = hash < 0 ? null : text.slice(hash + 1);
  let url: string;
  if (/^https?:\/\//i.test(where)) {
    url = where;
  } else if (where.startsWith("/")) {
    if (!baseUrl) return bad(`cmd ${JSON.stringify(cmd)} is a path; set CRONHOOK_RUQI_BASE_URL to the server it belongs to`);
    url = baseUrl.replace(/\/+$/, "") + where;
  } else {
    return bad(`cmd ${JSON.stringify(cmd)} is not an http(s) URL or a /path: cronhook sends HTTP requests only`);
  }
  if (payload === null) return { ok: true, value: { url, method: "POST" } };
  try {
    JSON.parse(payload);
  } catch {
    return bad(`the part of cmd after # is not JSON: ${JSON.stringify(payload)}`);
  }
  return { ok: true, value: { url, method: "POST", headers: { "content-type": "application/json" }, body: payload } };
}

const INTERVAL_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A RuQi rule for a job_trigger as a cronhook trigger (cron fields read in tz; dates without offset in tz). */
export function parseRule(jobTrigger: string, rule: string, tz: string): Parsed<JobSpec["trigger"]> {
  switch (jobTrigger) {
    case "cron": {
      // "second minute hour day month day_of_week", as RuQi splits it (on single spaces).
      const f = rule.split(" ");
      if (f.length !== 6) return bad(`Rule check failed: a cron rule has 6 fields "second minute hour day month day_of_week", got ${JSON.stringify(rule)}`);
      const [second, minute, hour, day, month, day_of_week] = f as [string, string, string, string, string, string];
      return { ok: true, value: { type: "fields", second, minute, hour, day, month, day_of_week, timezone: tz } };
    }
    case "interval": {
      const parts = rule.match(/[0-9]+|[a-z]+/g) ?? [];
      const [n, unit] = parts;
      if (parts.length !== 2 || unit === undefined || !(unit in INTERVAL_UNITS) || !/^\d+$/.test(n!))
        return bad(`Rule check failed: an interval rule is <number><s|m|h|d>, e.g. 10s, got ${JSON.stringify(rule)}`);
      // IntervalTrigger makes a zero interval one second.
      const ms = Number(n) * INTERVAL_UNITS[unit]!;
      return { ok: true, value: { type: "interval", every: ms === 0 ? 1000 : ms } };
    }
    case "date": {
      if (rule.trim() === "now") return { ok: true, value: { type: "date", at: "now" } };
      const at = parseDateTime(rule, tz);
      if (at === null) return bad(`Rule check failed: a date rule is "YYYY-MM-DD HH:MM:SS[.ffffff]" or now, got ${JSON.stringify(rule)}`);
      return { ok: true, value: { type: "date", at: new Date(at.instant).toISOString() } };
    }
    default:
      return bad(`Job_trigger not in jobs_map: job_trigger must be cron, interval or date, got ${JSON.stringify(jobTrigger)}`);
  }
}

export function jobSpec(p: { jobName: string; cmd: string; rule: string; target: Target; trigger: JobSpec["trigger"] }): JobSpec {
  const labels: Record<string, string> = { [COMPAT_LABEL]: API };
  if (p.rule.length <= MAX_LABEL) labels[RULE_LABEL] = p.rule;
  if (p.cmd.length <= MAX_LABEL) labels[CMD_LABEL] = p.cmd;
  return {
    name: p.jobName,
    labels,
    trigger: p.trigger,
    target: p.target,
    // RuQi's job settings: misfire_grace_time=30, coalesce off, max_instances=1.
    misfire: { policy: "skip", graceMs: 30_000 },
    overlap: "skip",
  };
}

/** The cmd as it was given (or rebuilt from the request when it was too long to keep). */
export function cmdOf(job: Job): string {
  return job.labels[CMD_LABEL] ?? job.target.url + (job.target.body !== null ? `#${job.target.body}` : "");
}

export function triggerName(job: Job): string {
  return job.trigger.type === "fields" ? "cron" : job.trigger.type;
}

function ruleOf(job: Job): string {
  const kept = job.labels[RULE_LABEL];
  if (kept !== undefined) return kept;
  const t = job.trigger;
  if (t.type === "interval") return `${Math.round(t.everyMs / 1000)}s`;
  if (t.type === "date") return t.at;
  if (t.type === "fields") return [t.effective.second, t.effective.minute, t.effective.hour, t.effective.day, t.effective.month, t.effective.day_of_week].join(" ");
  return "";
}

/** A row of job_list. */
export function listRow(job: Job, tz: string): Record<string, unknown> {
  return {
    next_run_time: job.nextFireAt === null ? null : formatWall(Date.parse(job.nextFireAt), tz),
    job_id: job.id,
    c_time: formatWall(Date.parse(job.createdAt), tz),
    cmd: cmdOf(job),
    rule: ruleOf(job),
    job_trigger: triggerName(job),
    job_name: job.name,
  };
}

/** job_show's data; nexttime is Python's str() of the next run time ("None" when paused). */
export function showRow(job: Job, tz: string): Record<string, unknown> {
  return {
    job_id: job.id,
    cmd: cmdOf(job),
    job_trigger: triggerName(job),
    job_name: job.name,
    rule: ruleOf(job),
    nexttime: job.nextFireAt === null ? "None" : formatPythonStr(Date.parse(job.nextFireAt), tz),
  };
}

/** RuQi keeps at most this much of a command's output. */
const MAX_OUTPUT = 4096;

/** A row of job_history_list / get_history (ruqi_jobs_history). */
export function historyRow(run: Run, cmd: string, tz: string): Record<string, unknown> {
  return {
    id: run.id,
    job_id: run.jobId,
    job_name: run.jobName,
    cmd,
    cmd_is_success: run.status === "succeeded",
    cmd_output: (run.response ?? run.error ?? "").slice(0, MAX_OUTPUT),
    cmd_cost: run.durationMs === null ? 0 : run.durationMs / 1000,
    scheduler_name: run.instanceId ?? "",
    c_time: formatWall(Date.parse(run.finishedAt ?? run.scheduledAt), tz),
  };
}
