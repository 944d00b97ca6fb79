// The engine's public face: GET /v1/scheduler and POST /v1/scheduler/wakeup|pause|resume.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectProblem, jobBody, json, newRuntime, send } from "./helpers.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await newRuntime({ instanceId: "api-test-instance" });
  await rt.start();
  await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "s1" }) }), 201);
});
afterAll(async () => {
  await rt.stop();
});

describe("/v1/scheduler", () => {
  test("GET answers the status with this instance, job counts and version", async () => {
    const s = await json(await send(rt, "GET", "/v1/scheduler"), 200);
    expect(s).toMatchObject({ instanceId: "api-test-instance", state: "running", jobs: { active: 1, paused: 0, completed: 0 }, version: rt.config.version });
    expect(typeof s.isLeader).toBe("boolean");
    expect(typeof s.inFlight).toBe("number");
    expect(Array.isArray(s.instances)).toBe(true);
  });

  test("POST wakeup answers the status", async () => {
    const s = await json(await send(rt, "POST", "/v1/scheduler/wakeup"), 200);
    expect(s.instanceId).toBe("api-test-instance");
  });

  test("POST pause stops firing cluster-wide and POST resume restarts it", async () => {
    expect((await json(await send(rt, "POST", "/v1/scheduler/pause"), 200)).state).toBe("paused");
    expect((await json(await send(rt, "GET", "/v1/scheduler"), 200)).state).toBe("paused");
    expect((await json(await send(rt, "POST", "/v1/scheduler/resume"), 200)).state).toBe("running");
    expect((await json(await send(rt, "GET", "/v1/scheduler"), 200)).state).toBe("running");
  });

  test("answers 405 with Allow for a method the path does not take", async () => {
    const res = await send(rt, "DELETE", "/v1/scheduler");
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    const wake = await send(rt, "GET", "/v1/scheduler/wakeup");
    await expectProblem(wake, 405, "method_not_allowed");
    expect(wake.headers.get("allow")).toBe("POST");
  });
});
