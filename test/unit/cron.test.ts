import { describe, expect, test } from "bun:test";
import { cronCacheSize, cronNextAfter, isFixedHourCron, validateCron, validateTimezone } from "../../src/domain/cron.ts";

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};

/** The next `n` fire times after `from`, as ISO strings ("null" once there are no more). */
function fires(expr: string, tz: string, from: string, n: number): string[] {
  const out: string[] = [];
  let t: number | null = ms(from);
  for (let i = 0; i < n; i++) {
    t = cronNextAfter(expr, tz, t);
    if (t === null) {
      out.push("null");
      break;
    }
    out.push(new Date(t).toISOString());
  }
  return out;
}

const next = (expr: string, tz: string, after: string): string | null => {
  const t = cronNextAfter(expr, tz, ms(after));
  return t === null ? null : new Date(t).toISOString();
};

describe("cronNextAfter basics", () => {
  test("returns the first fire strictly after the given instant", () => {
    expect(next("0 0 * * *", "UTC", "2026-01-01T00:00:00.000Z")).toBe("2026-01-02T00:00:00.000Z");
    expect(next("0 0 * * *", "UTC", "2025-12-31T23:59:59.999Z")).toBe("2026-01-01T00:00:00.000Z");
  });

  test("reads the expression on the wall clock of the time zone", () => {
    expect(next("0 9 * * *", "Asia/Shanghai", "2026-01-01T00:00:00Z")).toBe("2026-01-01T01:00:00.000Z");
    expect(next("0 9 * * *", "America/New_York", "2026-01-01T00:00:00Z")).toBe("2026-01-01T14:00:00.000Z");
  });

  test("5 fields have minute precision with the second at 0", () => {
    expect(fires("*/20 * * * *", "UTC", "2026-01-01T00:00:30Z", 3)).toEqual([
      "2026-01-01T00:20:00.000Z",
      "2026-01-01T00:40:00.000Z",
      "2026-01-01T01:00:00.000Z",
    ]);
  });

  test("6 fields take a leading seconds field", () => {
    expect(fires("*/10 * * * * *", "UTC", "2026-01-01T00:00:05Z", 3)).toEqual([
      "2026-01-01T00:00:10.000Z",
      "2026-01-01T00:00:20.000Z",
      "2026-01-01T00:00:30.000Z",
    ]);
    expect(next("30 0 12 * * *", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-01T12:00:30.000Z");
  });

  test("7 fields take a trailing year and stop after it", () => {
    expect(next("0 0 12 * * * 2027", "UTC", "2026-06-01T00:00:00Z")).toBe("2027-01-01T12:00:00.000Z");
    expect(next("0 0 12 * * * 2027", "UTC", "2027-12-31T12:00:00Z")).toBeNull();
    expect(fires("0 0 0 29 2 * 2030-2040", "UTC", "2026-12-31T12:00:00Z", 4)).toEqual([
      "2032-02-29T00:00:00.000Z",
      "2036-02-29T00:00:00.000Z",
      "2040-02-29T00:00:00.000Z",
      "null",
    ]);
  });

  test("month and weekday names are accepted in any case", () => {
    // 2026-01-02 is a Friday.
    expect(fires("0 9 * * MON-FRI", "UTC", "2026-01-02T12:00:00Z", 2)).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-01-06T09:00:00.000Z",
    ]);
    expect(next("0 9 * * mon", "UTC", "2026-01-02T12:00:00Z")).toBe("2026-01-05T09:00:00.000Z");
    expect(next("0 0 1 JAN *", "UTC", "2026-01-02T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
  });

  test("day-of-week 0 and 7 both mean Sunday", () => {
    expect(next("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-04T00:00:00.000Z");
    expect(next("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-04T00:00:00.000Z");
  });

  test("? is a wildcard", () => {
    expect(next("0 0 ? * MON", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-05T00:00:00.000Z");
  });

  test("day-of-month and day-of-week are ORed when both are set, as in crontab", () => {
    expect(fires("0 0 13 * 5", "UTC", "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-01-02T00:00:00.000Z", // Friday
      "2026-01-09T00:00:00.000Z", // Friday
      "2026-01-13T00:00:00.000Z", // the 13th, a Tuesday
      "2026-01-16T00:00:00.000Z", // Friday
    ]);
  });

  test("a + before the day-of-week requires both (Friday the 13th)", () => {
    expect(fires("0 0 13 * +5", "UTC", "2026-01-01T00:00:00Z", 3)).toEqual([
      "2026-02-13T00:00:00.000Z",
      "2026-03-13T00:00:00.000Z",
      "2026-11-13T00:00:00.000Z",
    ]);
  });
});

describe("cronNextAfter on calendar edges", () => {
  test("the 31st skips months without one", () => {
    expect(fires("0 0 31 * *", "UTC", "2026-01-01T00:00:00Z", 5)).toEqual([
      "2026-01-31T00:00:00.000Z",
      "2026-03-31T00:00:00.000Z",
      "2026-05-31T00:00:00.000Z",
      "2026-07-31T00:00:00.000Z",
      "2026-08-31T00:00:00.000Z",
    ]);
  });

  test("L is the last day of each month, 29 February in a leap year", () => {
    expect(fires("0 0 L * *", "UTC", "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-01-31T00:00:00.000Z",
      "2026-02-28T00:00:00.000Z",
      "2026-03-31T00:00:00.000Z",
      "2026-04-30T00:00:00.000Z",
    ]);
    expect(fires("0 0 L * *", "UTC", "2028-01-15T00:00:00Z", 2)).toEqual([
      "2028-01-31T00:00:00.000Z",
      "2028-02-29T00:00:00.000Z",
    ]);
  });

  test("29 February from 2026 is next in 2028", () => {
    expect(fires("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2028-02-29T00:00:00.000Z",
      "2032-02-29T00:00:00.000Z",
    ]);
  });

  test("15W moves a Saturday 15th to Friday and a Sunday 15th to Monday", () => {
    // 2026-08-15 is a Saturday, 2026-03-15 a Sunday, 2026-04-15 a Wednesday.
    expect(next("0 0 15W * *", "UTC", "2026-08-01T00:00:00Z")).toBe("2026-08-14T00:00:00.000Z");
    expect(next("0 0 15W * *", "UTC", "2026-03-01T00:00:00Z")).toBe("2026-03-16T00:00:00.000Z");
    expect(next("0 0 15W * *", "UTC", "2026-04-01T00:00:00Z")).toBe("2026-04-15T00:00:00.000Z");
  });

  test("1W does not cross into the previous month", () => {
    // 2026-08-01 is a Saturday: the nearest weekday inside August is Monday the 3rd.
    expect(next("0 0 1W * *", "UTC", "2026-07-15T00:00:00Z")).toBe("2026-08-03T00:00:00.000Z");
  });

  test("5#3 is the third Friday of the month", () => {
    expect(fires("0 0 * * 5#3", "UTC", "2026-01-01T00:00:00Z", 3)).toEqual([
      "2026-01-16T00:00:00.000Z",
      "2026-02-20T00:00:00.000Z",
      "2026-03-20T00:00:00.000Z",
    ]);
  });

  test("5L and FRI#L are the last Friday of the month", () => {
    expect(fires("0 0 * * 5L", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-01-30T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
    ]);
    expect(next("0 0 * * FRI#L", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-30T00:00:00.000Z");
  });

  test("an impossible date never fires", () => {
    expect(next("0 0 30 2 *", "UTC", "2026-01-01T00:00:00Z")).toBeNull();
  });
});

describe("DST in Europe/Berlin, spring forward on 2026-03-29 (02:00 CET -> 03:00 CEST at 01:00Z)", () => {
  test("a daily time inside the gap fires once at 03:00 CEST, the first instant after it", () => {
    expect(fires("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", 3)).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
    expect(fires("0 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", 3)).toEqual([
      "2026-03-28T01:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:00:00.000Z",
    ]);
  });

  test("a 6-field daily time inside the gap also fires once after it", () => {
    expect(fires("0 30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  test("several times of a fixed hour inside the gap collapse into one fire", () => {
    expect(fires("*/15 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:00:00.000Z",
      "2026-03-30T00:15:00.000Z",
    ]);
    expect(fires("*/20 30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  test("a gap fire that meets the expression's own 03:00 fire is not doubled", () => {
    expect(fires("0 2,3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:00:00.000Z",
      "2026-03-30T01:00:00.000Z",
    ]);
  });

  test("*/15 skips the missing hour: 01:45 CET is followed by 03:00 CEST, 15 real minutes later", () => {
    expect(fires("*/15 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", 3)).toEqual([
      "2026-03-29T00:45:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:15:00.000Z",
    ]);
  });

  test("an hourly job goes 01:00 CET -> 03:00 CEST, one real hour apart", () => {
    expect(fires("0 * * * *", "Europe/Berlin", "2026-03-28T23:30:00Z", 3)).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T02:00:00.000Z",
    ]);
    expect(fires("30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 2)).toEqual([
      "2026-03-29T00:30:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
  });
});

describe("DST in Europe/Berlin, fall back on 2026-10-25 (03:00 CEST -> 02:00 CET at 01:00Z)", () => {
  test("a daily time in the repeated hour fires once, at its first (CEST) occurrence", () => {
    expect(fires("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  test("a fixed hour with a minute step fires 4 times in the repeated hour, not 8", () => {
    expect(fires("*/15 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 5)).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T00:15:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T00:45:00.000Z",
      "2026-10-26T01:00:00.000Z",
    ]);
  });

  test("a fixed hour range fires 02:00 once (croner alone would fire it in both passes)", () => {
    expect(fires("0 1-3 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 4)).toEqual([
      "2026-10-24T23:00:00.000Z", // 01:00 CEST
      "2026-10-25T00:00:00.000Z", // 02:00 CEST, and not again at 02:00 CET
      "2026-10-25T02:00:00.000Z", // 03:00 CET
      "2026-10-26T00:00:00.000Z", // 01:00 CET
    ]);
  });

  test("asked from inside the second pass, a fixed hour waits for the next day", () => {
    // 01:10Z is 02:10 CET, the second pass of the 02:00 hour.
    expect(next("*/15 2 * * *", "Europe/Berlin", "2026-10-25T01:10:00Z")).toBe("2026-10-26T01:00:00.000Z");
  });

  test("*/15 keeps firing every 15 real minutes through both passes of the repeated hour", () => {
    expect(fires("*/15 * * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", 6)).toEqual([
      "2026-10-25T00:45:00.000Z", // 02:45 CEST
      "2026-10-25T01:00:00.000Z", // 02:00 CET
      "2026-10-25T01:15:00.000Z",
      "2026-10-25T01:30:00.000Z",
      "2026-10-25T01:45:00.000Z",
      "2026-10-25T02:00:00.000Z", // 03:00 CET
    ]);
    expect(next("*/15 * * * *", "Europe/Berlin", "2026-10-25T01:10:00Z")).toBe("2026-10-25T01:15:00.000Z");
  });

  test("an hourly job fires at 02:00 CEST and again at 02:00 CET, one hour apart", () => {
    expect(fires("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", 3)).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T02:00:00.000Z",
    ]);
  });
});

describe("DST in America/New_York, spring forward on 2026-03-08 (02:00 EST -> 03:00 EDT at 07:00Z)", () => {
  test("a daily 02:30 fires once at 03:00 EDT", () => {
    expect(fires("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
  });

  test("*/15 goes 01:45 EST -> 03:00 EDT", () => {
    expect(fires("*/15 * * * *", "America/New_York", "2026-03-08T06:30:00Z", 3)).toEqual([
      "2026-03-08T06:45:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T07:15:00.000Z",
    ]);
  });

  test("an hourly job goes 01:00 EST -> 03:00 EDT", () => {
    expect(fires("0 * * * *", "America/New_York", "2026-03-08T05:30:00Z", 3)).toEqual([
      "2026-03-08T06:00:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
  });
});

describe("DST in America/New_York, fall back on 2026-11-01 (02:00 EDT -> 01:00 EST at 06:00Z)", () => {
  test("a daily 01:30 fires once, at 01:30 EDT", () => {
    expect(fires("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  test("a daily 02:00 fires once, at 02:00 EST, 25 hours after the day before", () => {
    expect(fires("0 2 * * *", "America/New_York", "2026-10-31T00:00:00Z", 3)).toEqual([
      "2026-10-31T06:00:00.000Z",
      "2026-11-01T07:00:00.000Z",
      "2026-11-02T07:00:00.000Z",
    ]);
  });

  test("*/15 goes 01:45 EDT -> 01:00 EST, 15 real minutes later", () => {
    expect(fires("*/15 * * * *", "America/New_York", "2026-11-01T05:30:00Z", 3)).toEqual([
      "2026-11-01T05:45:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T06:15:00.000Z",
    ]);
  });

  test("an hourly job fires at 01:00 EDT and at 01:00 EST", () => {
    expect(fires("0 * * * *", "America/New_York", "2026-11-01T04:30:00Z", 3)).toEqual([
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T07:00:00.000Z",
    ]);
  });
});

describe("isFixedHourCron", () => {
  test("an hour that is a number, list or range is fixed; a wildcard or step is not", () => {
    expect(isFixedHourCron("30 2 * * *")).toBe(true);
    expect(isFixedHourCron("*/15 2 * * *")).toBe(true);
    expect(isFixedHourCron("0 2,14 * * *")).toBe(true);
    expect(isFixedHourCron("0 0 9-17 * * *")).toBe(true);
    expect(isFixedHourCron("0 * * * *")).toBe(false);
    expect(isFixedHourCron("0 */2 * * *")).toBe(false);
    expect(isFixedHourCron("0 0-23/2 * * *")).toBe(false);
    expect(isFixedHourCron("0 ? * * *")).toBe(false);
  });
});

describe("validateCron", () => {
  const from = ms("2026-01-01T00:00:00Z");

  test.each(["0 0 * * *", "*/5 * * * * *", "0 0 12 * * * 2027", "0 0 L * *", "0 0 15W * *", "0 0 * * 5#3", "0 9 * JAN MON-FRI"])(
    "accepts %p",
    (expr) => {
      expect(validateCron(expr, "UTC", from)).toBeNull();
    },
  );

  test("refuses the wrong number of fields", () => {
    expect(validateCron("* * * *", "UTC")).toMatch(/expected 5, 6 or 7 .*got 4/);
    expect(validateCron("0 0 0 * * * * *", "UTC")).toMatch(/got 8/);
    expect(validateCron("@daily", "UTC")).toMatch(/nicknames/);
    expect(validateCron("   ", "UTC")).toBe("cron expression is empty");
  });

  test("names the field and bound of an out-of-range value", () => {
    expect(validateCron("61 * * * *", "UTC")).toBe('minute field "61": 61 is out of range 0-59');
    expect(validateCron("0 24 * * *", "UTC")).toBe('hour field "24": 24 is out of range 0-23');
    expect(validateCron("0 0 0 * *", "UTC")).toBe('day-of-month field "0": 0 is out of range 1-31');
    expect(validateCron("0 0 * 13 *", "UTC")).toBe('month field "13": 13 is out of range 1-12');
    expect(validateCron("0 0 * * 8", "UTC")).toBe('day-of-week field "8": 8 is out of range 0-7');
    expect(validateCron("*/0 * * * *", "UTC")).toBe('minute field "*/0": a step must be at least 1');
    expect(validateCron("0 0 * * 5#6", "UTC")).toMatch(/#6 is not an occurrence/);
  });

  test("names the field croner rejects", () => {
    expect(validateCron("a b c d e", "UTC")).toBe('invalid minute field "a": contains illegal characters');
    expect(validateCron("0 0 * * FOO", "UTC")).toMatch(/^invalid day-of-week field "FOO"/);
    expect(validateCron("1-2-3 * * * *", "UTC")).toMatch(/^invalid minute field "1-2-3"/);
  });

  test("refuses an expression that never fires", () => {
    expect(validateCron("0 0 30 2 *", "UTC")).toBe("the expression never fires");
    expect(validateCron("0 0 12 * * * 2020", "UTC", from)).toBe(
      "the expression never fires after 2026-01-01T00:00:00.000Z",
    );
  });

  test("refuses an unknown time zone", () => {
    expect(validateCron("0 0 * * *", "Mars/Olympus_Mons")).toMatch(/unknown time zone "Mars\/Olympus_Mons"/);
  });
});

describe("validateTimezone", () => {
  test.each(["UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Etc/GMT-2"])("accepts %p", (tz) => {
    expect(validateTimezone(tz)).toBeNull();
  });

  test.each([
    ["Mars/Olympus_Mons", /unknown time zone/],
    ["+01:00", /not an offset/],
    ["GMT+1", /unknown time zone/],
    ["", /empty/],
    [" UTC", /surrounding spaces/],
  ] as const)("refuses %p", (tz, message) => {
    expect(validateTimezone(tz)).toMatch(message);
  });
});

describe("the compiled-pattern cache", () => {
  test("holds at most 256 patterns and still answers correctly after evicting", () => {
    for (let m = 0; m < 60; m++) for (let h = 0; h < 5; h++) cronNextAfter(`${m} ${h} * * *`, "UTC", 0);
    expect(cronCacheSize()).toBe(256);
    expect(next("7 3 * * *", "Europe/Berlin", "2026-01-01T00:00:00Z")).toBe("2026-01-01T02:07:00.000Z");
    expect(next("0 0 * * *", "UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-02T00:00:00.000Z");
    expect(cronCacheSize()).toBe(256);
  });
});
