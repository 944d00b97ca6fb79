// Wall-clock arithmetic in IANA time zones: offsets, wall time <-> instant, DST transitions, Python-style formatting.
// Pure: no I/O, no clock; instants are epoch ms, "wall" values are the local date-time read as if it were UTC (ms).

const FIXED_ZERO = new Set(["UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Zulu", "Zulu", "Etc/Universal", "Universal"]);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's UTC offset at an instant, in ms (east positive: Asia/Shanghai gives +8h). */
export function offsetAt(tz: string, instant: number): number {
  if (FIXED_ZERO.has(tz)) return 0;
  const whole = Math.floor(instant / 1000) * 1000;
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of formatter(tz).formatToParts(whole)) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      case "era":
        bc = p.value.startsWith("B");
        break;
    }
  }
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() - whole;
}

/** The wall clock at an instant, as "wall ms" (local date-time read as UTC). */
export function wallAt(tz: string, instant: number): number {
  return instant + offsetAt(tz, instant);
}

/**
 * The first instant in (lo, hi] whose offset differs from the offset at lo, or null when the
 * offset stays the same. Probes at most a day apart, then bisects to the millisecond.
 */
export function firstTransitionIn(tz: string, lo: number, hi: number): number | null {
  if (FIXED_ZERO.has(tz) || hi <= lo) return null;
  const o = offsetAt(tz, lo);
  let a = lo;
  while (a < hi) {
    const b = Math.min(hi, a + 86_400_000);
    if (offsetAt(tz, b) !== o) {
      let x = a; // offset(x) === o
      let y = b; // offset(y) !== o
      while (y - x > 1) {
        const mid = x + Math.floor((y - x) / 2);
        if (offsetAt(tz, mid) === o) x = mid;
        else y = mid;
      }
      return y;
    }
    a = b;
  }
  return null;
}

export interface WallInstants {
  /** Instants whose wall clock reads `wall`, earliest first: one normally, two in a fall-back overlap, none in a gap. */
  instants: number[];
  /** For a wall time inside a spring-forward gap: the first instant after the gap. */
  afterGap: number | null;
  /** For a wall time inside a fall-back overlap: the wall time at which the overlap ends (exclusive). */
  overlapEndsAt: number | null;
}

/** The instants at which the zone's clock reads `wall`. */
export function instantsForWall(tz: string, wall: number): WallInstants {
  if (FIXED_ZERO.has(tz)) return { instants: [wall], afterGap: null, overlapEndsAt: null };
  const offsets = new Set([offsetAt(tz, wall - 86_400_000), offsetAt(tz, wall), offsetAt(tz, wall + 86_400_000)]);
  const instants: number[] = [];
  for (const o of offsets) {
    const t = wall - o;
    if (offsetAt(tz, t) === o && !instants.includes(t)) instants.push(t);
  }
  instants.sort((a, b) => a - b);
  if (instants.length > 0) {
    let overlapEndsAt: number | null = null;
    if (instants.length > 1) {
      const oFirst = wall - instants[0]!;
      const tr = firstTransitionIn(tz, instants[0]!, instants[instants.length - 1]!);
      overlapEndsAt = tr === null ? null : tr + oFirst;
    }
    return { instants, afterGap: null, overlapEndsAt };
  }
  const os = [...offsets];
  const lo = wall - Math.max(...os);
  const hi = wall - Math.min(...os);
  return { instants, afterGap: firstTransitionIn(tz, lo, hi) ?? hi, overlapEndsAt: null };
}

/**
 * A local date-time in `tz` (a naive time, as Python reads `datetime(...)` in a zone) -> instant.
 * A time that occurs twice takes its first occurrence; a time inside a spring-forward gap takes
 * the first instant after the gap.
 */
export function instantOfWall(tz: string, wall: number): number {
  const w = instantsForWall(tz, wall);
  return w.instants[0] ?? w.afterGap!;
}

export interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

export function wallParts(wall: number): Parts {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

/** Wall ms of a local date-time; null for an impossible date (2026-02-30) or out-of-range parts. */
export function wallOf(p: Omit<Parts, "ms"> & { ms?: number }): number | null {
  const { year, month, day, hour, minute, second } = p;
  const ms = p.ms ?? 0;
  const ints = [year, month, day, hour, minute, second, ms];
  if (!ints.every((n) => Number.isInteger(n))) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0 || ms > 999) return null;
  if (day > daysInMonth(year, month)) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && !isLeap(year) ? -1 : 0);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const m = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant on the zone's wall clock. */
export function formatWall(instant: number, tz: string): string {
  const p = wallParts(wallAt(tz, instant));
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Python's `str(datetime)` of a naive local time: `YYYY-MM-DD HH:MM:SS[.ffffff]` (microseconds only when not zero). */
export function formatPythonStr(instant: number, tz: string): string {
  const ms = wallParts(wallAt(tz, instant)).ms;
  return formatWall(instant, tz) + (ms === 0 ? "" : `.${pad(ms, 3)}000`);
}

/** Python's `datetime.isoformat()` of an aware time in `tz`: `2025-12-01T12:30:01-06:00` (`.ffffff` only when not zero). */
export function formatIsoInZone(instant: number, tz: string): string {
  return formatIsoWithOffset(instant, offsetAt(tz, instant));
}

/** isoformat() with a fixed UTC offset (ms), as Python prints a datetime parsed with that offset. */
export function formatIsoWithOffset(instant: number, offsetMs: number): string {
  const p = wallParts(instant + offsetMs);
  const frac = p.ms === 0 ? "" : `.${pad(p.ms, 3)}000`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}${offsetText(offsetMs)}`;
}

const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

export interface ParsedDateTime {
  instant: number;
  /** The offset written in the text (ms), or null when the text had none and the zone decided. */
  offsetMs: number | null;
}

/**
 * A date or date-time as Python clients send them (`2021-01-27 13:31:00`, `2020-12-16 18:05:17.682862`,
 * `2025-12-01T12:30:01-06:00`, `2025-01-01`): with an offset or Z it is that instant; without one it is
 * a wall time in `tz` (see instantOfWall). Digits past milliseconds are dropped. null when unreadable.
 */
export function parseDateTime(text: string, tz: string): ParsedDateTime | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const wall = wallOf({
    year: Number(ys),
    month: Number(mos),
    day: Number(ds),
    hour: hs === undefined ? 0 : Number(hs),
    minute: mis === undefined ? 0 : Number(mis),
    second: ss === undefined ? 0 : Number(ss),
    ms: frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, "0")),
  });
  if (wall === null) return null;
  if (z) return { instant: wall, offsetMs: 0 };
  if (sign) {
    const oh = Number(ohs);
    const om = oms === undefined ? 0 : Number(oms);
    if (oh > 23 || om > 59) return null;
    const off = (sign === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
    return { instant: wall - off, offsetMs: off };
  }
  return { instant: instantOfWall(tz, wall), offsetMs: null };
}
