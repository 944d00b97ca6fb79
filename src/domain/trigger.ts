// Trigger semantics: validation/normalisation of the input shapes (trigger-schema.ts) and
// the "next fire after" arithmetic. Pure: no I/O, no clock; instants are epoch ms.
import { APS_FIELDS, ApsFieldError, apsFieldStrings, apsNextAfter, compiledApsCron, fieldText, type ApsFieldValues } from "./apscheduler.ts";
import { cronNextAfter, validateCron, validateTimezone } from "./cron.ts";
import { parseDuration } from "./duration.ts";
import { Invalid } from "./errors.ts";
import type { TriggerInput, TriggerOut } from "./trigger-schema.ts";

export type Trigger =
  | { type: "cron"; expr: string; timezone: string }
  | { type: "interval"; every: string | number; everyMs: number; anchorAt: number }
  | { type: "date"; at: number }
  /** APScheduler 3 cron fields (apscheduler.ts): the fields given, as text, and the zone. */
  | { type: "fields"; fields: ApsFieldValues; timezone: string };

/** An interval shorter than this is refused. */
export const MIN_INTERVAL_MS = 100;
/** An interval longer than this (366 days) is refused. */
export const MAX_INTERVAL_MS = 366 * 86_400_000;
/** A date trigger may be this far in the past (clock skew, slow clients) and still fire at once. */
export const DATE_PAST_TOLERANCE_MS = 5_000;
/** A date trigger may be at most this many years ahead. */
export const DATE_MAX_YEARS_AHEAD = 100;

const CODE = "invalid_trigger";
const fail = (field: string, message: string): Invalid => Invalid.field(CODE, `trigger.${field}`, message);

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * An ISO-8601 date-time WITH an offset or `Z` -> epoch ms; null for anything else (no
 * offset, a date alone, impossible dates such as 2026-02-30, garbage).
 * Accepted: `2026-12-01T07:00:00+08:00`, `2026-12-01T07:00Z`, `2026-12-01T07:00:00.123456Z`
 * (digits past milliseconds are dropped), offsets `+08:00`, `+0800`, `+08`.
 */
export function parseIsoInstant(s: string): number | null {
  if (typeof s !== "string") return null;
  const m = ISO_INSTANT.exec(s.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 2000: leap, for February
  if (day > daysInMonth) return null;
  if (month === 2 && day === 29 && !isLeapYear(year)) return null;
  let offsetMin = 0;
  if (!z) {
    const oh = Number(ohs);
    const om = oms === undefined ? 0 : Number(oms);
    if (oh > 23 || om > 59) return null;
    offsetMin = (sign === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // years 0-99 too (Date.UTC would read them as 19xx)
  d.setUTCHours(hour, minute, second, ms);
  const t = d.getTime() - offsetMin * 60_000;
  return Number.isFinite(t) ? t : null;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function addYears(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/**
 * Semantic validation of a trigger that passed the zod shape, and its normal form.
 * Throws `Invalid` (code `invalid_trigger`) naming the exact field: `trigger.expr`,
 * `trigger.timezone`, `trigger.every`, `trigger.anchorAt`, `trigger.at`.
 *
 * - cron: a valid 5/6/7-field expression that fires at least once after nowMs; timezone
 *   (default `UTC`) a known IANA zone; both kept as given.
 * - interval: `every` a duration (see duration.ts) from 100 ms to 366 days; `anchorAt` an
 *   ISO date-time with offset or Z, default nowMs.
 * - date: `at` is `"now"` (-> nowMs) or an ISO date-time with offset or Z, at most 5 s in
 *   the past (it then fires at once) and at most 100 years ahead.
 * - fields: APScheduler cron fields (apscheduler.ts) that match at least once after nowMs, named
 *   `trigger.<field>` when one is refused; timezone as for cron.
 */
export function normalizeTrigger(input: TriggerInput, nowMs: number): Trigger {
  switch (input.type) {
    case "cron": {
      const tz = input.timezone ?? "UTC";
      const tzProblem = validateTimezone(tz);
      if (tzProblem) throw fail("timezone", tzProblem);
      // Both kept exactly as given, so that applying the same file twice compares equal.
      const problem = validateCron(input.expr, tz, nowMs);
      if (problem) throw fail("expr", problem);
      return { type: "cron", expr: input.expr, timezone: tz };
    }
    case "interval": {
      let everyMs: number;
      try {
        everyMs = parseDuration(input.every);
      } catch (e) {
        throw fail("every", e instanceof Error ? e.message : String(e));
      }
      if (everyMs < MIN_INTERVAL_MS) throw fail("every", `must be at least ${MIN_INTERVAL_MS}ms, got ${everyMs}ms`);
      if (everyMs > MAX_INTERVAL_MS) throw fail("every", `must be at most 366 days, got ${everyMs}ms`);
      let anchorAt = nowMs;
      if (input.anchorAt !== undefined) {
        const a = parseIsoInstant(input.anchorAt);
        if (a === null) {
          throw fail(
            "anchorAt",
            `"${input.anchorAt}" is not an ISO-8601 date-time with an offset or Z (e.g. 2026-01-01T00:00:00Z)`,
          );
        }
        anchorAt = a;
      }
      return { type: "interval", every: input.every, everyMs, anchorAt };
    }
    case "date": {
      const raw = input.at.trim();
      let at: number;
      if (raw.toLowerCase() === "now") {
        at = nowMs;
      } else {
        const a = parseIsoInstant(raw);
        if (a === null) {
          throw fail(
            "at",
            `"${input.at}" is not "now" or an ISO-8601 date-time with an offset or Z (e.g. 2026-12-01T07:00:00+08:00)`,
          );
        }
        at = a;
      }
      if (at < nowMs - DATE_PAST_TOLERANCE_MS) {
        throw fail("at", `${new Date(at).toISOString()} is in the past (now is ${new Date(nowMs).toISOString()})`);
      }
      if (at > addYears(nowMs, DATE_MAX_YEARS_AHEAD)) {
        throw fail("at", `${new Date(at).toISOString()} is more than ${DATE_MAX_YEARS_AHEAD} years ahead`);
      }
      return { type: "date", at };
    }
    case "fields": {
      const tz = input.timezone ?? "UTC";
      const tzProblem = validateTimezone(tz);
      if (tzProblem) throw fail("timezone", tzProblem);
      const fields: ApsFieldValues = {};
      for (const f of APS_FIELDS) {
        const v = input[f];
        if (v !== undefined) fields[f] = fieldText(v);
      }
      let next: number | null;
      try {
        next = apsNextAfter(compiledApsCron(fields), tz, nowMs);
      } catch (e) {
        if (e instanceof ApsFieldError) throw fail(e.field, e.message);
        throw e;
      }
      if (next === null) throw fail(firstGiven(fields), `the fields never match a time after ${new Date(nowMs).toISOString()}`);
      return { type: "fields", fields, timezone: tz };
    }
    default: {
      const never: never = input;
      throw Invalid.field(CODE, "trigger.type", `unknown trigger type ${JSON.stringify((never as { type?: unknown }).type)}`);
    }
  }
}

/**
 * The first fire time strictly after `afterMs`, or null when the trigger has no more.
 * - cron: see cron.ts (DST rules there).
 * - interval: the slots anchorAt + k*everyMs, k >= 0; before the anchor the first is anchorAt.
 * - date: `at` if it is after afterMs.
 * - fields: see apscheduler.ts (APScheduler's rules, cron.ts's DST rules).
 */
export function nextFireAfter(t: Trigger, afterMs: number): number | null {
  switch (t.type) {
    case "cron":
      return cronNextAfter(t.expr, t.timezone, afterMs);
    case "interval": {
      if (afterMs < t.anchorAt) return t.anchorAt;
      const k = Math.floor((afterMs - t.anchorAt) / t.everyMs) + 1;
      return t.anchorAt + k * t.everyMs;
    }
    case "date":
      return t.at > afterMs ? t.at : null;
    case "fields":
      return apsNextAfter(compiledApsCron(t.fields), t.timezone, afterMs);
  }
}

function firstGiven(fields: ApsFieldValues): string {
  return APS_FIELDS.find((f) => fields[f] !== undefined) ?? "type";
}

/** The API form of a trigger: instants as ISO strings (`toISOString()`). */
export function triggerToOut(t: Trigger): TriggerOut {
  switch (t.type) {
    case "cron":
      return { type: "cron", expr: t.expr, timezone: t.timezone };
    case "interval":
      return { type: "interval", every: t.every, everyMs: t.everyMs, anchorAt: new Date(t.anchorAt).toISOString() };
    case "date":
      return { type: "date", at: new Date(t.at).toISOString() };
    case "fields":
      return { type: "fields", ...t.fields, timezone: t.timezone, effective: apsFieldStrings(compiledApsCron(t.fields)) };
  }
}
