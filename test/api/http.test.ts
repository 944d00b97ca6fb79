// Cross-cutting HTTP behaviour: request ids, the per-request log line, unknown routes, and unexpected errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Unavailable } from "../../src/domain/errors.ts";
import { createLogger } from "../../src/log/logger.ts";
import type { Runtime } from "../../src/runtime.ts";
import { expectProblem, jobBody, jobPath, json, newRuntime, send, TOKEN } from "./helpers.ts";

let rt: Runtime;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  const logger = createLogger({ level: "info", write: (line) => lines.push(JSON.parse(line)) });
  rt = await newRuntime({ apiTokens: [TOKEN] }, { logger });
});
afterAll(async () => {
  await rt.stop();
});

const requestLines = (requestId: string) => lines.filter((l) => l.msg === "request" && l.requestId === requestId);

describe("request ids", () => {
  test("echoes a sane X-Request-Id in the response header and the problem body", async () => {
    const res = await send(rt, "GET", jobPath("missing"), { token: TOKEN, headers: { "X-Request-Id": "trace-abc.123:XYZ" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc.123:XYZ");
    expect((await expectProblem(res, 404, "job_not_found")).requestId).toBe("trace-abc.123:XYZ");
  });

  test("echoes the id on successful responses too", async () => {
    const res = await send(rt, "GET", "/healthz", { headers: { "X-Request-Id": "ok-1" } });
    expect(res.headers.get("x-request-id")).toBe("ok-1");
  });

  test("generates an id when none is sent, a different one per request", async () => {
    const a = (await send(rt, "GET", "/healthz")).headers.get("x-request-id");
    const b = (await send(rt, "GET", "/healthz")).headers.get("x-request-id");
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(a).not.toBe(b);
  });

  test("replaces an id that is too long or not printable ASCII", async () => {
    for (const bad of ["x".repeat(201), "has space", "tab\there", "ünï"]) {
      const res = await send(rt, "GET", "/healthz", { headers: { "X-Request-Id": bad } });
      const got = res.headers.get("x-request-id");
      expect(got).toBeTruthy();
      expect(got).not.toBe(bad);
      expect(got!.length).toBeLessThanOrEqual(200);
    }
  });
});

describe("the request log", () => {
  test("writes one JSON line per request with method, path, status, durationMs and requestId", async () => {
    await send(rt, "POST", "/v1/jobs", { token: TOKEN, json: jobBody({ id: "logged" }), headers: { "X-Request-Id": "log-1" } });
    const [line, ...rest] = requestLines("log-1");
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: "info", msg: "request", method: "POST", path: "/v1/jobs", status: 201, requestId: "log-1" });
    expect(typeof line!.durationMs).toBe("number");
  });

  test("never logs header values or bodies", async () => {
    const secret = "s3cr3t-body-value";
    await send(rt, "PUT", jobPath("logged-2"), {
      token: TOKEN,
      json: jobBody({ target: { url: "https://example.test/", headers: { authorization: `Bearer ${secret}` }, body: secret } }),
      headers: { "X-Request-Id": "log-2", Cookie: `c=${secret}` },
    });
    expect(requestLines("log-2").length).toBe(1);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(TOKEN);
  });

  test("logs refused requests with their status", async () => {
    await send(rt, "GET", "/v1/jobs", { headers: { "X-Request-Id": "log-3" } });
    expect(requestLines("log-3")[0]).toMatchObject({ status: 401, path: "/v1/jobs" });
  });
});

describe("unknown routes and methods", () => {
  test("answers a 404 not_found problem for an unknown path", async () => {
    await expectProblem(await send(rt, "GET", "/nowhere"), 404, "not_found");
    await expectProblem(await send(rt, "GET", "/v1/nowhere", { token: TOKEN }), 404, "not_found");
  });

  test("answers a 405 problem with Allow for a known path and another method", async () => {
    const res = await send(rt, "DELETE", "/healthz");
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    const jobs = await send(rt, "PATCH", "/v1/jobs", { token: TOKEN, json: {} });
    await expectProblem(jobs, 405, "method_not_allowed");
    expect(jobs.headers.get("allow")).toBe("GET, HEAD, POST");
    const one = await send(rt, "POST", jobPath("x/y"), { token: TOKEN, json: {} });
    await expectProblem(one, 405, "method_not_allowed");
    expect(one.headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH, PUT");
  });
});

describe("errors from the services", () => {
  test("an unexpected error is a 500 problem with a generic detail, and the log has the error", async () => {
    const original = rt.services.jobs.get;
    rt.services.jobs.get = async () => {
      throw new Error("database file /secret/path is corrupt");
    };
    try {
      const res = await send(rt, "GET", jobPath("boom"), { token: TOKEN, headers: { "X-Request-Id": "boom-1" } });
      const p = await expectProblem(res, 500, "internal_error");
      expect(JSON.stringify(p)).not.toContain("secret");
      expect(p.requestId).toBe("boom-1");
      const logged = lines.find((l) => l.msg === "unhandled error" && l.requestId === "boom-1") as { err: { message: string } } | undefined;
      expect(logged?.err.message).toContain("/secret/path");
      expect(requestLines("boom-1")[0]).toMatchObject({ level: "error", status: 500 });
    } finally {
      rt.services.jobs.get = original;
    }
  });

  test("a domain error carries its own status and code, e.g. 503 from Unavailable", async () => {
    const original = rt.services.scheduler.status;
    rt.services.scheduler.status = async () => {
      throw new Unavailable("database_busy", "the database is busy; retry");
    };
    try {
      const p = await expectProblem(await send(rt, "GET", "/v1/scheduler", { token: TOKEN }), 503, "database_busy");
      expect(p).toMatchObject({ title: "Service unavailable", detail: "the database is busy; retry" });
    } finally {
      rt.services.scheduler.status = original;
    }
  });

  test("a validation problem lists each field with a path and message", async () => {
    const p = await expectProblem(await send(rt, "POST", "/v1/jobs", { token: TOKEN, json: { trigger: { type: "cron" }, target: {} } }), 400, "validation_failed");
    expect(p.errors).toEqual([
      { path: "trigger.expr", message: expect.any(String) },
      { path: "target.url", message: expect.any(String) },
    ]);
    expect(p.detail).toContain("trigger.expr");
    expect(p.instance).toBe("/v1/jobs");
  });

  test("HEAD on a GET route answers like GET without a body", async () => {
    await json(await send(rt, "PUT", jobPath("headed"), { token: TOKEN, json: jobBody() }), 201);
    const res = await send(rt, "HEAD", jobPath("headed"), { token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('W/"1"');
  });
});
