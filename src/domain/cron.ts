/**
 * Cron arithmetic. croner is used as a calculator only: no timers, no callbacks, and no
 * `Cron` object per job (each one allocates tens of KB, a 10,000-entry year table among
 * other things). Compiled patterns live in a small LRU cache keyed by expression and zone.
 * Pure: no I/O, no clock; every function takes the instant it works from, in epoch ms.
 *
 * ## Expressions
 *
 * - 5 fields `minute hour day-of-month month day-of-week` (minute precision, second 0);
 *   6 fields with a leading `second`; 7 fields with a leading `second` and a trailing `year`
 *   (1-9999), e.g. `0 0 12 * * * 2027`.
 * - Names (`JAN`-`DEC`, `SUN`-`SAT`, any case), ranges, lists, steps (`*\/15`, `10-50/20`),
 *   `?` (the same as `*`), `L` (last day of the month; `5L` / `FRI#L` last Friday),
 *   `W` (`15W`: the weekday nearest the 15th, never crossing into another month),
 *   `#` (`5#3`: the third Friday). Day-of-week 0 and 7 are both Sunday (crontab).
 * - Day-of-month and day-of-week are combined with OR when both are restricted, as in
 *   crontab and croner's default: `0 0 13 * 5` fires on every 13th AND on every Friday.
 *   Prefix the day-of-week with `+` (`0 0 13 * +5`) to require both (Friday the 13th).
 * - Nicknames (`@daily`) and ISO dates, which croner would also take, are refused: an
 *   expression has exactly 5, 6 or 7 fields.
 *
 * ## Daylight saving time
 *
 * An expression is read on the wall clock of its time zone. On the two days a year the wall
 * clock jumps, cronhook does this (the same rules for every zone and every size of jump):
 *
 * - **Fixed-hour expressions** (the hour field is a number, a list or a range without a
 *   step: `30 2 * * *`, `0 2,14 * * *`, `0 9-17 * * MON-FRI`, `*\/15 2 * * *`):
 *   - *Spring forward.* A time that does not exist that day (it falls in the skipped hour)
 *     fires once, at the first instant after the gap: `30 2 * * *` in Europe/Berlin fires on
 *     2026-03-29 at 03:00 local (01:00Z); in America/New_York on 2026-03-08 at 03:00 EDT
 *     (07:00Z). It is never lost. Several missing times (`*\/15 2 * * *`) collapse into that
 *     one fire, and a time the expression has at that instant anyway (`0 2,3 * * *`) is not
 *     fired twice.
 *   - *Fall back.* A time that occurs twice fires once, at its first occurrence (the
 *     summer-time one): `30 2 * * *` in Europe/Berlin fires on 2026-10-25 at 02:30 CEST
 *     (00:30Z) and not again at 02:30 CET; `*\/15 2 * * *` fires 4 times that day, not 8.
 * - **Wildcard or step hours** (`*\/15 * * * *`, `0 * * * *`, `0 *\/2 * * *`,
 *   `0 0-23/2 * * *`) run on real elapsed time:
 *   - *Spring forward.* Times inside the skipped hour never occur and are skipped:
 *     `*\/15 * * * *` in Europe/Berlin goes 01:45 CET -> 03:00 CEST, 15 real minutes apart.
 *   - *Fall back.* The repeated hour fires in both passes: `*\/15 * * * *` goes 02:45 CEST,
 *     02:00 CET, 02:15 CET, ... every 15 real minutes; `0 * * * *` fires at 02:00 CEST and
 *     at 02:00 CET, one hour apart. There is never a one-hour hole and never two fires at
 *     the same instant.
 *
 * How: croner already implements these rules for what it calls fixed-time jobs and
 * interval jobs, but decides which is which differently: by default only a single value in
 * each of second, minute and hour is fixed-time, so `0 2,14 * * *` and `*\/15 2 * * *` would
 * fire twice in the repeated hour and `*\/15 2 * * *` would lose its spring-forward fires.
 * We compile with `fixedTimeRule: "no-wildcard"` (lists and ranges count as fixed) and, when
 * the hour field is fixed, rewrite wildcard/step second and minute fields into the explicit
 * list of values they stand for (`*\/15` -> `0,15,30,45`), which croner then treats as
 * fixed-time. The unit tests pin the resulting instants.
 */
import { Cron, CronPattern } from "croner";

type Mode = "5-part" | "6-part" | "7-part";

interface Compiled {
  /** The croner object reading the pattern in the IANA zone (slow: Intl per step); made on first need. */
  zoned: Cron | null;
  /** The same pattern at a fixed UTC offset (minutes), one per offset the zone uses: ~25x cheaper. */
  byOffset: Map<number, Cron>;
  effective: string;
  mode: Mode;
  timezone: string;
  /** The hour field has no wildcard or step: fixed-hour DST rules apply. */
  fixedHour: boolean;
}

const CACHE_SIZE = 256;
const cache = new Map<string, Compiled>();

const FIELD_NAMES = ["second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"] as const;
const FIELD_RANGES: Record<(typeof FIELD_NAMES)[number], [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  "day-of-month": [1, 31],
  month: [1, 12],
  "day-of-week": [0, 7],
  year: [1, 9999],
};

/** The fields of an expression, and the name of each (5 fields: no second, no year). */
function splitFields(expr: string): { fields: string[]; names: (typeof FIELD_NAMES)[number][] } {
  const fields = expr.trim().split(/\s+/).filter((f) => f !== "");
  const names =
    fields.length === 5
      ? FIELD_NAMES.slice(1, 6)
      : fields.length === 6
        ? FIELD_NAMES.slice(0, 6)
        : FIELD_NAMES.slice(0, 7);
  return { fields, names };
}

function modeFor(fieldCount: number): Mode {
  return fieldCount === 5 ? "5-part" : fieldCount === 6 ? "6-part" : "7-part";
}

const isWild = (field: string): boolean => /[*?/]/.test(field);

/** 0/1 flags -> "0-4,10,20-22". */
function flagsToList(flags: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < flags.length) {
    if (!flags[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < flags.length && flags[j + 1]) j++;
    parts.push(i === j ? `${i}` : `${i}-${j}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** Compile (or fetch from the LRU cache). Throws croner's error on a bad expression. */
function compile(expr: string, timezone: string): Compiled {
  const key = expr + "\u0000" + timezone;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { fields } = splitFields(expr);
  if (fields.length < 5 || fields.length > 7) throw new Error(fieldCountMessage(fields.length));
  const mode = modeFor(fields.length);
  const hourIdx = fields.length === 5 ? 1 : 2;
  const fixedHour = !isWild(fields[hourIdx]!);
  let effective = fields.join(" ");
  if (fixedHour) {
    // See the DST section above: make croner treat every fixed-hour expression as fixed-time.
    const secIdx = fields.length === 5 ? -1 : 0;
    const minIdx = hourIdx - 1;
    const needsRewrite = isWild(fields[minIdx]!) || (secIdx >= 0 && isWild(fields[secIdx]!));
    if (needsRewrite) {
      const parsed = new CronPattern(effective, undefined, { mode });
      const rewritten = fields.slice();
      if (isWild(fields[minIdx]!)) rewritten[minIdx] = flagsToList(parsed.minute);
      if (secIdx >= 0 && isWild(fields[secIdx]!)) rewritten[secIdx] = flagsToList(parsed.second);
      effective = rewritten.join(" ");
    }
  }
  // Constructing with the zone validates the pattern (and the zone) now, not at the first fire.
  const zoned = new Cron(effective, { timezone, paused: true, mode, fixedTimeRule: "no-wildcard" });
  const compiled: Compiled = { zoned: isUtc(timezone) ? null : zoned, byOffset: new Map(), effective, mode, timezone, fixedHour };
  cache.set(key, compiled);
  if (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return compiled;
}

function fieldCountMessage(n: number): string {
  return `expected 5, 6 or 7 space-separated fields (minute hour day-of-month month day-of-week, with an optional leading second and trailing year), got ${n}`;
}

/** Number of compiled patterns held (for tests and metrics). */
export function cronCacheSize(): number {
  return cache.size;
}

/** Whether the expression's hour field is fixed (no `*`, `?` or step): fixed-hour DST rules. */
export function isFixedHourCron(expr: string): boolean {
  const { fields } = splitFields(expr);
  const hour = fields[fields.length === 5 ? 1 : 2];
  return hour !== undefined && !isWild(hour);
}

/**
 * null if `tz` is a time zone name the runtime knows (IANA, e.g. `Europe/Berlin`, `UTC`,
 * `Etc/GMT-2`), else a message. Offsets such as `+01:00` are refused: DST needs a zone.
 */
const knownZones = new Set<string>(["UTC"]);

export function validateTimezone(tz: string): string | null {
  if (typeof tz !== "string" || tz.trim() === "") return "time zone is empty; use an IANA name such as Europe/Berlin or UTC";
  if (tz !== tz.trim()) return `unknown time zone "${tz}" (remove the surrounding spaces)`;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) {
    return `unknown time zone "${tz}": use an IANA name such as Europe/Berlin or UTC, not an offset`;
  }
  if (knownZones.has(tz)) return null;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz }); // costs ~1 ms: remember the answer
    if (knownZones.size < 10_000) knownZones.add(tz);
    return null;
  } catch {
    return `unknown time zone "${tz}": use an IANA name such as Europe/Berlin, America/New_York or UTC`;
  }
}

/** Out-of-range numbers in one field, with readable bounds (croner reports them 0-based). */
function rangeProblem(field: string, name: (typeof FIELD_NAMES)[number]): string | null {
  const [lo, hi] = FIELD_RANGES[name];
  for (const m of field.matchAll(/[/#]?\d+/g)) {
    const tok = m[0];
    if (tok.startsWith("/")) {
      if (Number(tok.slice(1)) === 0) return `${name} field "${field}": a step must be at least 1`;
      continue;
    }
    if (tok.startsWith("#")) {
      const n = Number(tok.slice(1));
      if (n < 1 || n > 5) return `${name} field "${field}": #${n} is not an occurrence 1-5 (or #L for the last)`;
      continue;
    }
    const v = Number(tok);
    if (v < lo || v > hi) return `${name} field "${field}": ${v} is out of range ${lo}-${hi}`;
  }
  return null;
}

function cleanCronerMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .replace(/^CronPattern:\s*/, "")
    .replace(/configuration entry \d+ \([^)]*\) /, "")
    .replace(/\.$/, "");
}

/**
 * null if `expr` is a valid expression in `timezone` that fires at least once after
 * `fromMs` (default: the epoch), else a message for a human: wrong number of fields, a bad
 * field (named), an unknown zone, or an expression that never fires (`0 0 30 2 *`, a year
 * in the past).
 */
export function validateCron(expr: string, timezone: string, fromMs = 0): string | null {
  const tzProblem = validateTimezone(timezone);
  if (tzProblem) return tzProblem;
  if (typeof expr !== "string" || expr.trim() === "") return "cron expression is empty";
  const { fields, names } = splitFields(expr);
  if (fields.length < 5 || fields.length > 7) {
    const hint = fields.length === 1 && fields[0]!.startsWith("@") ? " (nicknames like @daily are not supported; use 0 0 * * *)" : "";
    return fieldCountMessage(fields.length) + hint;
  }
  for (let i = 0; i < fields.length; i++) {
    const p = rangeProblem(fields[i]!, names[i]!);
    if (p) return p;
  }
  try {
    compile(expr, timezone);
  } catch (e) {
    // Name the field: compile each one alone, the others wildcards.
    for (let i = 0; i < fields.length; i++) {
      const alone = fields.map((f, j) => (j === i ? f : "*"));
      try {
        new CronPattern(alone.join(" "), undefined, { mode: modeFor(fields.length) });
      } catch (fe) {
        return `invalid ${names[i]} field "${fields[i]}": ${cleanCronerMessage(fe)}`;
      }
    }
    return `invalid cron expression: ${cleanCronerMessage(e)}`;
  }
  if (cronNextAfter(expr, timezone, fromMs) === null) {
    return fromMs === 0 ? "the expression never fires" : `the expression never fires after ${new Date(fromMs).toISOString()}`;
  }
  return null;
}

/**
 * The first fire time strictly after `afterMs` (epoch ms), under the DST rules above;
 * null when there is none (a year in the past, an impossible date). Throws on an invalid
 * expression or zone: call validateCron first.
 */
export function cronNextAfter(expr: string, timezone: string, afterMs: number): number | null {
  const c = compile(expr, timezone);
  try {
    // Fast path: between two offset changes a zone is a fixed UTC offset. When the offset at `after`
    // and at the answer agree (and they are at most a week apart, so no change can hide between),
    // the fixed-offset answer is the zoned one; across a DST change the zoned object decides.
    const off = offsetMinutes(timezone, afterMs);
    let fixed = c.byOffset.get(off);
    if (!fixed) {
      fixed = new Cron(c.effective, { utcOffset: off, paused: true, mode: c.mode, fixedTimeRule: "no-wildcard" });
      c.byOffset.set(off, fixed);
    }
    const quick = fixed.nextRun(new Date(afterMs));
    if (quick === null && isUtc(timezone)) return null;
    if (quick !== null) {
      const t = quick.getTime();
      // Also no change in the 3 hours before `after`: inside the second pass of a repeated hour the
      // fixed-hour rule (fire at the first pass only) needs the zoned object.
      if (isUtc(timezone) || (t - afterMs <= WEEK_MS && offsetMinutes(timezone, t) === off && offsetMinutes(timezone, afterMs - 3 * 3_600_000) === off)) return t;
    }
    c.zoned ??= new Cron(c.effective, { timezone, paused: true, mode: c.mode, fixedTimeRule: "no-wildcard" });
    const next = c.zoned.nextRun(new Date(afterMs));
    return next ? next.getTime() : null;
  } catch {
    return null; // outside the calendar croner handles (past year 9999)
  }
}

const WEEK_MS = 7 * 86_400_000;
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0"]);
function isUtc(tz: string): boolean {
  return UTC_NAMES.has(tz);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** The zone's UTC offset in minutes at an instant (e.g. Europe/Berlin in July: 120). */
export function offsetMinutes(timezone: string, ms: number): number {
  if (isUtc(timezone)) return 0;
  // Offsets change on whole minutes: memoize per zone and minute (formatToParts costs microseconds).
  const key = `${timezone}\u0000${Math.floor(ms / 60_000)}`;
  const hit = offsetMemo.get(key);
  if (hit !== undefined) return hit;
  const v = computeOffset(timezone, ms);
  if (offsetMemo.size >= 20_000) offsetMemo.clear();
  offsetMemo.set(key, v);
  return v;
}

const offsetMemo = new Map<string, number>();

function computeOffset(timezone: string, ms: number): number {
  let f = offsetFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    if (offsetFormats.size > 1000) offsetFormats.clear();
    offsetFormats.set(timezone, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(name);
  if (!m) return 0;
  const sign = m[1] === "-" ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60);
}
