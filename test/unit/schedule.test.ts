import { describe, expect, test } from "bun:test";
import { type Bounds, firstFire, jitterFor, nextFireFrom, slotsBetween } from "../../src/domain/schedule.ts";
import type { Trigger } from "../../src/domain/trigger.ts";

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const isos = (ts: number[]): string[] => ts.map((t) => new Date(t).toISOString());

const NOW = ms("2026-06-01T12:00:00.000Z");
const open: Bounds = { startAt: null, endAt: null, maxRuns: null };
const bounds = (b: Partial<Bounds>): Bounds => ({ ...open, ...b });

const hourly: Trigger = { type: "cron", expr: "0 * * * *", timezone: "UTC" };
const every5m = (anchor: string): Trigger => ({ type: "interval", every: "5m", everyMs: 300_000, anchorAt: ms(anchor) });

describe("firstFire", () => {
  test("a cron job fires at the first slot at or after now", () => {
    expect(iso(firstFire(hourly, open, NOW))).toBe("2026-06-01T12:00:00.000Z");
    expect(iso(firstFire(hourly, open, NOW + 1))).toBe("2026-06-01T13:00:00.000Z");
  });

  test("a cron job with a later startAt fires at the first slot at or after startAt", () => {
    expect(iso(firstFire(hourly, bounds({ startAt: ms("2026-07-01T00:30:00Z") }), NOW))).toBe("2026-07-01T01:00:00.000Z");
    expect(iso(firstFire(hourly, bounds({ startAt: ms("2026-07-01T01:00:00Z") }), NOW))).toBe("2026-07-01T01:00:00.000Z");
  });

  test("a startAt already past does not hold a cron job back", () => {
    expect(iso(firstFire(hourly, bounds({ startAt: ms("2026-01-01T00:00:00Z") }), NOW + 1))).toBe(
      "2026-06-01T13:00:00.000Z",
    );
  });

  test("an interval anchored at creation does not fire at creation but one period later", () => {
    expect(iso(firstFire(every5m("2026-06-01T12:00:00Z"), open, NOW))).toBe("2026-06-01T12:05:00.000Z");
  });

  test("an interval with a later startAt fires at its first slot at or after startAt", () => {
    const t = every5m("2026-06-01T12:00:00Z");
    expect(iso(firstFire(t, bounds({ startAt: ms("2026-06-01T12:07:00Z") }), NOW))).toBe("2026-06-01T12:10:00.000Z");
    expect(iso(firstFire(t, bounds({ startAt: ms("2026-06-01T12:10:00Z") }), NOW))).toBe("2026-06-01T12:10:00.000Z");
  });

  test("an interval anchored in the future fires at its anchor; anchored in the past, at its next slot", () => {
    expect(iso(firstFire(every5m("2026-06-02T00:00:00Z"), open, NOW))).toBe("2026-06-02T00:00:00.000Z");
    expect(iso(firstFire(every5m("2026-06-01T11:58:00Z"), open, NOW))).toBe("2026-06-01T12:03:00.000Z");
  });

  test("a date job fires at its time even when that is a moment ago", () => {
    const t: Trigger = { type: "date", at: NOW - 3_000 };
    expect(iso(firstFire(t, open, NOW))).toBe("2026-06-01T11:59:57.000Z");
  });

  test("a date job before its startAt or after its endAt never fires", () => {
    const t: Trigger = { type: "date", at: ms("2026-06-10T00:00:00Z") };
    expect(firstFire(t, bounds({ startAt: ms("2026-06-11T00:00:00Z") }), NOW)).toBeNull();
    expect(firstFire(t, bounds({ endAt: ms("2026-06-09T00:00:00Z") }), NOW)).toBeNull();
    expect(iso(firstFire(t, bounds({ endAt: ms("2026-06-10T00:00:00Z") }), NOW))).toBe("2026-06-10T00:00:00.000Z");
  });

  test("maxRuns 0 never fires", () => {
    expect(firstFire(hourly, bounds({ maxRuns: 0 }), NOW)).toBeNull();
    expect(firstFire({ type: "date", at: NOW }, bounds({ maxRuns: 0 }), NOW)).toBeNull();
  });

  test("an endAt before the first slot means no fire; endAt exactly on it is inclusive", () => {
    expect(firstFire(hourly, bounds({ endAt: ms("2026-06-01T12:59:59.999Z") }), NOW + 1)).toBeNull();
    expect(iso(firstFire(hourly, bounds({ endAt: ms("2026-06-01T13:00:00Z") }), NOW + 1))).toBe(
      "2026-06-01T13:00:00.000Z",
    );
  });

  test("a cron job whose year is over has no first fire", () => {
    const t: Trigger = { type: "cron", expr: "0 0 12 * * * 2025", timezone: "UTC" };
    expect(firstFire(t, open, NOW)).toBeNull();
  });
});

describe("nextFireFrom", () => {
  const at13 = ms("2026-06-01T13:00:00Z");

  test("a cron job's next fire is the slot after the one that just fired", () => {
    expect(iso(nextFireFrom(hourly, open, at13, 1))).toBe("2026-06-01T14:00:00.000Z");
  });

  test("an interval's next fire is one period after the slot that just fired", () => {
    expect(iso(nextFireFrom(every5m("2026-06-01T12:00:00Z"), open, ms("2026-06-01T12:05:00Z"), 1))).toBe(
      "2026-06-01T12:10:00.000Z",
    );
  });

  test("once runCount reaches maxRuns there is no next fire", () => {
    expect(iso(nextFireFrom(hourly, bounds({ maxRuns: 3 }), at13, 2))).toBe("2026-06-01T14:00:00.000Z");
    expect(nextFireFrom(hourly, bounds({ maxRuns: 3 }), at13, 3)).toBeNull();
    expect(nextFireFrom(hourly, bounds({ maxRuns: 3 }), at13, 4)).toBeNull();
  });

  test("a next fire after endAt is none; one exactly at endAt still fires", () => {
    expect(iso(nextFireFrom(hourly, bounds({ endAt: ms("2026-06-01T14:00:00Z") }), at13, 1))).toBe(
      "2026-06-01T14:00:00.000Z",
    );
    expect(nextFireFrom(hourly, bounds({ endAt: ms("2026-06-01T13:59:59.999Z") }), at13, 1)).toBeNull();
  });

  test("a date job has no next fire", () => {
    expect(nextFireFrom({ type: "date", at: at13 }, open, at13, 0)).toBeNull();
  });

  test("the next fire is never before startAt", () => {
    expect(iso(nextFireFrom(hourly, bounds({ startAt: ms("2026-06-02T05:30:00Z") }), at13, 1))).toBe(
      "2026-06-02T06:00:00.000Z",
    );
  });
});

describe("slotsBetween", () => {
  const everyMinute: Trigger = { type: "interval", every: "1m", everyMs: 60_000, anchorAt: ms("2026-06-01T12:00:00Z") };

  test("lists interval slots with both ends inclusive", () => {
    const slots = slotsBetween(everyMinute, open, ms("2026-06-01T12:00:00Z"), ms("2026-06-01T12:10:00Z"), 100);
    expect(slots).toHaveLength(11);
    expect(iso(slots[0]!)).toBe("2026-06-01T12:00:00.000Z");
    expect(iso(slots[10]!)).toBe("2026-06-01T12:10:00.000Z");
  });

  test("stops at the limit, keeping the earliest slots", () => {
    expect(isos(slotsBetween(everyMinute, open, ms("2026-06-01T12:00:30Z"), ms("2026-06-01T13:00:00Z"), 3))).toEqual([
      "2026-06-01T12:01:00.000Z",
      "2026-06-01T12:02:00.000Z",
      "2026-06-01T12:03:00.000Z",
    ]);
  });

  test("clips to startAt and endAt", () => {
    const b = bounds({ startAt: ms("2026-06-01T12:05:00Z"), endAt: ms("2026-06-01T12:07:00Z") });
    expect(isos(slotsBetween(everyMinute, b, ms("2026-06-01T11:00:00Z"), ms("2026-06-01T13:00:00Z"), 100))).toEqual([
      "2026-06-01T12:05:00.000Z",
      "2026-06-01T12:06:00.000Z",
      "2026-06-01T12:07:00.000Z",
    ]);
  });

  test("lists cron slots in real-time order through a fall-back hour", () => {
    const t: Trigger = { type: "cron", expr: "*/15 * * * *", timezone: "Europe/Berlin" };
    expect(isos(slotsBetween(t, open, ms("2026-10-25T00:30:00Z"), ms("2026-10-25T01:30:00Z"), 100))).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T00:45:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:15:00.000Z",
      "2026-10-25T01:30:00.000Z",
    ]);
  });

  test("lists a cron job's slots up to its limit", () => {
    expect(isos(slotsBetween(hourly, open, ms("2026-06-01T00:00:00Z"), ms("2026-06-02T00:00:00Z"), 2))).toEqual([
      "2026-06-01T00:00:00.000Z",
      "2026-06-01T01:00:00.000Z",
    ]);
  });

  test("a date job has its one slot inside the window and none outside", () => {
    const t: Trigger = { type: "date", at: ms("2026-06-01T12:30:00Z") };
    expect(isos(slotsBetween(t, open, ms("2026-06-01T12:00:00Z"), ms("2026-06-01T12:30:00Z"), 10))).toEqual([
      "2026-06-01T12:30:00.000Z",
    ]);
    expect(slotsBetween(t, open, ms("2026-06-01T12:30:00.001Z"), ms("2026-06-01T13:00:00Z"), 10)).toEqual([]);
  });

  test("an empty window, a zero limit or maxRuns 0 give no slots", () => {
    expect(slotsBetween(everyMinute, open, ms("2026-06-01T12:10:00Z"), ms("2026-06-01T12:00:00Z"), 10)).toEqual([]);
    expect(slotsBetween(everyMinute, open, ms("2026-06-01T12:00:00Z"), ms("2026-06-01T12:10:00Z"), 0)).toEqual([]);
    expect(slotsBetween(everyMinute, bounds({ maxRuns: 0 }), ms("2026-06-01T12:00:00Z"), ms("2026-06-01T12:10:00Z"), 10)).toEqual([]);
  });
});

describe("jitterFor", () => {
  test("is the same for the same run id on every call", () => {
    expect(jitterFor("run-1", 1000)).toBe(453);
    expect(jitterFor("run-1", 1000)).toBe(453);
    expect(jitterFor("0193b7c2-0000-7000-8000-000000000001", 60_000)).toBe(4412);
  });

  test("is 0 without jitter", () => {
    expect(jitterFor("run-1", 0)).toBe(0);
    expect(jitterFor("run-1", 1)).toBe(0);
    expect(jitterFor("run-1", -5)).toBe(0);
    expect(jitterFor("run-1", Number.NaN)).toBe(0);
  });

  test("stays in [0, jitterMs) and spreads runs across the range", () => {
    const values = Array.from({ length: 2000 }, (_, i) => jitterFor(`run-${i}`, 60_000));
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(60_000);
    }
    expect(new Set(values).size).toBeGreaterThan(1900);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(27_000);
    expect(mean).toBeLessThan(33_000);
    expect(Math.min(...values)).toBeLessThan(1_000);
    expect(Math.max(...values)).toBeGreaterThan(59_000);
  });
});
