// The OpenAPI 3.1 document, the offline Swagger UI, and the health probes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectProblem, json, newRuntime, send, TOKEN } from "./helpers.ts";

let rt: Runtime;
let doc: any;
beforeAll(async () => {
  rt = await newRuntime({ apiTokens: [TOKEN] });
  doc = await json(await send(rt, "GET", "/openapi.json"), 200);
});
afterAll(async () => {
  await rt.stop();
});

const METHODS = ["get", "put", "post", "patch", "delete"] as const;
const operations = (): { method: string; path: string; op: any }[] =>
  Object.entries(doc.paths as Record<string, any>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
  );

describe("GET /openapi.json", () => {
  test("is an OpenAPI 3.1 document for this version", () => {
    expect(doc.openapi).toStartWith("3.1");
    expect(doc.info).toMatchObject({ title: "cronhook", version: rt.config.version });
  });

  test("describes every route of the contract with the operationId it is generated from", () => {
    const table = Object.fromEntries(operations().map(({ method, path, op }) => [`${method.toUpperCase()} ${path}`, op.operationId]));
    expect(table).toEqual({
      "POST /v1/jobs": "createJob",
      "GET /v1/jobs": "listJobs",
      "GET /v1/jobs/{id}": "getJob",
      "PUT /v1/jobs/{id}": "putJob",
      "PATCH /v1/jobs/{id}": "patchJob",
      "DELETE /v1/jobs/{id}": "deleteJob",
      "POST /v1/jobs/{id}/pause": "pauseJob",
      "POST /v1/jobs/{id}/resume": "resumeJob",
      "POST /v1/jobs/{id}/run": "runJob",
      "GET /v1/jobs/{id}/runs": "listJobRuns",
      "GET /v1/runs": "listRuns",
      "GET /v1/runs/{id}": "getRun",
      "DELETE /v1/runs": "clearRuns",
      "POST /v1/triggers/preview": "previewTrigger",
      "GET /v1/scheduler": "getScheduler",
      "POST /v1/scheduler/wakeup": "wakeupScheduler",
      "POST /v1/scheduler/pause": "pauseScheduler",
      "POST /v1/scheduler/resume": "resumeScheduler",
      "GET /healthz": "getHealth",
      "GET /readyz": "getReadiness",
      "GET /metrics": "getMetrics",
    });
  });

  test("gives every operation a tag, summary and description, and every /v1 operation bearer security and the shared errors", () => {
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      expect({ where, tags: op.tags?.length > 0, summary: !!op.summary, description: !!op.description }).toEqual({ where, tags: true, summary: true, description: true });
      if (path.startsWith("/v1/")) {
        expect({ where, security: op.security }).toEqual({ where, security: [{ bearerAuth: [] }] });
        for (const status of ["400", "401", "500"]) {
          expect({ where, status, type: Object.keys(op.responses[status]?.content ?? {}) }).toEqual({ where, status, type: ["application/problem+json"] });
        }
      }
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        for (const media of Object.values(response.content ?? {}) as any[]) {
          const example = media.example ?? media.examples ?? resolve(media.schema)?.example;
          expect({ where, status, example: example !== undefined }).toEqual({ where, status, example: true });
        }
      }
      for (const media of Object.values(op.requestBody?.content ?? {}) as any[]) {
        expect({ where, requestExample: media.example !== undefined }).toEqual({ where, requestExample: true });
      }
    }
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("marks JSON bodies required, except the optional pause body", () => {
    for (const { method, path, op } of operations()) {
      if (!op.requestBody) continue;
      expect({ where: `${method} ${path}`, required: op.requestBody.required }).toEqual({ where: `${method} ${path}`, required: path !== "/v1/jobs/{id}/pause" });
    }
  });

  test("declares the bearer security scheme and the named schemas", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const name of ["Job", "JobCreate", "JobSpec", "JobPatch", "Run", "Problem", "FieldError", "TriggerInput", "JobPage", "RunPage", "SchedulerStatus"]) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
  });

  test("documents the list query parameters and If-Match", () => {
    const names = (path: string, method: string) => doc.paths[path][method].parameters.map((p: { name: string }) => p.name).sort();
    expect(names("/v1/jobs", "get")).toEqual(["cursor", "label", "limit", "name", "q", "state"]);
    expect(names("/v1/runs", "get")).toEqual(["cursor", "from", "jobId", "limit", "name", "status", "to"]);
    expect(names("/v1/runs", "delete")).toEqual(["before", "jobId"]);
    expect(names("/v1/jobs/{id}", "patch")).toEqual(["If-Match", "id"]);
    expect(names("/v1/jobs/{id}/run", "post")).toEqual(["id", "timeoutMs", "wait"]);
  });
});

function resolve(schema: any): any {
  const ref: string | undefined = schema?.$ref;
  return ref ? doc.components.schemas[ref.split("/").pop()!] : schema;
}

describe("GET /docs", () => {
  test("serves Swagger UI HTML that loads only its own assets", async () => {
    const res = await send(rt, "GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    const html = await res.text();
    expect(html).toContain('id="swagger-ui"');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBe(3);
    for (const src of srcs) {
      expect(src).not.toContain("//");
      const asset = await send(rt, "GET", new URL(src, "http://localhost/docs").pathname);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expect((await asset.text()).length).toBeGreaterThan(20);
    }
  });

  test("serves the bundled Swagger UI script and stylesheet with their content types", async () => {
    const js = await send(rt, "GET", "/docs/assets/swagger-ui-bundle.js");
    expect(js.headers.get("content-type")).toStartWith("text/javascript");
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const css = await send(rt, "GET", "/docs/assets/swagger-ui.css");
    expect(css.headers.get("content-type")).toStartWith("text/css");
    expect(await css.text()).toContain(".swagger-ui");
    const init = await (await send(rt, "GET", "/docs/assets/init.js")).text();
    expect(init).toContain('url: "openapi.json"');
    expect(init).toContain("validatorUrl: null");
  });

  test("answers a 404 problem for an unknown asset", async () => {
    await expectProblem(await send(rt, "GET", "/docs/assets/evil.js"), 404, "not_found");
  });
});

describe("health probes", () => {
  test("GET /healthz answers 200 {status: ok} without a token", async () => {
    expect(await json(await send(rt, "GET", "/healthz"), 200)).toEqual({ status: "ok" });
  });

  test("GET /readyz answers 200 when the database is reachable and migrated", async () => {
    expect(await json(await send(rt, "GET", "/readyz"), 200)).toMatchObject({ status: "ready" });
  });

  test("GET /readyz answers a 503 not_ready problem once the database is gone, while /healthz still answers 200", async () => {
    const gone = await newRuntime();
    await gone.stop();
    const p = await expectProblem(await send(gone, "GET", "/readyz"), 503, "not_ready");
    expect(p.detail.length).toBeGreaterThan(0);
    expect(await json(await send(gone, "GET", "/healthz"), 200)).toEqual({ status: "ok" });
  });
});
