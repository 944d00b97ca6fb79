// The `fields` trigger (APScheduler cron fields) through /v1: create, show, preview, validation, and fires at a local target.
import { afterEach, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { until } from "../helpers/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { answer, call, compatRuntime } from "./helpers.ts";

let rt: Runtime | null = null;
let target: Target | null = null;
afterEach(async () => {
  await rt?.stop();
  target?.stop();
  rt = null;
  target = null;
});

describe("/v1 with a fields trigger", () => {
  test("creates a job and shows the fields as given, the zone, and the effective fields after defaulting", async () => {
    rt = await compatRuntime({ compat: [] });
    const job = await answer(
      call(rt, "POST", "/v1/jobs", { json: { id: "aps", trigger: { type: "fields", day: 1, minute: 20, timezone: "Asia/Shanghai" }, target: { url: "https://example.test/hook" } } }),
      201,
    );
    expect(job.trigger).toEqual({
      type: "fields",
      day: "1",
      minute: "20",
      timezone: "Asia/Shanghai",
      effective: { year: "*", month: "*", day: "1", week: "*", day_of_week: "*", hour: "*", minute: "20", second: "0" },
    });
    const next = new Date(job.nextFireAt);
    // Minute 20 of an hour on the 1st, Shanghai time (UTC+8, whole hours): minute 20, second 0 in UTC too.
    expect([next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([20, 0]);
    expect(new Date(next.getTime() + 8 * 3_600_000).getUTCDate()).toBe(1);
  });

  test("previews APScheduler fire times: day_of_week 0 is Monday and day AND day_of_week", async () => {
    rt = await compatRuntime({ compat: [] });
    const mondays = await answer(call(rt, "POST", "/v1/triggers/preview", { json: { trigger: { type: "fields", day_of_week: 0, hour: 9 }, from: "2026-01-01T00:00:00Z", count: 2 } }));
    expect(mondays.fireTimes).toEqual(["2026-01-05T09:00:00.000Z", "2026-01-12T09:00:00.000Z"]);
    const fri13 = await answer(call(rt, "POST", "/v1/triggers/preview", { json: { trigger: { type: "fields", day: 13, day_of_week: "fri" }, from: "2026-01-01T00:00:00Z", count: 3 } }));
    expect(fri13.fireTimes).toEqual(["2026-02-13T00:00:00.000Z", "2026-03-13T00:00:00.000Z", "2026-11-13T00:00:00.000Z"]);
  });

  test("answers a validation problem naming the bad field", async () => {
    rt = await compatRuntime({ compat: [] });
    const res = await call(rt, "POST", "/v1/jobs", { json: { trigger: { type: "fields", minute: "61" }, target: { url: "https://example.test/hook" } } });
    const p = await answer(res, 400);
    expect(p.code).toBe("validation_failed");
    expect(p.errors).toEqual([{ path: "trigger.minute", message: expect.stringContaining("the last value (61) is higher than the maximum value (59)") }]);
    const unknown = await answer(call(rt, "POST", "/v1/jobs", { json: { trigger: { type: "fields", minutes: "5" }, target: { url: "https://example.test/hook" } } }), 400);
    expect(unknown.errors.map((e: { path: string }) => e.path)).toContain("trigger.minutes");
  });

  test("fires at the target on the fields' times, through the engine", async () => {
    target = startTarget();
    rt = await compatRuntime({ compat: [] });
    await rt.start();
    await answer(call(rt, "POST", "/v1/jobs", { json: { id: "every-second", trigger: { type: "fields", second: "*/1" }, target: { url: `${target.url}/tick`, method: "POST", body: "{}" } } }), 201);
    const hits = await target.waitFor(3, 6000);
    const scheduled = hits.map((h) => Date.parse(h.headers["x-cronhook-scheduled-at"]!));
    expect(scheduled.every((t) => t % 1000 === 0)).toBe(true);
    expect(scheduled[1]! - scheduled[0]!).toBe(1000);
    expect(scheduled[2]! - scheduled[1]!).toBe(1000);
    expect(hits[0]).toMatchObject({ method: "POST", path: "/tick", body: "{}" });
    expect(hits[0]!.headers["x-cronhook-job-id"]).toBe("every-second");
    const run = await until(async () => {
      await rt!.engine.flush();
      const page = await rt!.services.runs.list({ jobId: "every-second", status: "succeeded", limit: 10 });
      return page.items[0] ?? null;
    });
    expect(run.trigger).toBe("schedule");
  });
});
