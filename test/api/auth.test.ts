// Bearer auth: with tokens configured every /v1 route needs one; health, OpenAPI and docs stay open.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectProblem, jobBody, jobPath, json, newRuntime, send, TOKEN, type SendOptions } from "./helpers.ts";

const OTHER_TOKEN = "second-token";
let rt: Runtime;
let runId: string;
beforeAll(async () => {
  rt = await newRuntime({ apiTokens: [TOKEN, OTHER_TOKEN] });
  await json(await send(rt, "PUT", jobPath("auth-job"), { json: jobBody(), token: TOKEN }), 201);
  await json(await send(rt, "PUT", jobPath("auth-del"), { json: jobBody(), token: TOKEN }), 201);
  runId = (await json(await send(rt, "POST", jobPath("auth-job", "/run"), { token: TOKEN }), 202)).id;
});
afterAll(async () => {
  await rt.stop();
});

// Every /v1 operation with a request that succeeds when authorized, and its success status.
const routes = (): [string, string, SendOptions, number][] => [
  ["POST", "/v1/jobs", { json: jobBody({ id: "auth-new" }) }, 201],
  ["GET", "/v1/jobs", {}, 200],
  ["GET", jobPath("auth-job"), {}, 200],
  ["PUT", jobPath("auth-put"), { json: jobBody() }, 201],
  ["PATCH", jobPath("auth-job"), { json: { description: "x" } }, 200],
  ["POST", jobPath("auth-job", "/pause"), {}, 200],
  ["POST", jobPath("auth-job", "/resume"), {}, 200],
  ["POST", jobPath("auth-job", "/run"), {}, 202],
  ["GET", jobPath("auth-job", "/runs"), {}, 200],
  ["DELETE", jobPath("auth-del"), {}, 204],
  ["GET", "/v1/runs", {}, 200],
  ["GET", `/v1/runs/${runId}`, {}, 200],
  ["DELETE", "/v1/runs?before=2000-01-01T00:00:00Z", {}, 200],
  ["POST", "/v1/triggers/preview", { json: { trigger: { type: "interval", every: "5m" } } }, 200],
  ["GET", "/v1/scheduler", {}, 200],
  ["POST", "/v1/scheduler/wakeup", {}, 200],
  ["POST", "/v1/scheduler/pause", {}, 200],
  ["POST", "/v1/scheduler/resume", {}, 200],
];

describe("with API tokens configured", () => {
  test("every /v1 route answers 401 unauthorized with a Bearer challenge when no token is sent", async () => {
    for (const [method, path, opts] of routes()) {
      const res = await send(rt, method, path, opts);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    }
    // Nothing was written by the refused calls.
    await expectProblem(await send(rt, "GET", jobPath("auth-new"), { token: TOKEN }), 404, "job_not_found");
    await json(await send(rt, "GET", jobPath("auth-del"), { token: TOKEN }), 200);
  });

  test("every /v1 route answers 401 for a wrong token, a token with another scheme or an empty bearer", async () => {
    for (const [method, path, opts] of routes()) {
      for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${btoa(`u:${TOKEN}`)}`, "Bearer ", TOKEN]) {
        const res = await send(rt, method, path, { ...opts, headers: { authorization } });
        await expectProblem(res, 401, "unauthorized");
        expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
      }
    }
  });

  test("every /v1 route answers its success status with a valid token, any of the configured ones", async () => {
    for (const [i, [method, path, opts, status]] of routes().entries()) {
      const res = await send(rt, method, path, { ...opts, token: i % 2 === 0 ? TOKEN : OTHER_TOKEN });
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status });
    }
  });

  test("accepts the scheme name in any case", async () => {
    await json(await send(rt, "GET", "/v1/jobs", { headers: { authorization: `bearer ${TOKEN}` } }), 200);
    await json(await send(rt, "GET", "/v1/jobs", { headers: { authorization: `BEARER ${TOKEN}` } }), 200);
  });

  test("answers 401 before reading a body, so an anonymous large body gets 401 rather than 413", async () => {
    const body = JSON.stringify(jobBody({ description: "x".repeat(2 * 1024 * 1024) }));
    await expectProblem(await send(rt, "POST", "/v1/jobs", { body, headers: { "content-type": "application/json" } }), 401, "unauthorized");
  });

  test("leaves /healthz, /readyz, /openapi.json and /docs open", async () => {
    for (const path of ["/healthz", "/readyz", "/openapi.json", "/docs", "/docs/assets/swagger-ui.css"]) {
      const res = await send(rt, "GET", path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });
});

describe("without API tokens", () => {
  test("every /v1 route is open", async () => {
    const open = await newRuntime({ apiTokens: [] });
    try {
      await json(await send(open, "PUT", jobPath("auth-job"), { json: jobBody() }), 201);
      await json(await send(open, "PUT", jobPath("auth-del"), { json: jobBody() }), 201);
      runId = (await json(await send(open, "POST", jobPath("auth-job", "/run")), 202)).id;
      for (const [method, path, opts, status] of routes()) {
        const res = await send(open, method, path, opts);
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status });
      }
    } finally {
      await open.stop();
    }
  });
});
