// The compatibility layer's plumbing: CORS for browser front ends, CRONHOOK_COMPAT switches, auth, OpenAPI tags, and the new settings.
import { afterEach, describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import type { Runtime } from "../../src/runtime.ts";
import { answer, call, compatRuntime, TOKEN } from "./helpers.ts";

let rt: Runtime | null = null;
afterEach(async () => {
  await rt?.stop();
  rt = null;
});

const FRONT_END = "http://localhost:5173";

describe("CORS (CRONHOOK_CORS_ORIGINS)", () => {
  test("answers a preflight from a configured origin, before auth, and marks the actual answer", async () => {
    rt = await compatRuntime({ corsOrigins: [FRONT_END, "https://ops.example.test"], apiTokens: [TOKEN] });
    const pre = await call(rt, "OPTIONS", "/scheduler/get_jobs", {
      headers: { origin: FRONT_END, "access-control-request-method": "GET", "access-control-request-headers": "authorization, content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    expect(pre.headers.get("access-control-allow-methods")).toContain("DELETE");
    expect(pre.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(pre.headers.get("access-control-max-age")).toBe("600");

    const res = await call(rt, "GET", "/scheduler/get_jobs", { headers: { origin: FRONT_END, authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    // The same holds for /v1.
    const v1 = await call(rt, "OPTIONS", "/v1/jobs", { headers: { origin: "https://ops.example.test", "access-control-request-method": "POST" } });
    expect(v1.status).toBe(204);
    expect(v1.headers.get("access-control-allow-origin")).toBe("https://ops.example.test");
  });

  test("does not allow an origin that is not listed", async () => {
    rt = await compatRuntime({ corsOrigins: [FRONT_END] });
    const pre = await call(rt, "OPTIONS", "/scheduler/get_jobs", { headers: { origin: "https://evil.example.test", "access-control-request-method": "GET" } });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("allows any origin with *", async () => {
    rt = await compatRuntime({ corsOrigins: ["*"] });
    const res = await call(rt, "GET", "/scheduler/get_jobs", { headers: { origin: "https://anywhere.example.test" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("sends no CORS headers when no origin is configured", async () => {
    rt = await compatRuntime();
    const res = await call(rt, "GET", "/scheduler/get_jobs", { headers: { origin: FRONT_END } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CRONHOOK_COMPAT", () => {
  test("mounts only the APIs it names", async () => {
    rt = await compatRuntime({ compat: ["ruqi"] });
    expect((await call(rt, "GET", "/ruqi/job_list")).status).toBe(200);
    expect((await call(rt, "GET", "/scheduler/get_jobs")).status).toBe(404);
    expect((await call(rt, "GET", "/scheduler/jobs")).status).toBe(404);
  });

  test("none mounts no compatibility route and documents none", async () => {
    rt = await compatRuntime({ compat: [] });
    expect((await call(rt, "GET", "/ruqi/job_list")).status).toBe(404);
    expect((await call(rt, "GET", "/scheduler")).status).toBe(404);
    const doc = await answer(call(rt, "GET", "/openapi.json"));
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/scheduler") || p.startsWith("/ruqi"))).toEqual([]);
  });

  test("is on for all three by default, and reads from flags and the environment", () => {
    expect(loadConfig([], {}).compat).toEqual(["seldom", "ruqi", "apscheduler"]);
    expect(loadConfig([], { CRONHOOK_COMPAT: "ruqi, seldom" }).compat).toEqual(["ruqi", "seldom"]);
    expect(loadConfig(["--compat", "none"], { CRONHOOK_COMPAT: "ruqi" }).compat).toEqual([]);
    expect(loadConfig(["--compat=all"], {}).compat).toEqual(["seldom", "ruqi", "apscheduler"]);
    expect(() => loadConfig(["--compat", "quartz"], {})).toThrow(ConfigError);
    expect(() => loadConfig(["--compat", "quartz"], {})).toThrow(/--compat: must be a comma-separated list of seldom, ruqi, apscheduler/);
  });
});

describe("the other compat settings", () => {
  test("CRONHOOK_CORS_ORIGINS, CRONHOOK_RUQI_BASE_URL and CRONHOOK_COMPAT_TZ have flag twins and are checked", () => {
    const c = loadConfig(["--ruqi-base-url", "http://127.0.0.1:8200", "--compat-tz", "Asia/Shanghai"], { CRONHOOK_CORS_ORIGINS: "http://localhost:5173, https://a.example.test:8443" });
    expect(c).toMatchObject({ corsOrigins: ["http://localhost:5173", "https://a.example.test:8443"], ruqiBaseUrl: "http://127.0.0.1:8200", compatTz: "Asia/Shanghai" });
    expect(loadConfig([], {})).toMatchObject({ corsOrigins: [], compatTz: "UTC" });
    expect(loadConfig([], {}).ruqiBaseUrl).toBeUndefined();
    expect(() => loadConfig(["--cors-origins", "http://localhost:5173/app"], {})).toThrow(/--cors-origins/);
    expect(() => loadConfig([], { CRONHOOK_RUQI_BASE_URL: "ftp://x" })).toThrow(/CRONHOOK_RUQI_BASE_URL/);
    expect(() => loadConfig([], { CRONHOOK_COMPAT_TZ: "Mars/Olympus" })).toThrow(/CRONHOOK_COMPAT_TZ/);
  });
});

describe("auth and OpenAPI", () => {
  test("every compatibility route takes the same bearer token as /v1", async () => {
    rt = await compatRuntime({ apiTokens: [TOKEN] });
    for (const [method, path] of [["GET", "/scheduler/get_jobs"], ["POST", "/scheduler/cron/add_job"], ["GET", "/ruqi/job_list"], ["GET", "/scheduler"], ["POST", "/scheduler/jobs"]] as const) {
      const res = await call(rt, method, path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    expect((await call(rt, "GET", "/ruqi/job_list", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  test("documents each API's operations under its own tag, with a summary, a description and bearer security", async () => {
    rt = await compatRuntime();
    const doc = await answer(call(rt, "GET", "/openapi.json"));
    const ops: { path: string; op: any }[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) ops.push({ path, op });
    }
    const byTag = (tag: string) => ops.filter((o) => o.op.tags?.includes(tag)).map((o) => o.op.operationId).sort();
    expect(byTag("compat: schedule-server")).toEqual([
      "seldomAddCronJob", "seldomAddDateJob", "seldomAddIntervalJob", "seldomGetJob", "seldomGetJobs", "seldomPauseJob", "seldomRemoveJob", "seldomResumeJob",
    ]);
    expect(byTag("compat: RuQi").length).toBe(12);
    expect(byTag("compat: Flask-APScheduler").length).toBe(13);
    for (const { path, op } of ops.filter((o) => o.path.startsWith("/scheduler") || o.path.startsWith("/ruqi"))) {
      expect({ path, tags: op.tags?.length, summary: !!op.summary, description: !!op.description, security: op.security }).toEqual({
        path, tags: 1, summary: true, description: true, security: [{ bearerAuth: [] }],
      });
    }
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.schemas.FieldsTriggerInput).toBeDefined();
  });
});
