// POST /v1/triggers/preview: fire times of a trigger, or the same validation problem a job would get.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectFieldProblem, expectProblem, json, newRuntime, send } from "./helpers.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await newRuntime();
});
afterAll(async () => {
  await rt.stop();
});

const preview = (body: unknown) => send(rt, "POST", "/v1/triggers/preview", { json: body });

describe("POST /v1/triggers/preview", () => {
  test("lists the next weekday fire times of a cron trigger read in its time zone", async () => {
    const res = await preview({ trigger: { type: "cron", expr: "0 30 9 * * MON-FRI", timezone: "Europe/Berlin" }, count: 3, from: "2026-01-01T00:00:00Z" });
    expect(await json(res, 200)).toEqual({ fireTimes: ["2026-01-01T08:30:00.000Z", "2026-01-02T08:30:00.000Z", "2026-01-05T08:30:00.000Z"] });
  });

  test("answers 10 fire times by default", async () => {
    const { fireTimes } = await json(await preview({ trigger: { type: "interval", every: "1h30m", anchorAt: "2026-01-01T00:00:00Z" }, from: "2026-01-01T00:00:00Z" }), 200);
    expect(fireTimes.length).toBe(10);
    expect(fireTimes[0]).toBe("2026-01-01T01:30:00.000Z");
    expect(fireTimes[1]).toBe("2026-01-01T03:00:00.000Z");
  });

  test("answers the single fire time of a date trigger", async () => {
    const { fireTimes } = await json(await preview({ trigger: { type: "date", at: "2026-12-01T07:00:00+08:00" }, from: "2026-01-01T00:00:00Z" }), 200);
    expect(fireTimes).toEqual(["2026-11-30T23:00:00.000Z"]);
  });

  test("answers 400 naming count when it is outside 1..100 or not an integer", async () => {
    for (const count of [0, 101, 2.5, "3"]) {
      await expectFieldProblem(await preview({ trigger: { type: "interval", every: "5m" }, count }), 400, "validation_failed", "count");
    }
  });

  test("answers 400 naming the trigger field for a bad cron, time zone or interval", async () => {
    await expectFieldProblem(await preview({ trigger: { type: "cron", expr: "* * * *" } }), 400, undefined, "trigger.expr");
    await expectFieldProblem(await preview({ trigger: { type: "cron", expr: "0 0 * * *", timezone: "Atlantis/Capital" } }), 400, undefined, "trigger.timezone");
    await expectFieldProblem(await preview({ trigger: { type: "interval", every: "-3s" } }), 400, undefined, "trigger.every");
    await expectFieldProblem(await preview({ trigger: { type: "weekly" } }), 400, "validation_failed", "trigger.type");
    await expectFieldProblem(await preview({}), 400, "validation_failed", "trigger");
  });

  test("answers 400 naming from or an unknown field", async () => {
    await expectFieldProblem(await preview({ trigger: { type: "interval", every: "5m" }, from: "soon" }), 400, "validation_failed", "from");
    await expectFieldProblem(await preview({ trigger: { type: "interval", every: "5m" }, until: "x" }), 400, "validation_failed", "until");
  });

  test("answers 400 invalid_json and 415 for a body that is not JSON", async () => {
    await expectProblem(await send(rt, "POST", "/v1/triggers/preview", { body: "{", headers: { "content-type": "application/json" } }), 400, "invalid_json");
    await expectProblem(await send(rt, "POST", "/v1/triggers/preview", { body: '{"trigger":{}}' }), 415, "unsupported_media_type");
  });
});
