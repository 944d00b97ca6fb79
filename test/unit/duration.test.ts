import { describe, expect, test } from "bun:test";
import { formatDuration, parseDuration } from "../../src/domain/duration.ts";

describe("parseDuration", () => {
  test.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1h 30m", 5_400_000],
    [" 2d ", 172_800_000],
    ["1w", 604_800_000],
    ["1w2d3h4m5s6ms", 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000 + 6],
    ["90s", 90_000],
    ["0s", 0],
    ["1500", 1500],
    ["100", 100],
  ] as const)("reads %p as %p ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  test("takes a whole non-negative number as milliseconds", () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration(0)).toBe(0);
  });

  test.each([
    ["", /empty/],
    ["   ", /empty/],
    ["-5s", /negative/],
    ["1.5h", /fractions/],
    ["0.5s", /fractions/],
    ["10x", /invalid duration/],
    ["10 minutes", /invalid duration/],
    ["10M", /invalid duration/],
    ["h", /invalid duration/],
    ["1h30", /invalid duration/],
    ["NaN", /invalid duration/],
    ["Infinity", /invalid duration/],
    ["1e3", /invalid duration/],
    ["99999999999999999999w", /too large/],
  ] as const)("refuses the string %p", (input, message) => {
    expect(() => parseDuration(input)).toThrow(message);
  });

  test.each([
    [-1, /negative/],
    [1.5, /whole number/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    [2 ** 60, /too large/],
  ] as const)("refuses the number %p", (input, message) => {
    expect(() => parseDuration(input)).toThrow(message);
  });

  test("throws a plain Error", () => {
    let caught: unknown;
    try {
      parseDuration("soon");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).constructor).toBe(Error);
  });
});

describe("formatDuration", () => {
  test.each([
    [0, "0ms"],
    [500, "500ms"],
    [1_000, "1s"],
    [90_000, "1m30s"],
    [5_400_000, "1h30m"],
    [86_400_000, "1d"],
    [604_800_000, "1w"],
    [9 * 86_400_000, "1w2d"],
    [3_600_000 + 250, "1h250ms"],
    [-90_000, "-1m30s"],
  ] as const)("writes %p ms as %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test("round-trips through parseDuration", () => {
    for (const ms of [0, 1, 99, 100, 1_001, 61_000, 3_599_999, 86_400_001, 31_622_400_000, 123_456_789_012]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
