// Job-level schedule rules on top of a trigger: startAt / endAt / maxRuns, the slots a
// misfire catch-up covers, and per-run jitter. Pure: no I/O, no clock; instants are epoch ms.
import { nextFireAfter, type Trigger } from "./trigger.ts";

/** A job's limits. startAt and endAt are inclusive: a fire exactly at either counts. */
export interface Bounds {
  startAt: number | null;
  endAt: number | null;
  maxRuns: number | null;
}

const withinEnd = (f: number | null, b: Bounds): number | null => (f !== null && b.endAt !== null && f > b.endAt ? null : f);

/**
 * The first fire of a newly created (or resumed) job, or null if it will never fire.
 * - cron: the first fire at or after max(nowMs, startAt).
 * - interval: the first slot strictly after nowMs (the default anchor is the creation
 *   instant itself, which does not fire), or, when startAt is later than now, the first slot
 *   at or after startAt.
 * - date: `at`, even when slightly in the past (`"now"`), unless it is before startAt.
 * null when maxRuns is 0 or the fire would be after endAt.
 */
export function firstFire(t: Trigger, b: Bounds, nowMs: number): number | null {
  if (b.maxRuns !== null && b.maxRuns <= 0) return null;
  const startAt = b.startAt;
  switch (t.type) {
    case "cron":
    case "fields": {
      const from = startAt !== null && startAt > nowMs ? startAt : nowMs;
      return withinEnd(nextFireAfter(t, from - 1), b);
    }
    case "interval": {
      const f = startAt !== null && startAt > nowMs ? nextFireAfter(t, startAt - 1) : nextFireAfter(t, nowMs);
      return withinEnd(f, b);
    }
    case "date":
      if (startAt !== null && t.at < startAt) return null;
      return withinEnd(t.at, b);
  }
}

/**
 * The fire after one at `afterMs`, given that `runCount` runs have happened (counting that
 * one): null once runCount >= maxRuns, past endAt, or for a date trigger (it fires once).
 * Never before startAt.
 */
export function nextFireFrom(t: Trigger, b: Bounds, afterMs: number, runCount: number): number | null {
  if (t.type === "date") return null;
  if (b.maxRuns !== null && runCount >= b.maxRuns) return null;
  const from = b.startAt !== null && b.startAt - 1 > afterMs ? b.startAt - 1 : afterMs;
  return withinEnd(nextFireAfter(t, from), b);
}

/**
 * The fire times f with fromMs <= f <= toMs (both inclusive), inside [startAt, endAt], in
 * order, at most `limit` of them: the slots a misfire catch-up covers. Interval slots are
 * anchorAt + k*everyMs for k >= 0 (the anchor itself included). maxRuns is the caller's
 * business (it knows the run count), except that maxRuns 0 gives none.
 */
export function slotsBetween(t: Trigger, b: Bounds, fromMs: number, toMs: number, limit: number): number[] {
  const out: number[] = [];
  if (limit <= 0 || (b.maxRuns !== null && b.maxRuns <= 0)) return out;
  const lo = b.startAt !== null && b.startAt > fromMs ? b.startAt : fromMs;
  const hi = b.endAt !== null && b.endAt < toMs ? b.endAt : toMs;
  if (lo > hi) return out;
  switch (t.type) {
    case "date":
      if (t.at >= lo && t.at <= hi) out.push(t.at);
      return out;
    case "interval": {
      let f = nextFireAfter(t, lo - 1);
      while (f !== null && f <= hi && out.length < limit) {
        out.push(f);
        f += t.everyMs;
      }
      return out;
    }
    case "cron":
    case "fields": {
      let f = nextFireAfter(t, lo - 1);
      while (f !== null && f <= hi && out.length < limit) {
        out.push(f);
        f = nextFireAfter(t, f);
      }
      return out;
    }
  }
}

/**
 * A deterministic delay in [0, jitterMs) for one run, from a hash of its id: every instance
 * computes the same value for the same run, and runs of one job spread out. 0 when jitterMs
 * is 0 (or not a positive number).
 */
export function jitterFor(runId: string, jitterMs: number): number {
  const span = Math.floor(jitterMs);
  if (!Number.isFinite(span) || span <= 0) return 0;
  return hash53(runId) % span;
}

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
