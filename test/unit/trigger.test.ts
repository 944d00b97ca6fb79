import { describe, expect, test } from "bun:test";
import { Invalid } from "../../src/domain/errors.ts";
import {
  nextFireAfter,
  normalizeTrigger,
  parseIsoInstant,
  triggerToOut,
  type Trigger,
} from "../../src/domain/trigger.ts";
import type { TriggerInput } from "../../src/domain/trigger-schema.ts";

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

const NOW = ms("2026-06-01T12:00:00.000Z");

/** The Invalid thrown by normalizeTrigger, or a failure if it does not throw one. */
function invalid(input: TriggerInput, now = NOW): Invalid {
  try {
    normalizeTrigger(input, now);
  } catch (e) {
    if (e instanceof Invalid) return e;
    throw e;
  }
  throw new Error(`expected Invalid for ${JSON.stringify(input)}`);
}

function expectInvalidAt(input: TriggerInput, path: string, message?: RegExp): void {
  const e = invalid(input);
  expect(e.code).toBe("invalid_trigger");
  expect(e.status).toBe(400);
  expect(e.errors).toHaveLength(1);
  expect(e.errors?.[0]?.path).toBe(path);
  if (message) expect(e.errors?.[0]?.message).toMatch(message);
}

describe("parseIsoInstant", () => {
  test.each([
    ["2026-12-01T07:00:00+08:00", "2026-11-30T23:00:00.000Z"],
    ["2026-12-01T07:00:00Z", "2026-12-01T07:00:00.000Z"],
    ["2026-12-01t07:00:00z", "2026-12-01T07:00:00.000Z"],
    ["2026-12-01T07:00Z", "2026-12-01T07:00:00.000Z"],
    ["2026-12-01T07:00:00.5Z", "2026-12-01T07:00:00.500Z"],
    ["2026-12-01T07:00:00.123456789Z", "2026-12-01T07:00:00.123Z"],
    ["2026-12-01T07:00:00-05:30", "2026-12-01T12:30:00.000Z"],
    ["2026-12-01T07:00:00+0530", "2026-12-01T01:30:00.000Z"],
    ["2026-12-01T07:00:00-05", "2026-12-01T12:00:00.000Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"],
  ])("reads %p as %p", (input, expected) => {
    expect(iso(parseIsoInstant(input))).toBe(expected);
  });

  test.each([
    "2026-12-01T07:00:00",
    "2026-12-01",
    "2026-12-01 07:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-12-01T24:00:00Z",
    "2026-12-01T07:60:00Z",
    "2026-12-01T07:00:60Z",
    "2026-12-01T07:00:00+25:00",
    "1733036400000",
    "tomorrow",
    "",
  ])("refuses %p", (input) => {
    expect(parseIsoInstant(input)).toBeNull();
  });
});

describe("normalizeTrigger: cron", () => {
  test("defaults the time zone to UTC and keeps the expression as given", () => {
    expect(normalizeTrigger({ type: "cron", expr: "0 */5 * * * *" }, NOW)).toEqual({
      type: "cron",
      expr: "0 */5 * * * *",
      timezone: "UTC",
    });
  });

  test("keeps a valid IANA time zone", () => {
    expect(normalizeTrigger({ type: "cron", expr: "0 2 * * *", timezone: "Asia/Shanghai" }, NOW)).toEqual({
      type: "cron",
      expr: "0 2 * * *",
      timezone: "Asia/Shanghai",
    });
  });

  test("a bad expression is Invalid at trigger.expr", () => {
    expectInvalidAt({ type: "cron", expr: "61 * * * *" }, "trigger.expr", /minute.*0-59/);
    expectInvalidAt({ type: "cron", expr: "* * * *" }, "trigger.expr", /got 4/);
    expectInvalidAt({ type: "cron", expr: "every tuesday please" }, "trigger.expr");
  });

  test("an expression that never fires after now is Invalid at trigger.expr", () => {
    expectInvalidAt({ type: "cron", expr: "0 0 12 * * * 2025" }, "trigger.expr", /never fires after 2026-06-01T12:00:00.000Z/);
    expectInvalidAt({ type: "cron", expr: "0 0 30 2 *" }, "trigger.expr", /never fires/);
  });

  test("an unknown time zone is Invalid at trigger.timezone", () => {
    expectInvalidAt({ type: "cron", expr: "0 0 * * *", timezone: "Europe/Atlantis" }, "trigger.timezone", /unknown time zone/);
    expectInvalidAt({ type: "cron", expr: "0 0 * * *", timezone: "+08:00" }, "trigger.timezone");
  });

  test("the message of the error carries the path", () => {
    expect(invalid({ type: "cron", expr: "0 0 * * *", timezone: "Nowhere/Land" }).message).toMatch(/^trigger\.timezone: /);
  });
});

describe("normalizeTrigger: interval", () => {
  test("reads a duration string, keeps it for display and anchors at now by default", () => {
    expect(normalizeTrigger({ type: "interval", every: "90s" }, NOW)).toEqual({
      type: "interval",
      every: "90s",
      everyMs: 90_000,
      anchorAt: NOW,
    });
  });

  test("takes a number of milliseconds", () => {
    expect(normalizeTrigger({ type: "interval", every: 1500 }, NOW)).toEqual({
      type: "interval",
      every: 1500,
      everyMs: 1500,
      anchorAt: NOW,
    });
  });

  test("reads anchorAt with its offset", () => {
    const t = normalizeTrigger({ type: "interval", every: "1h", anchorAt: "2026-01-01T00:30:00+01:00" }, NOW);
    expect(t.type === "interval" && iso(t.anchorAt)).toBe("2025-12-31T23:30:00.000Z");
  });

  test("accepts exactly 100 ms and exactly 366 days", () => {
    expect(normalizeTrigger({ type: "interval", every: "100ms" }, NOW)).toMatchObject({ everyMs: 100 });
    expect(normalizeTrigger({ type: "interval", every: "366d" }, NOW)).toMatchObject({ everyMs: 31_622_400_000 });
  });

  test("an interval under 100 ms or over 366 days is Invalid at trigger.every", () => {
    expectInvalidAt({ type: "interval", every: "99ms" }, "trigger.every", /at least 100ms/);
    expectInvalidAt({ type: "interval", every: 0 }, "trigger.every", /at least 100ms/);
    expectInvalidAt({ type: "interval", every: "367d" }, "trigger.every", /at most 366 days/);
  });

  test("a malformed duration is Invalid at trigger.every", () => {
    expectInvalidAt({ type: "interval", every: "1.5h" }, "trigger.every", /fractions/);
    expectInvalidAt({ type: "interval", every: "10 parsecs" }, "trigger.every", /invalid duration/);
    expectInvalidAt({ type: "interval", every: -1000 }, "trigger.every", /negative/);
    expectInvalidAt({ type: "interval", every: 1000.5 }, "trigger.every", /whole number/);
  });

  test("an anchorAt without offset, or garbage, is Invalid at trigger.anchorAt", () => {
    expectInvalidAt({ type: "interval", every: "1m", anchorAt: "2026-01-01T00:00:00" }, "trigger.anchorAt", /offset or Z/);
    expectInvalidAt({ type: "interval", every: "1m", anchorAt: "last tuesday" }, "trigger.anchorAt");
  });
});

describe("normalizeTrigger: date", () => {
  test('"now" fires at now', () => {
    expect(normalizeTrigger({ type: "date", at: "now" }, NOW)).toEqual({ type: "date", at: NOW });
  });

  test("reads an ISO time with its offset", () => {
    const t = normalizeTrigger({ type: "date", at: "2026-12-01T07:00:00+08:00" }, NOW);
    expect(t.type === "date" && iso(t.at)).toBe("2026-11-30T23:00:00.000Z");
  });

  test("allows up to 5 s in the past (it then fires at once)", () => {
    const t = normalizeTrigger({ type: "date", at: "2026-06-01T11:59:55Z" }, NOW);
    expect(t.type === "date" && iso(t.at)).toBe("2026-06-01T11:59:55.000Z");
  });

  test("more than 5 s in the past is Invalid at trigger.at", () => {
    expectInvalidAt({ type: "date", at: "2026-06-01T11:59:54.999Z" }, "trigger.at", /is in the past/);
    expectInvalidAt({ type: "date", at: "2020-01-01T00:00:00Z" }, "trigger.at", /is in the past/);
  });

  test("allows exactly 100 years ahead but not more", () => {
    expect(normalizeTrigger({ type: "date", at: "2126-06-01T12:00:00Z" }, NOW)).toEqual({
      type: "date",
      at: ms("2126-06-01T12:00:00Z"),
    });
    expectInvalidAt({ type: "date", at: "2126-06-01T12:00:00.001Z" }, "trigger.at", /more than 100 years ahead/);
  });

  test("a time without offset, or garbage, is Invalid at trigger.at", () => {
    expectInvalidAt({ type: "date", at: "2026-12-01T07:00:00" }, "trigger.at", /offset or Z/);
    expectInvalidAt({ type: "date", at: "soon" }, "trigger.at");
  });
});

describe("nextFireAfter", () => {
  const every90s: Trigger = { type: "interval", every: "90s", everyMs: 90_000, anchorAt: ms("2026-01-01T00:00:00Z") };

  test("an interval fires at its anchor when asked from before it", () => {
    expect(iso(nextFireAfter(every90s, ms("2025-06-01T00:00:00Z")))).toBe("2026-01-01T00:00:00.000Z");
    expect(iso(nextFireAfter(every90s, ms("2025-12-31T23:59:59.999Z")))).toBe("2026-01-01T00:00:00.000Z");
  });

  test("an interval fires at anchor + k * every, strictly after the given instant", () => {
    expect(iso(nextFireAfter(every90s, ms("2026-01-01T00:00:00Z")))).toBe("2026-01-01T00:01:30.000Z");
    expect(iso(nextFireAfter(every90s, ms("2026-01-01T00:01:29.999Z")))).toBe("2026-01-01T00:01:30.000Z");
    expect(iso(nextFireAfter(every90s, ms("2026-01-01T00:01:30Z")))).toBe("2026-01-01T00:03:00.000Z");
    expect(iso(nextFireAfter(every90s, ms("2026-01-02T00:00:00Z")))).toBe("2026-01-02T00:01:30.000Z");
  });

  test("an interval anchored off the minute keeps its phase", () => {
    const t: Trigger = { type: "interval", every: "1h", everyMs: 3_600_000, anchorAt: ms("2026-01-01T00:17:23.456Z") };
    expect(iso(nextFireAfter(t, ms("2026-03-05T10:00:00Z")))).toBe("2026-03-05T10:17:23.456Z");
  });

  test("a date fires once, strictly after the given instant", () => {
    const t: Trigger = { type: "date", at: ms("2026-12-01T00:00:00Z") };
    expect(iso(nextFireAfter(t, ms("2026-11-30T23:59:59.999Z")))).toBe("2026-12-01T00:00:00.000Z");
    expect(nextFireAfter(t, ms("2026-12-01T00:00:00Z"))).toBeNull();
  });

  test("a cron trigger follows its time zone and DST rules", () => {
    const t: Trigger = { type: "cron", expr: "30 2 * * *", timezone: "Europe/Berlin" };
    expect(iso(nextFireAfter(t, ms("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
  });
});

describe("triggerToOut", () => {
  test("writes instants as ISO strings and keeps the rest", () => {
    expect(triggerToOut({ type: "cron", expr: "0 2 * * *", timezone: "Asia/Shanghai" })).toEqual({
      type: "cron",
      expr: "0 2 * * *",
      timezone: "Asia/Shanghai",
    });
    expect(
      triggerToOut({ type: "interval", every: "90s", everyMs: 90_000, anchorAt: ms("2026-01-01T00:00:00+08:00") }),
    ).toEqual({ type: "interval", every: "90s", everyMs: 90_000, anchorAt: "2025-12-31T16:00:00.000Z" });
    expect(triggerToOut({ type: "date", at: ms("2026-12-01T07:00:00+08:00") })).toEqual({
      type: "date",
      at: "2026-11-30T23:00:00.000Z",
    });
  });

  test("a normalized trigger written out and read back is the same trigger", () => {
    const t = normalizeTrigger({ type: "interval", every: "5m", anchorAt: "2026-01-01T00:00:00Z" }, NOW);
    const out = triggerToOut(t);
    if (out.type !== "interval") throw new Error("expected interval");
    expect(normalizeTrigger({ type: "interval", every: out.every, anchorAt: out.anchorAt }, NOW)).toEqual(t);
  });
});
