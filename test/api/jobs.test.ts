// Job routes through the real runtime: create, put, patch, get, delete, list, pause, resume, run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectFieldProblem, expectProblem, jobBody, jobPath, json, newRuntime, send } from "./helpers.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await newRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe("POST /v1/jobs", () => {
  test("creates a job and answers 201 with the stored job, a Location and an ETag", async () => {
    const res = await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "create-1", name: "reports", labels: { team: "qa" } }) });
    const job = await json(res, 201);
    expect(job).toMatchObject({
      id: "create-1",
      name: "reports",
      labels: { team: "qa" },
      trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "UTC" },
      target: { url: "https://example.test/hook", method: "POST" },
      state: "active",
      runCount: 0,
      version: 1,
    });
    expect(Date.parse(job.nextFireAt)).toBeGreaterThan(Date.now());
    expect(res.headers.get("location")).toBe("/v1/jobs/create-1");
    expect(res.headers.get("etag")).toBe('W/"1"');
    expect(res.headers.get("content-type")).toStartWith("application/json");
  });

  test("accepts application/json with a charset parameter", async () => {
    const res = await send(rt, "POST", "/v1/jobs", {
      body: JSON.stringify(jobBody({ id: "create-charset" })),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect((await json(res, 201)).id).toBe("create-charset");
  });

  test("generates an id when none is given", async () => {
    const job = await json(await send(rt, "POST", "/v1/jobs", { json: jobBody() }), 201);
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await json(await send(rt, "GET", jobPath(job.id)), 200);
  });

  test("answers 409 job_exists when the id is taken and leaves the first job unchanged", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "create-dup", description: "first" }) }), 201);
    const res = await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "create-dup", description: "second" }) });
    await expectProblem(res, 409, "job_exists");
    const job = await json(await send(rt, "GET", jobPath("create-dup")), 200);
    expect(job.description).toBe("first");
    expect(job.version).toBe(1);
  });

  test("accepts interval and date triggers", async () => {
    const interval = await json(
      await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "create-interval", trigger: { type: "interval", every: "90s" } }) }),
      201,
    );
    expect(interval.trigger).toMatchObject({ type: "interval", every: "90s", everyMs: 90_000 });
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const date = await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "create-date", trigger: { type: "date", at } }) }), 201);
    expect(date.nextFireAt).toBe(at);
  });
});

describe("PUT /v1/jobs/{id}", () => {
  test("creates the job with 201 when it does not exist", async () => {
    const res = await send(rt, "PUT", jobPath("put-1"), { json: jobBody({ name: "apply" }) });
    const job = await json(res, 201);
    expect(job).toMatchObject({ id: "put-1", name: "apply", version: 1 });
    expect(res.headers.get("location")).toBe("/v1/jobs/put-1");
  });

  test("replaces the job with 200 when it exists", async () => {
    await json(await send(rt, "PUT", jobPath("put-2"), { json: jobBody({ description: "old" }) }), 201);
    const res = await send(rt, "PUT", jobPath("put-2"), { json: jobBody({ description: "new", trigger: { type: "interval", every: "5m" } }) });
    const job = await json(res, 200);
    expect(job).toMatchObject({ id: "put-2", description: "new", trigger: { type: "interval", everyMs: 300_000 }, version: 2 });
    expect(res.headers.get("etag")).toBe('W/"2"');
  });

  test("is idempotent: the same definition twice leaves the job at its version", async () => {
    const first = await json(await send(rt, "PUT", jobPath("put-3"), { json: jobBody({ labels: { a: "b" } }) }), 201);
    const second = await json(await send(rt, "PUT", jobPath("put-3"), { json: jobBody({ labels: { a: "b" } }) }), 200);
    expect(second.version).toBe(first.version);
    expect(second.updatedAt).toBe(first.updatedAt);
  });

  test("rejects an id in the body as an unknown field (the id comes from the path)", async () => {
    const res = await send(rt, "PUT", jobPath("put-4"), { json: jobBody({ id: "other" }) });
    await expectFieldProblem(res, 400, "validation_failed", "id");
    await expectProblem(await send(rt, "GET", jobPath("put-4")), 404, "job_not_found");
    await expectProblem(await send(rt, "GET", jobPath("other")), 404, "job_not_found");
  });

  test("answers 400 naming the field for an invalid definition and writes nothing", async () => {
    const res = await send(rt, "PUT", jobPath("put-5"), { json: jobBody({ trigger: { type: "cron", expr: "61 * * * *" } }) });
    await expectFieldProblem(res, 400, undefined, "trigger.expr");
    await expectProblem(await send(rt, "GET", jobPath("put-5")), 404, "job_not_found");
  });
});

describe("PATCH /v1/jobs/{id}", () => {
  test("changes only the fields sent and bumps the version", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "patch-1", description: "d", labels: { k: "v" } }) }), 201);
    const res = await send(rt, "PATCH", jobPath("patch-1"), { json: { description: "changed", target: { timeoutMs: 5000 } } });
    const job = await json(res, 200);
    expect(job).toMatchObject({ description: "changed", labels: { k: "v" }, version: 2 });
    expect(job.target).toMatchObject({ url: "https://example.test/hook", method: "POST", timeoutMs: 5000 });
    expect(res.headers.get("etag")).toBe('W/"2"');
  });

  test('accepts If-Match as 3, "3", W/"3" or *', async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "patch-2" }) }), 201);
    let version = 1;
    for (const form of [(v: number) => `${v}`, (v: number) => `"${v}"`, (v: number) => `W/"${v}"`]) {
      const job = await json(
        await send(rt, "PATCH", jobPath("patch-2"), { json: { description: `v${version}` }, headers: { "If-Match": form(version) } }),
        200,
      );
      expect(job.version).toBe(version + 1);
      version = job.version;
    }
    // * matches any current version.
    expect((await json(await send(rt, "PATCH", jobPath("patch-2"), { json: { description: "any" }, headers: { "If-Match": "*" } }), 200)).version).toBe(5);
  });

  test("answers 412 version_mismatch for a stale If-Match and leaves the job unchanged", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "patch-3", description: "keep" }) }), 201);
    await json(await send(rt, "PATCH", jobPath("patch-3"), { json: { name: "g2" }, headers: { "If-Match": "1" } }), 200);
    const res = await send(rt, "PATCH", jobPath("patch-3"), { json: { description: "lost update" }, headers: { "If-Match": 'W/"1"' } });
    await expectProblem(res, 412, "version_mismatch");
    const job = await json(await send(rt, "GET", jobPath("patch-3")), 200);
    expect(job).toMatchObject({ description: "keep", name: "g2", version: 2 });
  });

  test("answers 400 naming If-Match when it is not a version", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "patch-4" }) }), 201);
    const res = await send(rt, "PATCH", jobPath("patch-4"), { json: { description: "x" }, headers: { "If-Match": "yesterday" } });
    await expectFieldProblem(res, 400, "validation_failed", "If-Match");
    expect((await json(await send(rt, "GET", jobPath("patch-4")), 200)).version).toBe(1);
  });

  test("answers 400 naming the field for a bad value and leaves the job unchanged", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "patch-5" }) }), 201);
    await expectFieldProblem(
      await send(rt, "PATCH", jobPath("patch-5"), { json: { trigger: { type: "cron", expr: "0 0 * * *", timezone: "Nowhere/Land" } } }),
      400,
      undefined,
      "trigger.timezone",
    );
    await expectFieldProblem(await send(rt, "PATCH", jobPath("patch-5"), { json: { bogus: true } }), 400, "validation_failed", "bogus");
    const job = await json(await send(rt, "GET", jobPath("patch-5")), 200);
    expect(job).toMatchObject({ version: 1, trigger: { timezone: "UTC" } });
  });

  test("answers 404 job_not_found for an unknown job", async () => {
    await expectProblem(await send(rt, "PATCH", jobPath("patch-missing"), { json: { description: "x" } }), 404, "job_not_found");
  });
});

describe("GET /v1/jobs/{id}", () => {
  test("answers the job with its version as ETag", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "get-1" }) }), 201);
    const res = await send(rt, "GET", jobPath("get-1"));
    expect((await json(res, 200)).id).toBe("get-1");
    expect(res.headers.get("etag")).toBe('W/"1"');
  });

  test("answers a 404 job_not_found problem for an unknown id", async () => {
    const p = await expectProblem(await send(rt, "GET", jobPath("nope")), 404, "job_not_found");
    expect(p.detail).toContain("nope");
  });
});

describe("DELETE /v1/jobs/{id}", () => {
  test("removes the job with 204, after which GET answers 404", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "delete-1" }) }), 201);
    const res = await send(rt, "DELETE", jobPath("delete-1"));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectProblem(await send(rt, "GET", jobPath("delete-1")), 404, "job_not_found");
  });

  test("answers 404 job_not_found for an unknown job", async () => {
    await expectProblem(await send(rt, "DELETE", jobPath("delete-missing")), 404, "job_not_found");
  });
});

describe("GET /v1/jobs", () => {
  let list: Runtime;
  beforeAll(async () => {
    list = await newRuntime();
    for (let i = 0; i < 7; i++) {
      await json(
        await send(list, "PUT", jobPath(`list-${i}`), {
          json: jobBody({
            name: i < 4 ? "alpha" : "beta",
            labels: { team: i % 2 === 0 ? "qa" : "ops", tier: i < 2 ? "gold" : "std", url: "http://x:1" },
            description: i === 5 ? "the needle here" : undefined,
          }),
        }),
        201,
      );
    }
    await json(await send(list, "POST", jobPath("list-6", "/pause"), {}), 200);
  });
  afterAll(async () => {
    await list.stop();
  });
  const ids = (page: { items: { id: string }[] }) => page.items.map((j) => j.id).sort();

  test("lists every job with a null nextCursor when one page holds them", async () => {
    const page = await json(await send(list, "GET", "/v1/jobs"), 200);
    expect(ids(page)).toEqual(["list-0", "list-1", "list-2", "list-3", "list-4", "list-5", "list-6"]);
    expect(page.nextCursor).toBeNull();
  });

  test("filters by name, state, q and repeated labels", async () => {
    expect(ids(await json(await send(list, "GET", "/v1/jobs?name=beta"), 200))).toEqual(["list-4", "list-5", "list-6"]);
    expect(ids(await json(await send(list, "GET", "/v1/jobs?state=paused"), 200))).toEqual(["list-6"]);
    expect(ids(await json(await send(list, "GET", "/v1/jobs?q=needle"), 200))).toEqual(["list-5"]);
    expect(ids(await json(await send(list, "GET", "/v1/jobs?label=team:qa"), 200))).toEqual(["list-0", "list-2", "list-4", "list-6"]);
    expect(ids(await json(await send(list, "GET", "/v1/jobs?label=team:qa&label=tier:gold"), 200))).toEqual(["list-0"]);
    expect(ids(await json(await send(list, "GET", `/v1/jobs?label=${encodeURIComponent("url:http://x:1")}&name=alpha`), 200))).toEqual([
      "list-0",
      "list-1",
      "list-2",
      "list-3",
    ]);
  });

  test("pages with limit and nextCursor until the cursor is null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await json(
        await send(list, "GET", `/v1/jobs?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(["list-0", "list-1", "list-2", "list-3", "list-4", "list-5", "list-6"]);
  });

  test("answers 400 naming limit when it is over 500, under 1 or not a number", async () => {
    for (const limit of ["501", "0", "ten", "2.5"]) {
      await expectFieldProblem(await send(list, "GET", `/v1/jobs?limit=${limit}`), 400, "validation_failed", "limit");
    }
  });

  test("answers 400 naming state, label or cursor when they are malformed", async () => {
    await expectFieldProblem(await send(list, "GET", "/v1/jobs?state=sleeping"), 400, "validation_failed", "state");
    const p = await expectProblem(await send(list, "GET", "/v1/jobs?label=nocolon"), 400, "validation_failed");
    expect(p.errors?.[0]?.path).toStartWith("label");
    await expectFieldProblem(await send(list, "GET", "/v1/jobs?cursor=%25%25garbage"), 400, undefined, "cursor");
  });

  test("uses a default page size of 50", async () => {
    const big = await newRuntime();
    try {
      for (let i = 0; i < 52; i++) await json(await send(big, "PUT", jobPath(`many-${String(i).padStart(2, "0")}`), { json: jobBody() }), 201);
      const page = await json(await send(big, "GET", "/v1/jobs"), 200);
      expect(page.items.length).toBe(50);
      expect(page.nextCursor).toBeString();
    } finally {
      await big.stop();
    }
  });
});

describe("POST /v1/jobs/{id}/pause and /resume", () => {
  test("pauses a job with no body at all", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "pause-1" }) }), 201);
    const job = await json(await send(rt, "POST", jobPath("pause-1", "/pause")), 200);
    expect(job).toMatchObject({ state: "paused", nextFireAt: null });
  });

  test("pauses a job with an empty body sent as JSON", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "pause-2" }) }), 201);
    const res = await send(rt, "POST", jobPath("pause-2", "/pause"), { body: "", headers: { "content-type": "application/json" } });
    expect((await json(res, 200)).state).toBe("paused");
  });

  test("records the reason given in the body", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "pause-3" }) }), 201);
    const job = await json(await send(rt, "POST", jobPath("pause-3", "/pause"), { json: { reason: "maintenance" } }), 200);
    expect(job).toMatchObject({ state: "paused", pausedReason: "maintenance" });
  });

  test("answers 400 naming the field for an unknown or mistyped body field and keeps the job active", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "pause-4" }) }), 201);
    await expectFieldProblem(await send(rt, "POST", jobPath("pause-4", "/pause"), { json: { why: "x" } }), 400, "validation_failed", "why");
    await expectFieldProblem(await send(rt, "POST", jobPath("pause-4", "/pause"), { json: { reason: 5 } }), 400, "validation_failed", "reason");
    await expectProblem(await send(rt, "POST", jobPath("pause-4", "/pause"), { body: "{", headers: { "content-type": "application/json" } }), 400, "invalid_json");
    expect((await json(await send(rt, "GET", jobPath("pause-4")), 200)).state).toBe("active");
  });

  test("resumes a paused job with a next fire time", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "resume-1" }) }), 201);
    await json(await send(rt, "POST", jobPath("resume-1", "/pause"), { json: { reason: "x" } }), 200);
    const job = await json(await send(rt, "POST", jobPath("resume-1", "/resume")), 200);
    expect(job).toMatchObject({ state: "active", pausedReason: null });
    expect(Date.parse(job.nextFireAt)).toBeGreaterThan(Date.now());
  });

  test("answers 404 job_not_found for an unknown job", async () => {
    await expectProblem(await send(rt, "POST", jobPath("ghost", "/pause")), 404, "job_not_found");
    await expectProblem(await send(rt, "POST", jobPath("ghost", "/resume")), 404, "job_not_found");
  });
});

describe("POST /v1/jobs/{id}/run", () => {
  test("answers 202 with a pending manual run and its Location", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "run-1" }) }), 201);
    const res = await send(rt, "POST", jobPath("run-1", "/run"));
    const run = await json(res, 202);
    expect(run).toMatchObject({ jobId: "run-1", trigger: "manual", status: "pending" });
    expect(res.headers.get("location")).toBe(`/v1/runs/${run.id}`);
    expect((await json(await send(rt, "GET", `/v1/runs/${run.id}`), 200)).id).toBe(run.id);
  });

  test("answers 400 naming wait or timeoutMs when they are malformed", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "run-2" }) }), 201);
    await expectFieldProblem(await send(rt, "POST", jobPath("run-2", "/run?wait=maybe")), 400, "validation_failed", "wait");
    await expectFieldProblem(await send(rt, "POST", jobPath("run-2", "/run?wait=true&timeoutMs=-1")), 400, "validation_failed", "timeoutMs");
  });

  test("answers 404 job_not_found for an unknown job", async () => {
    await expectProblem(await send(rt, "POST", jobPath("ghost", "/run")), 404, "job_not_found");
  });
});
