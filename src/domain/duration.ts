// Durations: "500ms", "10s", "5m", "1h30m", "2d", "1w" (or a number of milliseconds) <-> ms.
// Pure: no I/O, no clock.

const UNIT_MS = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;

type Unit = keyof typeof UNIT_MS;

/** Largest first, the order formatDuration writes them in. */
const UNITS_DESC: readonly Unit[] = ["w", "d", "h", "m", "s", "ms"];

const WHOLE = /^\s*(?:\d+\s*(?:ms|s|m|h|d|w)\s*)+$/;
const PART = /(\d+)\s*(ms|s|m|h|d|w)/g;

/**
 * A duration in milliseconds.
 *
 * - a number: a non-negative safe integer of milliseconds (`1500`);
 * - a string of digits only: milliseconds (`"1500"`);
 * - a string of one or more `<integer><unit>` parts, units `ms`, `s`, `m`, `h`, `d`, `w`
 *   (lower case; `m` is minutes), optionally separated by spaces: `"500ms"`, `"1h30m"`,
 *   `"1h 30m"`, `"2d"`, `"1w"`. The parts are added up.
 *
 * Throws a plain `Error` with a readable message on anything else: empty strings, signs,
 * fractions, unknown units, NaN, Infinity, non-integers, values past Number.MAX_SAFE_INTEGER.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new Error(`duration must be a finite number of milliseconds, got ${input}`);
    if (!Number.isInteger(input)) throw new Error(`duration must be a whole number of milliseconds, got ${input}`);
    if (input < 0) throw new Error(`duration must not be negative, got ${input}`);
    if (!Number.isSafeInteger(input)) throw new Error(`duration is too large: ${input}`);
    return input;
  }
  if (typeof input !== "string") throw new Error("duration must be a string like \"90s\" or a number of milliseconds");
  const s = input.trim();
  if (s === "") throw new Error("duration is empty; use e.g. \"500ms\", \"10s\", \"5m\", \"1h30m\", \"2d\", \"1w\"");
  if (/^\d+$/.test(s)) return checkSafe(Number(s), input);
  if (s.startsWith("-")) throw new Error(`duration must not be negative: "${input}"`);
  if (/\d[.,]\d/.test(s)) throw new Error(`duration must use whole numbers, no fractions: "${input}" (write 1h30m, not 1.5h)`);
  if (!WHOLE.test(s)) {
    throw new Error(
      `invalid duration "${input}": expected <integer><unit> parts with units ms, s, m, h, d, w (e.g. "500ms", "1h30m", "2d")`,
    );
  }
  let total = 0;
  for (const m of s.matchAll(PART)) {
    const n = Number(m[1]);
    const unit = m[2] as Unit;
    total += n * UNIT_MS[unit];
  }
  return checkSafe(total, input);
}

function checkSafe(ms: number, input: string): number {
  if (!Number.isSafeInteger(ms)) throw new Error(`duration is too large: "${input}"`);
  return ms;
}

/**
 * The compact form of a duration: `1h30m`, `500ms`, `1w2d`, `1m30s250ms`; `0ms` for zero.
 * parseDuration(formatDuration(x)) === x for every non-negative safe integer x.
 * Non-integers are rounded to the nearest millisecond; negatives get a leading "-".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return "0ms";
  let out = ms < 0 ? "-" : "";
  for (const unit of UNITS_DESC) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
