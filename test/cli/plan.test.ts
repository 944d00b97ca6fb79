// The apply plan as a pure function: defaults, instants, state and pruning rules, with server jobs written by hand.
import { describe, expect, test } from "bun:test";
import type { Job, JobSpec } from "../../src/client/index.ts";
import { buildPlan, diffJob, planLines } from "../../src/cli/plan.ts";

function serverJob(over: Partial<Job> = {}): Job {
  return {
    id: "a",
    name: "default",
    description: null,
    labels: {},
    trigger: { type: "cron", expr: "0 * * * *", timezone: "UTC" },
    target: { url: "https://example.test/a", method: "GET", headers: {}, body: null, timeoutMs: 30000, retry: { maxAttempts: 1, backoffMs: 1000, maxBackoffMs: 60000 }, successStatus: null },
    state: "active",
    pausedReason: null,
    startAt: null,
    endAt: null,
    maxRuns: null,
    jitterMs: 0,
    misfire: { policy: "once", graceMs: 10000 },
    overlap: "skip",
    nextFireAt: "2026-01-01T01:00:00.000Z",
    lastFireAt: "2026-01-01T00:00:00.000Z",
    runCount: 7,
    version: 3,
    createdAt: "2025-12-01T00:00:00.000Z",
    updatedAt: "2025-12-02T00:00:00.000Z",
    ...over,
  } as Job;
}

const spec = (over: Partial<JobSpec> = {}): JobSpec => ({ trigger: { type: "cron", expr: "0 * * * *" }, target: { url: "https://example.test/a" }, ...over }) as JobSpec;

describe("diffJob", () => {
  test("a minimal spec equals a server job that has every default, whatever its server-only fields say", () => {
    expect(diffJob(spec(), serverJob())).toEqual([]);
  });

  test("explicit defaults and the same instant in another offset are no change", () => {
    const s = spec({
      name: "default",
      trigger: { type: "cron", expr: "0 * * * *", timezone: "UTC" },
      target: { url: "https://example.test/a", method: "GET", timeoutMs: 30000, retry: { backoffMs: 1000 } },
      startAt: "2026-01-01T08:00:00+08:00",
      misfire: { policy: "once" },
    });
    expect(diffJob(s, serverJob({ startAt: "2026-01-01T00:00:00.000Z" }))).toEqual([]);
  });

  test("a field the file leaves out is compared with its default", () => {
    expect(diffJob(spec(), serverJob({ description: "by hand", labels: { a: "1" }, overlap: "queue" }))).toEqual([
      { path: "description", from: "by hand", to: null },
      { path: "overlap", from: "queue", to: "skip" },
      { path: "labels.a", from: "1", to: undefined },
    ]);
  });

  test("nested maps differ key by key", () => {
    const s = spec({ labels: { team: "ops", tier: "1" }, target: { url: "https://example.test/a", headers: { "x-a": "2" } } });
    const j = serverJob({ labels: { team: "qa" }, target: { ...serverJob().target, headers: { "x-a": "1", "x-b": "1" } } });
    expect(diffJob(s, j).map((c) => c.path)).toEqual(["labels.team", "labels.tier", "target.headers.x-a", "target.headers.x-b"]);
  });

  test("state is compared only when the file gives it; active on a completed job is no change", () => {
    expect(diffJob(spec(), serverJob({ state: "paused" }))).toEqual([]);
    expect(diffJob(spec({ state: "active" }), serverJob({ state: "paused" }))).toEqual([{ path: "state", from: "paused", to: "active" }]);
    expect(diffJob(spec({ state: "active" }), serverJob({ state: "completed" }))).toEqual([]);
  });

  test("an interval without anchorAt keeps the server's anchor; date 'now' on an existing date job is no change", () => {
    const interval = serverJob({ trigger: { type: "interval", every: "90s", everyMs: 90000, anchorAt: "2025-01-01T00:00:00.000Z" } });
    expect(diffJob(spec({ trigger: { type: "interval", every: "90s" } }), interval)).toEqual([]);
    expect(diffJob(spec({ trigger: { type: "interval", every: "90s", anchorAt: "2025-01-02T00:00:00Z" } }), interval)).toEqual([
      { path: "trigger.anchorAt", from: "2025-01-01T00:00:00.000Z", to: "2025-01-02T00:00:00.000Z" },
    ]);
    const date = serverJob({ trigger: { type: "date", at: "2026-01-01T00:00:00.000Z" } });
    expect(diffJob(spec({ trigger: { type: "date", at: "now" } }), date)).toEqual([]);
  });

  test("a trigger type this CLI does not know compares the fields the file gives; a number echoed as text is no change", () => {
    const fields = serverJob({ trigger: { type: "fields", hour: "3", day_of_week: "mon-fri", timezone: "UTC", effective: { hour: "3" } } as unknown as Job["trigger"] });
    expect(diffJob(spec({ trigger: { type: "fields", hour: 3, day_of_week: "mon-fri" } as unknown as JobSpec["trigger"] }), fields)).toEqual([]);
    expect(diffJob(spec({ trigger: { type: "fields", hour: 4 } as unknown as JobSpec["trigger"] }), fields)).toEqual([{ path: "trigger.hour", from: "3", to: 4 }]);
    const berlin = serverJob({ trigger: { type: "fields", hour: "3", timezone: "Europe/Berlin" } as unknown as Job["trigger"] });
    expect(diffJob(spec({ trigger: { type: "fields", hour: 3 } as unknown as JobSpec["trigger"] }), berlin)).toEqual([{ path: "trigger.timezone", from: "Europe/Berlin", to: "UTC" }]);
  });

  test("a change of trigger type lists the fields of both", () => {
    expect(diffJob(spec({ trigger: { type: "interval", every: "1h" } }), serverJob())).toEqual([
      { path: "trigger.type", from: "cron", to: "interval" },
      { path: "trigger.every", from: undefined, to: "1h" },
      { path: "trigger.expr", from: "0 * * * *", to: undefined },
      { path: "trigger.timezone", from: "UTC", to: undefined },
    ]);
  });
});

describe("buildPlan", () => {
  test("creates what is missing, changes what differs, prunes only the file's groups and only with prune", () => {
    const file = [
      { id: "a", spec: spec({ name: "g1" }) },
      { id: "b", spec: spec({ name: "g1", jitterMs: 5 }) },
      { id: "new", spec: spec({ name: "g2" }) },
    ];
    const existing = new Map([
      ["a", serverJob({ id: "a", name: "g1" })],
      ["b", serverJob({ id: "b", name: "g1" })],
    ]);
    const inGroups = [serverJob({ id: "a", name: "g1" }), serverJob({ id: "b", name: "g1" }), serverJob({ id: "old", name: "g1" }), serverJob({ id: "old2", name: "g2" })];
    const kept = buildPlan(file, existing, inGroups, false);
    expect(kept.items.map((i) => `${i.action} ${i.id}`)).toEqual(["change b", "create new"]);
    expect(kept.unchanged).toEqual(["a"]);
    expect(kept.notInFile).toEqual([{ id: "old", name: "g1" }, { id: "old2", name: "g2" }]);
    const pruned = buildPlan(file, existing, [...inGroups, serverJob({ id: "other", name: "g3" })], true);
    expect(pruned.items.map((i) => `${i.action} ${i.id}`)).toEqual(["change b", "create new", "delete old", "delete old2"]);
    expect(planLines(pruned)).toEqual(["  ~ b (g1)", "      jitterMs: 0 -> 5", "  + new (g2)", "  - old (g1)", "  - old2 (g2)"]);
  });
});
