// planClaim: which slots a claim fires, which it records missed, and where the job goes next (fixed instants only).
import { describe, expect, test } from "bun:test";
import { MAX_SLOTS_PER_CLAIM, planClaim, type PlanInput } from "../../src/engine/plan.ts";
import type { MisfirePolicyName } from "../../src/domain/definition.ts";
import type { Trigger } from "../../src/domain/trigger.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const SEC = 1000;
const MIN = 60 * SEC;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const interval = (everyMs: number, anchorAt = T0): Trigger => ({ type: "interval", every: everyMs, everyMs, anchorAt });

function def(
  trigger: Trigger,
  o: { startAt?: number | null; endAt?: number | null; maxRuns?: number | null; policy?: MisfirePolicyName; graceMs?: number } = {},
): PlanInput["def"] {
  return {
    trigger,
    startAt: o.startAt ?? null,
    endAt: o.endAt ?? null,
    maxRuns: o.maxRuns ?? null,
    misfire: { policy: o.policy ?? "once", graceMs: o.graceMs ?? 10 * SEC },
  };
}

/** The slots of a plan as `kind/trigger@ISO` strings, easy to compare whole. */
const summary = (slots: { kind: string; trigger: string; scheduledAt: number }[]) =>
  slots.map((s) => `${s.kind}/${s.trigger}@${iso(s.scheduledAt)}`);

describe("planClaim: on time", () => {
  test("fires the due slot with trigger schedule and moves next to the following slot", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(SEC)), due, runCount: 10 }, due - 300, 1000);
    expect(p.slots).toEqual([{ scheduledAt: due, kind: "fire", trigger: "schedule", lateMs: 0 }]);
    expect(p.next).toBe(due + SEC);
    expect(p.fired).toBe(1);
    expect(p.lastFireAt).toBe(due);
    expect(p.completed).toBe(false);
  });

  test("reports how late a slot claimed after its due time is, and still fires it on schedule within grace", () => {
    const due = T0 + MIN;
    const p = planClaim({ def: def(interval(MIN), { graceMs: 5 * SEC }), due, runCount: 0 }, due + 5 * SEC, 1000);
    expect(p.slots).toEqual([{ scheduledAt: due, kind: "fire", trigger: "schedule", lateMs: 5 * SEC }]);
    expect(p.next).toBe(due + MIN);
  });

  test("takes every slot inside the claim window, not only the due one", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(200)), due, runCount: 0 }, due - 100, 1000);
    // window ends at due + 900: slots due, +200, +400, +600, +800.
    expect(p.slots.map((s) => s.scheduledAt - due)).toEqual([0, 200, 400, 600, 800]);
    expect(p.slots.every((s) => s.kind === "fire" && s.trigger === "schedule")).toBe(true);
    expect(p.fired).toBe(5);
    expect(p.lastFireAt).toBe(due + 800);
    expect(p.next).toBe(due + 1000);
  });

  test("includes a slot that falls exactly on the end of the claim window", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(200)), due, runCount: 0 }, due, 1000);
    expect(p.slots.map((s) => s.scheduledAt - due)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(p.next).toBe(due + 1200);
  });
});

describe("planClaim: misfires after downtime", () => {
  // Due at 00:00, down until 00:05:05: slots 00:00..00:04 are beyond the 10 s grace, 00:05 is 5 s late.
  const due = T0;
  const now = T0 + 5 * MIN + 5 * SEC;

  test("once sends only the latest misfired slot as catchup and records the older ones missed", () => {
    const p = planClaim({ def: def(interval(MIN), { policy: "once" }), due, runCount: 0 }, now, 1000);
    expect(summary(p.slots)).toEqual([
      "missed/schedule@2026-01-01T00:00:00.000Z",
      "missed/schedule@2026-01-01T00:01:00.000Z",
      "missed/schedule@2026-01-01T00:02:00.000Z",
      "missed/schedule@2026-01-01T00:03:00.000Z",
      "fire/catchup@2026-01-01T00:04:00.000Z",
      "fire/schedule@2026-01-01T00:05:00.000Z",
    ]);
    expect(p.fired).toBe(2);
    expect(p.lastFireAt).toBe(T0 + 5 * MIN);
    expect(p.next).toBe(T0 + 6 * MIN);
    expect(p.completed).toBe(false);
  });

  test("once with every slot misfired sends exactly one catchup, the latest", () => {
    const later = T0 + 4 * MIN + 30 * SEC;
    const p = planClaim({ def: def(interval(MIN), { policy: "once" }), due, runCount: 0 }, later, 1000);
    expect(p.slots.filter((s) => s.kind === "fire")).toEqual([
      { scheduledAt: T0 + 4 * MIN, kind: "fire", trigger: "catchup", lateMs: 30 * SEC },
    ]);
    expect(p.slots.filter((s) => s.kind === "missed").map((s) => s.scheduledAt)).toEqual([T0, T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    expect(p.next).toBe(T0 + 5 * MIN);
  });

  test("skip records every misfired slot missed while a slot within graceMs still fires on schedule", () => {
    const p = planClaim({ def: def(interval(MIN), { policy: "skip" }), due, runCount: 0 }, now, 1000);
    expect(summary(p.slots)).toEqual([
      "missed/schedule@2026-01-01T00:00:00.000Z",
      "missed/schedule@2026-01-01T00:01:00.000Z",
      "missed/schedule@2026-01-01T00:02:00.000Z",
      "missed/schedule@2026-01-01T00:03:00.000Z",
      "missed/schedule@2026-01-01T00:04:00.000Z",
      "fire/schedule@2026-01-01T00:05:00.000Z",
    ]);
    expect(p.fired).toBe(1);
    expect(p.lastFireAt).toBe(T0 + 5 * MIN);
    expect(p.next).toBe(T0 + 6 * MIN);
  });

  test("skip with every slot misfired fires nothing, keeps lastFireAt null and still moves next on", () => {
    const later = T0 + 2 * MIN + 30 * SEC;
    const p = planClaim({ def: def(interval(MIN), { policy: "skip" }), due, runCount: 3 }, later, 1000);
    expect(p.slots.map((s) => s.kind)).toEqual(["missed", "missed", "missed"]);
    expect(p.fired).toBe(0);
    expect(p.lastFireAt).toBeNull();
    expect(p.next).toBe(T0 + 3 * MIN);
  });

  test("all sends every misfired slot as catchup and the in-grace slot on schedule", () => {
    const p = planClaim({ def: def(interval(MIN), { policy: "all" }), due, runCount: 0 }, now, 1000);
    expect(summary(p.slots)).toEqual([
      "fire/catchup@2026-01-01T00:00:00.000Z",
      "fire/catchup@2026-01-01T00:01:00.000Z",
      "fire/catchup@2026-01-01T00:02:00.000Z",
      "fire/catchup@2026-01-01T00:03:00.000Z",
      "fire/catchup@2026-01-01T00:04:00.000Z",
      "fire/schedule@2026-01-01T00:05:00.000Z",
    ]);
    expect(p.slots.map((s) => s.lateMs)).toEqual([305, 245, 185, 125, 65, 5].map((s) => s * SEC));
    expect(p.fired).toBe(6);
    expect(p.next).toBe(T0 + 6 * MIN);
  });

  test("a slot late by exactly graceMs is not a misfire", () => {
    const p = planClaim({ def: def(interval(MIN), { policy: "skip", graceMs: 10 * SEC }), due, runCount: 0 }, due + 10 * SEC, 1000);
    expect(summary(p.slots)).toEqual(["fire/schedule@2026-01-01T00:00:00.000Z"]);
  });

  test("never takes more than MAX_SLOTS_PER_CLAIM slots in one claim and continues after the last one taken", () => {
    const down = T0 + 2000 * MIN + 30 * SEC;
    const p = planClaim({ def: def(interval(MIN), { policy: "skip" }), due, runCount: 0 }, down, 1000);
    expect(p.slots.length).toBe(MAX_SLOTS_PER_CLAIM);
    expect(p.slots[p.slots.length - 1]!.scheduledAt).toBe(T0 + (MAX_SLOTS_PER_CLAIM - 1) * MIN);
    expect(p.next).toBe(T0 + MAX_SLOTS_PER_CLAIM * MIN);
  });

  test("once sends a single catchup over a downtime longer than MAX_SLOTS_PER_CLAIM slots, however many claims it takes", () => {
    // One day of a 1-minute job missed: 1440 slots, claimed in several rounds at the same `now`.
    const down = T0 + 1440 * MIN + 30 * SEC; // the 1440th slot (T0 + 1440 min) is 30 s late: a misfire
    const d = def(interval(MIN), { policy: "once" });
    let cursor: number | null = T0;
    let runCount = 0;
    const fired: { scheduledAt: number; trigger: string }[] = [];
    for (let round = 0; round < 10 && cursor !== null && cursor <= down + 1000; round++) {
      const p = planClaim({ def: d, due: cursor, runCount }, down, 1000);
      for (const s of p.slots) if (s.kind === "fire") fired.push({ scheduledAt: s.scheduledAt, trigger: s.trigger });
      runCount += p.fired;
      cursor = p.next;
    }
    expect(cursor).toBe(T0 + 1441 * MIN);
    expect(fired.map((f) => `${f.trigger}@${iso(f.scheduledAt)}`)).toEqual(["catchup@2026-01-02T00:00:00.000Z"]);
  });
  test("once sends the catchup when the misfired slots fill MAX_SLOTS_PER_CLAIM exactly", () => {
    // Slots T0 .. T0 + 999 min: exactly MAX_SLOTS_PER_CLAIM of them, all misfired; the next slot is in the future.
    const down = T0 + (MAX_SLOTS_PER_CLAIM - 1) * MIN + 30 * SEC;
    const d = def(interval(MIN), { policy: "once" });
    let cursor: number | null = T0;
    let runCount = 0;
    const fired: string[] = [];
    for (let round = 0; round < 10 && cursor !== null && cursor <= down + 1000; round++) {
      const p = planClaim({ def: d, due: cursor, runCount }, down, 1000);
      for (const s of p.slots) if (s.kind === "fire") fired.push(`${s.trigger}@${iso(s.scheduledAt)}`);
      runCount += p.fired;
      cursor = p.next;
    }
    expect(cursor).toBe(T0 + MAX_SLOTS_PER_CLAIM * MIN);
    expect(fired).toEqual([`catchup@${iso(T0 + (MAX_SLOTS_PER_CLAIM - 1) * MIN)}`]);
  });
});

describe("planClaim: limits", () => {
  test("maxRuns stops at the remaining count and completes the job", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(200), { maxRuns: 3 }), due, runCount: 1 }, due - 100, 1000);
    expect(p.slots.map((s) => s.scheduledAt - due)).toEqual([0, 200]);
    expect(p.fired).toBe(2);
    expect(p.lastFireAt).toBe(due + 200);
    expect(p.next).toBeNull();
    expect(p.completed).toBe(true);
  });

  test("maxRuns not yet reached leaves the job active with a next fire", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(200), { maxRuns: 10 }), due, runCount: 1 }, due - 100, 1000);
    expect(p.fired).toBe(5);
    expect(p.next).toBe(due + 1000);
    expect(p.completed).toBe(false);
  });

  test("missed slots do not count against maxRuns", () => {
    const p = planClaim({ def: def(interval(MIN), { maxRuns: 2, policy: "skip" }), due: T0, runCount: 0 }, T0 + 3 * MIN + 2 * SEC, 1000);
    expect(summary(p.slots)).toEqual([
      "missed/schedule@2026-01-01T00:00:00.000Z",
      "missed/schedule@2026-01-01T00:01:00.000Z",
      "missed/schedule@2026-01-01T00:02:00.000Z",
      "fire/schedule@2026-01-01T00:03:00.000Z",
    ]);
    expect(p.fired).toBe(1);
    expect(p.next).toBe(T0 + 4 * MIN);
    expect(p.completed).toBe(false);
  });

  test("endAt stops the slots at endAt and completes the job after the last one", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(200), { endAt: due + 500 }), due, runCount: 0 }, due - 100, 1000);
    expect(p.slots.map((s) => s.scheduledAt - due)).toEqual([0, 200, 400]);
    expect(p.next).toBeNull();
    expect(p.completed).toBe(true);
  });

  test("a slot exactly at endAt still fires", () => {
    const due = T0 + 10 * SEC;
    const p = planClaim({ def: def(interval(SEC), { endAt: due + SEC }), due, runCount: 0 }, due, 1000);
    expect(p.slots.map((s) => s.scheduledAt - due)).toEqual([0, 1000]);
    expect(p.completed).toBe(true);
  });

  test("a date trigger fires once and completes", () => {
    const at = Date.parse("2026-12-01T07:00:00+08:00");
    const p = planClaim({ def: def({ type: "date", at }), due: at, runCount: 0 }, at - 200, 1500);
    expect(p.slots).toEqual([{ scheduledAt: at, kind: "fire", trigger: "schedule", lateMs: 0 }]);
    expect(p.fired).toBe(1);
    expect(p.lastFireAt).toBe(at);
    expect(p.next).toBeNull();
    expect(p.completed).toBe(true);
  });
});

describe("planClaim: cron across the Europe/Berlin spring-forward day (2026-03-29)", () => {
  const cron = (expr: string): Trigger => ({ type: "cron", expr, timezone: "Europe/Berlin" });

  /** Claims one slot at a time at its due instant (window 0) and returns the fire times, n of them. */
  function chain(expr: string, firstDue: number, n: number): string[] {
    const out: string[] = [];
    let due: number | null = firstDue;
    let runCount = 0;
    for (let i = 0; i < n && due !== null; i++) {
      const p = planClaim({ def: def(cron(expr)), due, runCount }, due, 0);
      expect(p.slots.length).toBe(1);
      out.push(iso(p.slots[0]!.scheduledAt)!);
      runCount += p.fired;
      due = p.next;
    }
    return out;
  }

  test("a fixed time in the skipped hour (30 2 * * *) fires once at 03:00 CEST, then at 02:30 CEST", () => {
    expect(chain("30 2 * * *", Date.parse("2026-03-28T01:30:00Z"), 3)).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, the first instant after the gap
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  test("several fixed times in the skipped hour (*/15 2 * * *) collapse into one fire at 03:00 CEST", () => {
    expect(chain("*/15 2 * * *", Date.parse("2026-03-28T01:45:00Z"), 3)).toEqual([
      "2026-03-28T01:45:00.000Z", // 02:45 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, once
      "2026-03-30T00:00:00.000Z", // 02:00 CEST
    ]);
  });

  test("a time the expression has anyway at 03:00 (0 2,3 * * *) is not fired twice", () => {
    expect(chain("0 2,3 * * *", Date.parse("2026-03-28T02:00:00Z"), 3)).toEqual([
      "2026-03-28T02:00:00.000Z", // 03:00 CET
      "2026-03-29T01:00:00.000Z", // 02:00 (missing) and 03:00 CEST: one fire
      "2026-03-30T00:00:00.000Z", // 02:00 CEST
    ]);
  });

  test("a wildcard-hour expression (*/15 * * * *) skips the missing hour, 15 real minutes apart", () => {
    expect(chain("*/15 * * * *", Date.parse("2026-03-29T00:30:00Z"), 4)).toEqual([
      "2026-03-29T00:30:00.000Z", // 01:30 CET
      "2026-03-29T00:45:00.000Z", // 01:45 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST
      "2026-03-29T01:15:00.000Z", // 03:15 CEST
    ]);
  });

  test("a claim window across the jump takes the slots on both sides of it", () => {
    const due = Date.parse("2026-03-29T00:45:00Z");
    const p = planClaim({ def: def(cron("*/15 * * * *")), due, runCount: 0 }, due, 30 * MIN);
    expect(p.slots.map((s) => iso(s.scheduledAt))).toEqual([
      "2026-03-29T00:45:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:15:00.000Z",
    ]);
    expect(iso(p.next)).toBe("2026-03-29T01:30:00.000Z");
  });
});
