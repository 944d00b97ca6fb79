/**
 * APScheduler 3 trigger semantics: the cron trigger given as fields (`year, month, day, week,
 * day_of_week, hour, minute, second`) and the interval trigger given as `weeks, days, hours,
 * minutes, seconds`. This is what the `fields` trigger type and the compatibility APIs run on.
 * Pure: no I/O, no clock; instants are epoch ms.
 *
 * ## The rules (APScheduler 3.x `CronTrigger`, ported field by field)
 *
 * - Every field must match (AND). There is no crontab-style OR of day-of-month and day-of-week.
 * - `day_of_week` counts 0 = Monday .. 6 = Sunday; names `mon`..`sun`; ranges of names (`mon-fri`).
 * - `week` is the ISO week number (1-53) of the date.
 * - `day` also takes `last` (last day of the month), `last fri` and `1st`..`5th` + weekday
 *   (`3rd fri`); a position the month does not have (`5th mon` in a month with four Mondays) never matches.
 * - `month` takes names `jan`..`dec`. Every field takes `*`, `*\/n`, `a`, `a-b`, `a-b/n`, `a/n`
 *   (from a, every n) and comma lists of these. Names are case-insensitive.
 * - Defaults, in the order year, month, day, week, day_of_week, hour, minute, second: a field
 *   left out before the smallest one given is `*`; after it, it takes its minimum (`month=1,
 *   day=1, hour=0, minute=0, second=0`), except `week` and `day_of_week`, which are always `*`
 *   when left out. With no field at all every field is `*` (every second). `day=1, minute=20`
 *   means `year=* month=* day=1 week=* day_of_week=* hour=* minute=20 second=0`.
 * - Ranges: year 1970-9999, month 1-12, day 1-31, week 1-53, day_of_week 0-6, hour 0-23,
 *   minute 0-59, second 0-59; a step larger than its range and a reversed range are errors, as in APScheduler.
 * - Intervals: `weeks, days, hours, minutes, seconds` are added up; a total of zero means one second.
 *
 * The next fire is found on the wall clock of the trigger's time zone with APScheduler's own
 * search (walk the fields from year to second, raise the first field that cannot match and reset
 * the ones after it), then placed on the time line with the daylight-saving rules of cron.ts:
 * a fixed hour field (numbers, lists, ranges without a step; also a defaulted `hour=0`) fires a
 * skipped wall time once at the end of the gap and a repeated one once, at its first occurrence;
 * a wildcard or stepped hour runs on elapsed time (skipped times never occur, the repeated hour fires twice).
 */
import { daysInMonth, firstTransitionIn, instantsForWall, offsetAt, wallOf, wallParts, type Parts } from "./apscheduler-time.ts";

export const APS_FIELDS = ["year", "month", "day", "week", "day_of_week", "hour", "minute", "second"] as const;
export type ApsField = (typeof APS_FIELDS)[number];
export type ApsFieldValues = Partial<Record<ApsField, string>>;

const MIN: Record<ApsField, number> = { year: 1970, month: 1, day: 1, week: 1, day_of_week: 0, hour: 0, minute: 0, second: 0 };
const MAX: Record<ApsField, number> = { year: 9999, month: 12, day: 31, week: 53, day_of_week: 6, hour: 23, minute: 59, second: 59 };
const DEFAULTS: Record<ApsField, string> = { year: "*", month: "1", day: "1", week: "*", day_of_week: "*", hour: "0", minute: "0", second: "0" };
/** week and day_of_week are not datetime fields: the search moves the day to satisfy them. */
const REAL: Record<ApsField, boolean> = { year: true, month: true, day: true, week: false, day_of_week: false, hour: true, minute: true, second: true };

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const POSITIONS = ["1st", "2nd", "3rd", "4th", "5th", "last"] as const;

/** A field value APScheduler refuses; `field` names it. */
export class ApsFieldError extends Error {
  constructor(
    readonly field: ApsField,
    message: string,
  ) {
    super(message);
  }
}

// --- the wall-clock date the search walks over ----------------------------------------------

/** A wall-clock date and time (apscheduler-time's Parts without milliseconds). */
type DT = Omit<Parts, "ms">;

function dtOfWall(wall: number): DT {
  const p = wallParts(wall);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

function wallOfDt(d: DT): number {
  return wallOf(d)!;
}

/** Monday = 0 .. Sunday = 6. */
function weekday(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** ISO 8601 week number of a date. */
function isoWeek(year: number, month: number, day: number): number {
  const t = Date.UTC(year, month - 1, day);
  const thursday = t + (3 - weekday(year, month, day)) * 86_400_000;
  const jan1 = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return Math.floor((thursday - jan1) / 86_400_000 / 7) + 1;
}

function getValue(f: ApsField, d: DT): number {
  switch (f) {
    case "week":
      return isoWeek(d.year, d.month, d.day);
    case "day_of_week":
      return weekday(d.year, d.month, d.day);
    default:
      return d[f];
  }
}

const getMin = (f: ApsField): number => MIN[f];
const getMax = (f: ApsField, d: DT): number => (f === "day" ? daysInMonth(d.year, d.month) : MAX[f]);

// --- expressions ------------------------------------------------------------------------------

type Expr =
  | { kind: "all"; step: number | null }
  | { kind: "range"; first: number; last: number | null; step: number | null; names?: "month" | "weekday" }
  | { kind: "position"; option: number; weekday: number }
  | { kind: "last" };

const mod = (a: number, n: number): number => ((a % n) + n) % n;

function nextValue(e: Expr, f: ApsField, d: DT): number | null {
  switch (e.kind) {
    case "all": {
      const minval = getMin(f);
      const maxval = getMax(f, d);
      const start = Math.max(getValue(f, d), minval);
      const next = e.step ? start + mod(e.step - (start - minval), e.step) : start;
      return next <= maxval ? next : null;
    }
    case "range": {
      const minval = Math.max(getMin(f), e.first);
      const maxval = e.last !== null ? Math.min(getMax(f, d), e.last) : getMax(f, d);
      let next = Math.max(minval, getValue(f, d));
      if (e.step) next += mod(e.step - (next - minval), e.step);
      return next <= maxval ? next : null;
    }
    case "position": {
      const firstWday = weekday(d.year, d.month, 1);
      const lastDay = daysInMonth(d.year, d.month);
      let firstHit = e.weekday - firstWday + 1;
      if (firstHit <= 0) firstHit += 7;
      const target = e.option < 5 ? firstHit + e.option * 7 : firstHit + Math.floor((lastDay - firstHit) / 7) * 7;
      return target <= lastDay && target >= d.day ? target : null;
    }
    case "last":
      return daysInMonth(d.year, d.month);
  }
}

function exprString(e: Expr): string {
  switch (e.kind) {
    case "all":
      return e.step ? `*/${e.step}` : "*";
    case "range": {
      if (e.names === "month") return e.last !== null && e.last !== e.first ? `${MONTHS[e.first - 1]}-${MONTHS[e.last - 1]}` : MONTHS[e.first - 1]!;
      if (e.names === "weekday") return e.last !== null && e.last !== e.first ? `${WEEKDAYS[e.first]}-${WEEKDAYS[e.last]}` : WEEKDAYS[e.first]!;
      const range = e.last !== e.first && e.last !== null ? `${e.first}-${e.last}` : `${e.first}`;
      return e.step ? `${range}/${e.step}` : range;
    }
    case "position":
      return `${POSITIONS[e.option]} ${WEEKDAYS[e.weekday]}`;
    case "last":
      return "last";
  }
}

const ALL_RE = /^\*(?:\/(\d+))?$/;
const RANGE_RE = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/;
// APScheduler's name patterns are matched at the start only (re.match without `$`): "mon-fri/2" reads as "mon-fri".
const NAME_RANGE_RE = /^([a-z]+)(?:-([a-z]+))?/i;
const POSITION_RE = /^(1st|2nd|3rd|4th|5th|last) +(\d+|\w+)/i;
const LAST_RE = /^last/i;

function checkStep(f: ApsField, step: number | null, range: number, expr: string): void {
  if (step === 0) throw new ApsFieldError(f, `Increment must be higher than 0 (field "${f}", expression "${expr}")`);
  if (step && step > range)
    throw new ApsFieldError(f, `Error validating expression '${expr}': the step value (${step}) is higher than the total range of the expression (${range})`);
}

function compileExpr(f: ApsField, expr: string): Expr {
  let m = ALL_RE.exec(expr);
  if (m) {
    const step = m[1] === undefined ? null : Number(m[1]);
    checkStep(f, step, MAX[f] - MIN[f], expr);
    return { kind: "all", step };
  }
  m = RANGE_RE.exec(expr);
  if (m) {
    const first = Number(m[1]);
    const step = m[3] === undefined ? null : Number(m[3]);
    let last = m[2] === undefined ? null : Number(m[2]);
    if (last === null && step === null) last = first;
    if (step === 0) checkStep(f, 0, 0, expr);
    if (last !== null && first > last)
      throw new ApsFieldError(f, `Error validating expression '${expr}': the minimum value in a range must not be higher than the maximum`);
    if (first < MIN[f]) throw new ApsFieldError(f, `Error validating expression '${expr}': the first value (${first}) is lower than the minimum value (${MIN[f]})`);
    if (last !== null && last > MAX[f]) throw new ApsFieldError(f, `Error validating expression '${expr}': the last value (${last}) is higher than the maximum value (${MAX[f]})`);
    checkStep(f, step, (last ?? MAX[f]) - first, expr);
    return { kind: "range", first, last, step };
  }
  if (f === "day") {
    m = POSITION_RE.exec(expr);
    if (m) {
      const option = POSITIONS.indexOf(m[1]!.toLowerCase() as (typeof POSITIONS)[number]);
      const wd = WEEKDAYS.indexOf(m[2]!.toLowerCase() as (typeof WEEKDAYS)[number]);
      if (wd < 0) throw new ApsFieldError(f, `Invalid weekday name "${m[2]}" (field "day", expression "${expr}")`);
      return { kind: "position", option, weekday: wd };
    }
    if (LAST_RE.test(expr)) return { kind: "last" };
  }
  if (f === "month" || f === "day_of_week") {
    m = NAME_RANGE_RE.exec(expr);
    if (m) {
      const names: readonly string[] = f === "month" ? MONTHS : WEEKDAYS;
      const base = f === "month" ? 1 : 0;
      const kind = f === "month" ? "month" : "weekday";
      const first = names.indexOf(m[1]!.toLowerCase());
      if (first < 0) throw new ApsFieldError(f, `Invalid ${kind} name "${m[1]}" (field "${f}")`);
      let last: number | null = null;
      if (m[2] !== undefined) {
        last = names.indexOf(m[2].toLowerCase());
        if (last < 0) throw new ApsFieldError(f, `Invalid ${kind} name "${m[2]}" (field "${f}")`);
        last += base;
      }
      const firstNum = first + base;
      if (last === null) last = firstNum;
      if (firstNum > last)
        throw new ApsFieldError(f, `Error validating expression '${expr}': the minimum value in a range must not be higher than the maximum`);
      return { kind: "range", first: firstNum, last, step: null, names: kind };
    }
  }
  throw new ApsFieldError(f, `Unrecognized expression "${expr}" for field "${f}"`);
}

interface Field {
  name: ApsField;
  exprs: Expr[];
  isDefault: boolean;
}

function compileField(name: ApsField, value: string, isDefault: boolean): Field {
  const exprs = value
    .trim()
    .split(/ *, */)
    .map((e) => compileExpr(name, e));
  return { name, exprs, isDefault };
}

function fieldNext(field: Field, d: DT): number | null {
  let smallest: number | null = null;
  for (const e of field.exprs) {
    const v = nextValue(e, field.name, d);
    if (v !== null && (smallest === null || v < smallest)) smallest = v;
  }
  return smallest;
}

// --- compiled triggers ------------------------------------------------------------------------

export interface ApsCron {
  fields: Field[];
  /** The hour field has no `*` and no step: fixed-hour DST rules apply. */
  fixedHour: boolean;
}

/** A field value as APScheduler takes it: a string, or an integer (turned into its decimal text). */
export function fieldText(v: string | number): string {
  return typeof v === "number" ? String(v) : v;
}

/**
 * Compiles given fields the way `CronTrigger(**fields)` does, including the defaulting rule.
 * Throws ApsFieldError naming the first bad field.
 */
export function compileApsCron(given: ApsFieldValues): ApsCron {
  const remaining = new Set(APS_FIELDS.filter((f) => given[f] !== undefined && given[f] !== null));
  let assignDefaults = false;
  const fields: Field[] = [];
  for (const name of APS_FIELDS) {
    let field: Field;
    if (remaining.has(name)) {
      remaining.delete(name);
      assignDefaults = remaining.size === 0;
      field = compileField(name, fieldText(given[name]!), false);
    } else if (assignDefaults) {
      field = compileField(name, DEFAULTS[name], true);
    } else {
      field = compileField(name, "*", true);
    }
    fields.push(field);
  }
  const hour = fields[5]!;
  const fixedHour = hour.exprs.every((e) => e.kind === "range" && !e.step);
  return { fields, fixedHour };
}

/** Every field as APScheduler prints it (`str(field)`), defaults included, in APScheduler's order. */
export function apsFieldStrings(c: ApsCron): Record<ApsField, string> {
  return Object.fromEntries(c.fields.map((f) => [f.name, f.exprs.map(exprString).join(",")])) as Record<ApsField, string>;
}

/** The fields that were given (not defaulted), as APScheduler prints them. */
export function apsGivenFieldStrings(c: ApsCron): ApsFieldValues {
  return Object.fromEntries(c.fields.filter((f) => !f.isDefault).map((f) => [f.name, f.exprs.map(exprString).join(",")]));
}

const cache = new Map<string, ApsCron>();
const CACHE_SIZE = 256;

/** compileApsCron with a small LRU cache (the engine asks for the same triggers over and over). */
export function compiledApsCron(given: ApsFieldValues): ApsCron {
  const key = APS_FIELDS.map((f) => given[f] ?? "\u0001").join("\u0000");
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const c = compileApsCron(given);
  cache.set(key, c);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return c;
}

// --- the search on the wall clock (APScheduler's get_next_fire_time) ---------------------------------

/** Raises field `fieldnum` by one and resets the ones after it; walks left over full fields. */
function increment(fields: Field[], d: DT, fieldnum: number): { d: DT; fieldnum: number } {
  const values: Partial<DT> = {};
  let i = 0;
  while (i < fields.length) {
    if (i < 0 || fieldnum < 0) return { d, fieldnum: -1 };
    const field = fields[i]!;
    const name = field.name;
    if (!REAL[name]) {
      if (i === fieldnum) {
        fieldnum -= 1;
        i -= 1;
      } else {
        i += 1;
      }
      continue;
    }
    const key = name as keyof DT;
    if (i < fieldnum) {
      values[key] = getValue(name, d);
      i += 1;
    } else if (i > fieldnum) {
      values[key] = getMin(name);
      i += 1;
    } else {
      const value = getValue(name, d);
      if (value === getMax(name, d)) {
        fieldnum -= 1;
        i -= 1;
      } else {
        values[key] = value + 1;
        i += 1;
      }
    }
  }
  return { d: values as DT, fieldnum };
}

function setField(fields: Field[], d: DT, fieldnum: number, value: number): DT {
  const values: Partial<DT> = {};
  fields.forEach((field, i) => {
    if (!REAL[field.name]) return;
    const key = field.name as keyof DT;
    values[key] = i < fieldnum ? getValue(field.name, d) : i > fieldnum ? getMin(field.name) : value;
  });
  return values as DT;
}

/** Bounds one search; far more than any real schedule needs (a fire every 28 years takes a few hundred steps). */
const MAX_STEPS = 2_000_000;

/** The first wall time (whole second) at or after `wall` that matches every field, or null. */
export function apsWallAtOrAfter(c: ApsCron, wall: number): number | null {
  const ceil = Math.ceil(wall / 1000) * 1000;
  if (wallParts(ceil).year > MAX.year) return null;
  let d = dtOfWall(ceil);
  if (d.year < MIN.year) d = { year: MIN.year, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  const fields = c.fields;
  let fieldnum = 0;
  let steps = 0;
  while (fieldnum >= 0 && fieldnum < fields.length) {
    if (++steps > MAX_STEPS) return null;
    const field = fields[fieldnum]!;
    const curr = getValue(field.name, d);
    const next = fieldNext(field, d);
    if (next === null) {
      ({ d, fieldnum } = increment(fields, d, fieldnum - 1));
    } else if (next > curr) {
      if (REAL[field.name]) {
        d = setField(fields, d, fieldnum, next);
        fieldnum += 1;
      } else {
        ({ d, fieldnum } = increment(fields, d, fieldnum));
      }
    } else {
      fieldnum += 1;
    }
  }
  return fieldnum >= 0 ? wallOfDt(d) : null;
}

// --- onto the time line -----------------------------------------------------------------------

/**
 * The first fire strictly after `afterMs` of the compiled fields in `tz`, or null when there is
 * none. DST as described at the top of this file.
 */
export function apsNextAfter(c: ApsCron, tz: string, afterMs: number): number | null {
  return c.fixedHour ? nextFixed(c, tz, afterMs) : nextElapsed(c, tz, afterMs);
}

/** Wildcard hours: walk the time line segment by segment (a segment keeps one UTC offset). */
function nextElapsed(c: ApsCron, tz: string, afterMs: number): number | null {
  let lo = afterMs + 1; // the first instant that may fire
  for (let guard = 0; guard < 10_000; guard++) {
    const o = offsetAt(tz, lo);
    const wall = apsWallAtOrAfter(c, lo + o);
    if (wall === null) return null;
    const candidate = wall - o;
    const tr = firstTransitionIn(tz, lo, candidate);
    if (tr === null) return candidate;
    lo = tr; // no match before the offset changed; go on with the new offset
  }
  return null;
}

/**
 * Fixed hours: each matching wall time fires once: at its only instant, at its first occurrence
 * when the clock repeats it, or at the end of the gap when the clock skips it.
 */
function nextFixed(c: ApsCron, tz: string, afterMs: number): number | null {
  let from = afterMs + offsetAt(tz, afterMs) + 1; // wall times strictly after the wall clock at afterMs
  for (let guard = 0; guard < 10_000; guard++) {
    const wall = apsWallAtOrAfter(c, from);
    if (wall === null) return null;
    const w = instantsForWall(tz, wall);
    const at = w.instants[0] ?? w.afterGap!;
    if (at > afterMs) return at;
    // Already fired at the first pass of a repeated hour: skip what is left of the repetition.
    from = Math.max(wall + 1, w.overlapEndsAt ?? 0);
  }
  return null;
}

// --- intervals ------------------------------------------------------------------------------------

export interface ApsInterval {
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** The length of an APScheduler interval in ms; a total of zero is one second, as IntervalTrigger makes it. */
export function apsIntervalMs(i: ApsInterval): number {
  const ms =
    ((i.weeks ?? 0) * 7 * 86_400 + (i.days ?? 0) * 86_400 + (i.hours ?? 0) * 3600 + (i.minutes ?? 0) * 60 + (i.seconds ?? 0)) * 1000;
  return Math.round(ms) === 0 ? 1000 : Math.round(ms);
}

/** Flask-APScheduler's extract_timedelta: whole weeks, days, hours, minutes, seconds of a length. */
export function apsIntervalParts(ms: number): Required<ApsInterval> {
  const totalSeconds = Math.floor(ms / 1000);
  const totalDays = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  return {
    weeks: Math.floor(totalDays / 7),
    days: totalDays % 7,
    hours: Math.floor(rest / 3600),
    minutes: Math.floor((rest % 3600) / 60),
    seconds: rest % 60,
  };
}

/** Python's str(timedelta): `0:00:10`, `1:30:00`, `2 days, 0:00:00`. */
export function pythonTimedeltaStr(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, "0")}:${String(rest % 60).padStart(2, "0")}`;
  return days === 0 ? hms : `${days} day${days === 1 ? "" : "s"}, ${hms}`;
}
