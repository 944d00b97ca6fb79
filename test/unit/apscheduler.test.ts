// APScheduler 3 cron fields: fire times worked out by hand from APScheduler's documented rules, defaulting, errors, DST, intervals.
import { describe, expect, test } from "bun:test";
import {
  apsFieldStrings,
  apsIntervalMs,
  apsIntervalParts,
  apsNextAfter,
  compileApsCron,
  pythonTimedeltaStr,
  type ApsFieldValues,
} from "../../src/domain/apscheduler.ts";
import { formatIsoInZone, formatIsoWithOffset, formatPythonStr, formatWall, parseDateTime } from "../../src/domain/apscheduler-time.ts";
import { nextFireAfter, normalizeTrigger } from "../../src/domain/trigger.ts";
import { Invalid } from "../../src/domain/errors.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The first `n` fires strictly after `from`. */
function fires(fields: Record<string, string | number>, from: string, n: number, tz = "UTC"): (string | null)[] {
  const c = compileApsCron(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])) as ApsFieldValues);
  const out: (string | null)[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = apsNextAfter(c, tz, t);
    out.push(iso(next));
    if (next === null) break;
    t = next;
  }
  return out;
}

interface Case {
  name: string;
  fields: Record<string, string | number>;
  tz?: string;
  from: string;
  expect: (string | null)[];
  /** How the expected times follow from APScheduler's documented rules. */
  why: string;
}

// 2026-01-01 is a Thursday. 2026 is a common year that starts on a Thursday, so it has an ISO week 53.
const CASES: Case[] = [
  {
    name: "the documentation's defaulting example",
    fields: { day: 1, minute: 20 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-01T00:20:00.000Z", "2026-01-01T01:20:00.000Z"],
    why: "day=1, minute=20 -> year=* month=* day=1 week=* day_of_week=* hour=* minute=20 second=0: minute 20 of every hour on the 1st.",
  },
  {
    name: "the defaulting example rolls over to the next month after the last hour of the 1st",
    fields: { day: 1, minute: 20 },
    from: "2026-01-01T23:20:00Z",
    expect: ["2026-02-01T00:20:00.000Z"],
    why: "After 23:20 on the 1st no hour of that day is left; day=1 next matches on Feb 1 at hour 0 (hour is *).",
  },
  {
    name: "the seed's job3: day_of_week 0-6, hour 6, minute 0, second 0",
    fields: { day_of_week: "0-6", hour: 6, minute: 0, second: 0 },
    from: "2026-01-01T06:00:00Z",
    expect: ["2026-01-02T06:00:00.000Z", "2026-01-03T06:00:00.000Z"],
    why: "Every weekday number 0-6 is every day; the fire at exactly `from` is not repeated (strictly after).",
  },
  {
    name: "day_of_week 0 is Monday, not Sunday",
    fields: { day_of_week: 0 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-05T00:00:00.000Z", "2026-01-12T00:00:00.000Z"],
    why: "APScheduler counts 0 = Monday; Jan 5 2026 is the first Monday. hour/minute/second come after the given field and default to 0.",
  },
  {
    name: "weekday names: sun",
    fields: { day_of_week: "sun" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-04T00:00:00.000Z"],
    why: "sun = 6; Jan 4 2026 is the first Sunday.",
  },
  {
    name: "mon-fri skips the weekend",
    fields: { day_of_week: "mon-fri", hour: 9 },
    from: "2026-01-02T09:00:00Z",
    expect: ["2026-01-05T09:00:00.000Z"],
    why: "Friday 09:00 has fired; Saturday and Sunday are outside mon-fri, so Monday Jan 5 09:00 (minute/second default 0).",
  },
  {
    name: "day and day_of_week are ANDed: Friday the 13th",
    fields: { day: 13, day_of_week: "fri" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-02-13T00:00:00.000Z", "2026-03-13T00:00:00.000Z", "2026-11-13T00:00:00.000Z"],
    why: "All fields must match. A common year starting on Thursday has Friday-the-13ths in February, March and November (crontab's OR would fire on Jan 2, the first Friday).",
  },
  {
    name: "day=last",
    fields: { day: "last" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    why: "`last` is the last day of each month (Feb 2026 has 28 days).",
  },
  {
    name: "day=last fri",
    fields: { day: "last fri" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-30T00:00:00.000Z", "2026-02-27T00:00:00.000Z"],
    why: "Fridays of Jan 2026: 2, 9, 16, 23, 30; of Feb: 6, 13, 20, 27.",
  },
  {
    name: "the documentation's example: 3rd Friday of Jun-Aug and Nov-Dec, hours 0-3",
    fields: { month: "6-8,11-12", day: "3rd fri", hour: "0-3" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-06-19T00:00:00.000Z", "2026-06-19T01:00:00.000Z", "2026-06-19T02:00:00.000Z", "2026-06-19T03:00:00.000Z", "2026-07-17T00:00:00.000Z"],
    why: "June 1 2026 is a Monday (151 days after a Thursday), so its Fridays are 5, 12, 19; July 1 is a Wednesday, Fridays 3, 10, 17. minute and second default to 0.",
  },
  {
    name: "a 5th weekday only in months that have one",
    fields: { day: "5th mon" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-03-30T00:00:00.000Z"],
    why: "Mondays: Jan 5-26 (four), Feb 2-23 (four), Mar 2, 9, 16, 23, 30: March is the first month with a fifth Monday.",
  },
  {
    name: "ISO week 1 crosses year boundaries",
    fields: { week: 1, day_of_week: "sun" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-04T00:00:00.000Z", "2027-01-10T00:00:00.000Z", "2028-01-09T00:00:00.000Z"],
    why: "ISO week 1 holds the year's first Thursday: Dec 29 2025-Jan 4 2026, Jan 4-10 2027, Jan 3-9 2028; its Sunday is the fire.",
  },
  {
    name: "ISO week 53 runs into the next calendar year",
    fields: { week: 53 },
    from: "2026-12-30T00:00:00Z",
    expect: ["2026-12-31T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2027-01-02T00:00:00.000Z", "2027-01-03T00:00:00.000Z", "2032-12-27T00:00:00.000Z"],
    why: "2026 starts on a Thursday, so it has week 53: Mon Dec 28 2026-Sun Jan 3 2027 (every day at 00:00: week and day_of_week stay *, hour/minute/second default 0). The next week 53 is 2032's (a leap year starting on Thursday), from Mon Dec 27 2032.",
  },
  {
    name: "Feb 29 only in leap years",
    fields: { month: "feb", day: 29 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"],
    why: "The 29th of February exists in 2028 and 2032, not in 2026, 2027 or 2029-2031.",
  },
  {
    name: "day 31 skips short months",
    fields: { day: 31 },
    from: "2026-04-01T00:00:00Z",
    expect: ["2026-05-31T00:00:00.000Z", "2026-07-31T00:00:00.000Z"],
    why: "April and June have 30 days.",
  },
  {
    name: "steps count from the field's minimum",
    fields: { minute: "*/15" },
    from: "2026-01-01T00:07:00Z",
    expect: ["2026-01-01T00:15:00.000Z", "2026-01-01T00:30:00.000Z"],
    why: "*/15 = 0, 15, 30, 45; second defaults to 0.",
  },
  {
    name: "a stepped range",
    fields: { second: "10-50/20" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-01T00:00:10.000Z", "2026-01-01T00:00:30.000Z", "2026-01-01T00:00:50.000Z", "2026-01-01T00:01:10.000Z"],
    why: "10-50/20 = 10, 30, 50 of every minute (minute, hour... are * before the smallest given field).",
  },
  {
    name: "a start with a step and no end",
    fields: { minute: "5/20" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-01T00:05:00.000Z", "2026-01-01T00:25:00.000Z", "2026-01-01T00:45:00.000Z", "2026-01-01T01:05:00.000Z"],
    why: "5/20 = from 5 every 20 up to the maximum: 5, 25, 45.",
  },
  {
    name: "comma lists with spaces, names in any case",
    fields: { month: "Jan, MAR", day: "1, 15" },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-15T00:00:00.000Z", "2026-03-01T00:00:00.000Z", "2026-03-15T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    why: "Lists split on commas with optional spaces; month names are case-insensitive.",
  },
  {
    name: "hour alone: minute and second default to 0",
    fields: { hour: 12 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-01T12:00:00.000Z", "2026-01-02T12:00:00.000Z"],
    why: "Fields after the smallest given (hour) take their minimum; those before are *.",
  },
  {
    name: "month alone: the 1st at midnight",
    fields: { month: 3 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-03-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z"],
    why: "day defaults to 1, hour/minute/second to 0; week and day_of_week stay *.",
  },
  {
    name: "a year alone fires once",
    fields: { year: 2027 },
    from: "2026-01-01T00:00:00Z",
    expect: ["2027-01-01T00:00:00.000Z", null],
    why: "month and day default to 1 and the time to 00:00:00; 2027 has no second such moment.",
  },
  {
    name: "no field at all fires every second",
    fields: {},
    from: "2026-01-01T00:00:00.400Z",
    expect: ["2026-01-01T00:00:01.000Z", "2026-01-01T00:00:02.000Z"],
    why: "With nothing given every field is *; fires fall on whole seconds.",
  },
  {
    name: "a time zone without DST",
    fields: { hour: 2, minute: 20 },
    tz: "Asia/Shanghai",
    from: "2026-01-01T00:00:00Z",
    expect: ["2026-01-01T18:20:00.000Z"],
    why: "00:00Z is 08:00 in Shanghai (UTC+8); the next 02:20 local is Jan 2, 18:20Z of Jan 1.",
  },
  // Daylight saving time, the rules of src/domain/cron.ts. Berlin: 2026-03-29 01:00Z (02:00 CET -> 03:00 CEST), 2026-10-25 01:00Z (03:00 CEST -> 02:00 CET).
  {
    name: "spring forward, fixed hour: a skipped time fires at the end of the gap",
    fields: { hour: 2, minute: 30 },
    tz: "Europe/Berlin",
    from: "2026-03-28T12:00:00Z",
    expect: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"],
    why: "02:30 does not exist on Mar 29; it fires once at 03:00 CEST (01:00Z), then 02:30 CEST (00:30Z) the next day.",
  },
  {
    name: "spring forward, fixed hour: several skipped times collapse into one fire",
    fields: { hour: 2, minute: "*/15" },
    tz: "Europe/Berlin",
    from: "2026-03-28T12:00:00Z",
    expect: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:00:00.000Z"],
    why: "02:00, 02:15, 02:30 and 02:45 are all skipped: one fire at the end of the gap, then 02:00 CEST the next day.",
  },
  {
    name: "spring forward, fixed hour: a time that exists anyway is not fired twice",
    fields: { hour: "2,3", minute: 0 },
    tz: "Europe/Berlin",
    from: "2026-03-28T12:00:00Z",
    expect: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:00:00.000Z"],
    why: "The skipped 02:00 and the real 03:00 CEST are the same instant (01:00Z): one fire. Next: 02:00 CEST on Mar 30.",
  },
  {
    name: "spring forward, wildcard hour: times in the gap never occur",
    fields: { minute: "*/30" },
    tz: "Europe/Berlin",
    from: "2026-03-29T00:00:00Z",
    expect: ["2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"],
    why: "01:30 CET, then 03:00 CEST: 02:00 and 02:30 do not exist; the fires stay 30 real minutes apart.",
  },
  {
    name: "fall back, fixed hour: a repeated time fires once, at its first occurrence",
    fields: { hour: 2, minute: 30 },
    tz: "Europe/Berlin",
    from: "2026-10-24T12:00:00Z",
    expect: ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
    why: "02:30 CEST (00:30Z) fires; 02:30 CET (01:30Z) does not; the next day 02:30 CET is 01:30Z.",
  },
  {
    name: "fall back, fixed hour with a step: four fires, not eight",
    fields: { hour: 2, minute: "*/15" },
    tz: "Europe/Berlin",
    from: "2026-10-24T12:00:00Z",
    expect: ["2026-10-25T00:00:00.000Z", "2026-10-25T00:15:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T00:45:00.000Z", "2026-10-26T01:00:00.000Z"],
    why: "02:00-02:45 fire in the CEST pass only; the next is 02:00 CET on Oct 26.",
  },
  {
    name: "fall back, wildcard hour: the repeated hour fires in both passes",
    fields: { minute: 0 },
    tz: "Europe/Berlin",
    from: "2026-10-24T23:30:00Z",
    expect: ["2026-10-25T00:00:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T02:00:00.000Z"],
    why: "02:00 CEST, 02:00 CET, 03:00 CET: one hour apart in real time, never a hole and never two at one instant.",
  },
  {
    name: "spring forward in New York",
    fields: { hour: 2, minute: 30 },
    tz: "America/New_York",
    from: "2026-03-07T12:00:00Z",
    expect: ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"],
    why: "2026-03-08 02:00 EST jumps to 03:00 EDT (07:00Z): the skipped 02:30 fires at 07:00Z; the next day 02:30 EDT is 06:30Z.",
  },
];

describe("APScheduler cron fields: fire times", () => {
  for (const c of CASES) {
    test(c.name, () => {
      expect(fires(c.fields, c.from, c.expect.length, c.tz)).toEqual(c.expect);
    });
  }
});

describe("APScheduler cron fields: defaults and printing", () => {
  test("fields left out before the smallest given are *, after it their minimum; week and day_of_week stay *", () => {
    expect(apsFieldStrings(compileApsCron({ day: "1", minute: "20" }))).toEqual({
      year: "*", month: "*", day: "1", week: "*", day_of_week: "*", hour: "*", minute: "20", second: "0",
    });
    expect(apsFieldStrings(compileApsCron({ year: "2027" }))).toEqual({
      year: "2027", month: "1", day: "1", week: "*", day_of_week: "*", hour: "0", minute: "0", second: "0",
    });
    expect(apsFieldStrings(compileApsCron({}))).toEqual({
      year: "*", month: "*", day: "*", week: "*", day_of_week: "*", hour: "*", minute: "*", second: "*",
    });
  });

  test("prints fields the way APScheduler's str(field) does", () => {
    const s = apsFieldStrings(compileApsCron({ month: "JAN-mar, 7", day: "3RD Fri", day_of_week: "Mon-FRI", hour: "05", minute: "5-5", second: "*/1" }));
    expect(s).toMatchObject({ month: "jan-mar,7", day: "3rd fri", day_of_week: "mon-fri", hour: "5", minute: "5", second: "*/1" });
    expect(apsFieldStrings(compileApsCron({ day: "last" })).day).toBe("last");
    expect(apsFieldStrings(compileApsCron({ minute: "10-50/20" })).minute).toBe("10-50/20");
  });

  test("the hour field decides the DST rule: fixed for numbers, lists and ranges (and a defaulted 0), elapsed time for * and steps", () => {
    expect(compileApsCron({ hour: "2" }).fixedHour).toBe(true);
    expect(compileApsCron({ hour: "9-17" }).fixedHour).toBe(true);
    expect(compileApsCron({ day: "1" }).fixedHour).toBe(true);
    expect(compileApsCron({ minute: "5" }).fixedHour).toBe(false);
    expect(compileApsCron({ hour: "*/2" }).fixedHour).toBe(false);
  });
});

describe("APScheduler cron fields: refused values", () => {
  const refusals: [ApsFieldValues, string, RegExp][] = [
    [{ minute: "60" }, "minute", /the last value \(60\) is higher than the maximum value \(59\)/],
    [{ hour: "*/24" }, "hour", /step value \(24\) is higher than the total range of the expression \(23\)/],
    [{ day_of_week: "7" }, "day_of_week", /the last value \(7\) is higher than the maximum value \(6\)/],
    [{ day: "0" }, "day", /the first value \(0\) is lower than the minimum value \(1\)/],
    [{ minute: "5-1" }, "minute", /minimum value in a range must not be higher than the maximum/],
    [{ second: "*/0" }, "second", /Increment must be higher than 0/],
    [{ day_of_week: "funday" }, "day_of_week", /Invalid weekday name "funday"/],
    [{ month: "smarch" }, "month", /Invalid month name "smarch"/],
    [{ hour: "mon" }, "hour", /Unrecognized expression "mon" for field "hour"/],
    [{ day: "3rd 4" }, "day", /Invalid weekday name "4"/],
    [{ second: "" }, "second", /Unrecognized expression "" for field "second"/],
  ];
  for (const [fields, field, message] of refusals) {
    test(`refuses ${JSON.stringify(fields)} naming trigger.${field}`, () => {
      let err: unknown;
      try {
        normalizeTrigger({ type: "fields", ...fields }, at("2026-01-01T00:00:00Z"));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Invalid);
      const inv = err as Invalid;
      expect(inv.code).toBe("invalid_trigger");
      expect(inv.errors?.[0]?.path).toBe(`trigger.${field}`);
      expect(inv.errors?.[0]?.message).toMatch(message);
    });
  }

  test("refuses fields that never match, and an unknown time zone", () => {
    expect(() => normalizeTrigger({ type: "fields", month: 2, day: 30 }, at("2026-01-01T00:00:00Z"))).toThrow(/never match/);
    expect(() => normalizeTrigger({ type: "fields", year: 2020 }, at("2026-01-01T00:00:00Z"))).toThrow(/never match/);
    expect(() => normalizeTrigger({ type: "fields", hour: 1, timezone: "Mars/Olympus" }, 0)).toThrow(/time zone/);
  });

  test("keeps the fields as given (integers as text) and plugs into nextFireAfter", () => {
    const t = normalizeTrigger({ type: "fields", day_of_week: "MON", hour: 9, timezone: "Europe/Berlin" }, at("2026-01-01T00:00:00Z"));
    expect(t).toEqual({ type: "fields", fields: { day_of_week: "MON", hour: "9" }, timezone: "Europe/Berlin" });
    // Monday Jan 5 2026, 09:00 CET = 08:00Z.
    expect(iso(nextFireAfter(t, at("2026-01-01T00:00:00Z")))).toBe("2026-01-05T08:00:00.000Z");
  });
});

describe("APScheduler intervals", () => {
  test("adds weeks, days, hours, minutes and seconds; a zero interval is one second (IntervalTrigger)", () => {
    expect(apsIntervalMs({ seconds: 10 })).toBe(10_000);
    expect(apsIntervalMs({ weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1 })).toBe((8 * 86_400 + 3661) * 1000);
    expect(apsIntervalMs({})).toBe(1000);
    expect(apsIntervalMs({ hours: 0, minutes: 0, seconds: 0 })).toBe(1000);
  });

  test("splits a length back as Flask-APScheduler's extract_timedelta and prints Python's str(timedelta)", () => {
    expect(apsIntervalParts(20 * 60_000)).toEqual({ weeks: 0, days: 0, hours: 0, minutes: 20, seconds: 0 });
    expect(apsIntervalParts((9 * 86_400 + 3723) * 1000)).toEqual({ weeks: 1, days: 2, hours: 1, minutes: 2, seconds: 3 });
    expect(pythonTimedeltaStr(10_000)).toBe("0:00:10");
    expect(pythonTimedeltaStr(5_400_000)).toBe("1:30:00");
    expect(pythonTimedeltaStr(90_000_000)).toBe("1 day, 1:00:00");
    expect(pythonTimedeltaStr(2 * 86_400_000)).toBe("2 days, 0:00:00");
  });
});

describe("Python date-times", () => {
  test("reads naive times in the zone, and times with an offset or Z as written", () => {
    expect(parseDateTime("2020-12-16 18:05:17.682862", "Asia/Shanghai")).toEqual({ instant: at("2020-12-16T10:05:17.682Z"), offsetMs: null });
    expect(parseDateTime("2025-12-01T12:30:01-06:00", "UTC")).toEqual({ instant: at("2025-12-01T18:30:01Z"), offsetMs: -6 * 3_600_000 });
    expect(parseDateTime("2025-01-01", "America/Chicago")?.instant).toBe(at("2025-01-01T06:00:00Z"));
    expect(parseDateTime("2021-01-27 13:31:00", "UTC")?.instant).toBe(at("2021-01-27T13:31:00Z"));
    expect(parseDateTime("2026-02-30 00:00:00", "UTC")).toBeNull();
    expect(parseDateTime("tomorrow", "UTC")).toBeNull();
  });

  test("a naive time in a DST gap moves to the end of the gap; a repeated one takes its first occurrence", () => {
    expect(parseDateTime("2026-03-29 02:30:00", "Europe/Berlin")?.instant).toBe(at("2026-03-29T01:00:00Z"));
    expect(parseDateTime("2026-10-25 02:30:00", "Europe/Berlin")?.instant).toBe(at("2026-10-25T00:30:00Z"));
  });

  test("prints as Python does: isoformat with the offset, str() with microseconds only when set", () => {
    expect(formatIsoInZone(at("2025-12-01T18:30:01Z"), "America/Chicago")).toBe("2025-12-01T12:30:01-06:00");
    expect(formatIsoWithOffset(at("2026-11-24T01:50:21.249Z"), 0)).toBe("2026-11-24T01:50:21.249000+00:00");
    expect(formatPythonStr(at("2025-02-07T11:08:47.078Z"), "Asia/Shanghai")).toBe("2025-02-07 19:08:47.078000");
    expect(formatPythonStr(at("2025-02-07T11:08:47Z"), "Asia/Shanghai")).toBe("2025-02-07 19:08:47");
    expect(formatWall(at("2025-02-07T11:51:13Z"), "Asia/Shanghai")).toBe("2025-02-07 19:51:13");
  });
});
