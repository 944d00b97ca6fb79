// Run routes through the real runtime with the engine started and a real local HTTP target.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectFieldProblem, expectProblem, jobBody, jobPath, json, newRuntime, send } from "./helpers.ts";

let rt: Runtime;
let target: ReturnType<typeof Bun.serve>;
let hits = 0;

beforeAll(async () => {
  target = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      hits++;
      const url = new URL(req.url);
      if (url.pathname === "/fail") return new Response("nope", { status: 500 });
      return new Response("pong", { status: 200 });
    },
  });
  rt = await newRuntime();
  await rt.start();
  const url = (path: string) => `http://127.0.0.1:${target.port}${path}`;
  // Far-future schedules: only manual runs happen during the test.
  await json(await send(rt, "PUT", jobPath("ok-job"), { json: jobBody({ name: "g1", target: { url: url("/ok"), method: "POST" } }) }), 201);
  await json(await send(rt, "PUT", jobPath("bad-job"), { json: jobBody({ name: "g2", target: { url: url("/fail") } }) }), 201);
});
afterAll(async () => {
  await rt.stop();
  target.stop(true);
});

describe("POST /v1/jobs/{id}/run?wait=true", () => {
  test("answers 200 with the finished run once the target has answered", async () => {
    const before = hits;
    const run = await json(await send(rt, "POST", jobPath("ok-job", "/run?wait=true&timeoutMs=10000")), 200);
    expect(run).toMatchObject({ jobId: "ok-job", jobName: "g1", trigger: "manual", status: "succeeded", attempts: 1, httpStatus: 200, response: "pong" });
    expect(run.finishedAt).toBeString();
    expect(hits).toBe(before + 1);
  });

  test("answers 200 with a failed run when the target answers 500", async () => {
    const run = await json(await send(rt, "POST", jobPath("bad-job", "/run?wait=1")), 200);
    expect(run).toMatchObject({ jobId: "bad-job", status: "failed", httpStatus: 500 });
  });
});

describe("GET /v1/runs", () => {
  test("lists runs newest first with filters on job, group and status", async () => {
    await json(await send(rt, "POST", jobPath("ok-job", "/run?wait=true")), 200);
    const all = await json(await send(rt, "GET", "/v1/runs"), 200);
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const times = all.items.map((r: { scheduledAt: string }) => Date.parse(r.scheduledAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const ok = await json(await send(rt, "GET", "/v1/runs?jobId=ok-job"), 200);
    expect(ok.items.length).toBe(2);
    expect(ok.items.every((r: { jobId: string }) => r.jobId === "ok-job")).toBe(true);
    const g2 = await json(await send(rt, "GET", "/v1/runs?name=g2"), 200);
    expect(g2.items.map((r: { jobId: string }) => r.jobId)).toEqual(["bad-job"]);
    const failed = await json(await send(rt, "GET", "/v1/runs?status=failed"), 200);
    expect(failed.items.map((r: { jobId: string }) => r.jobId)).toEqual(["bad-job"]);
  });

  test("filters on a [from, to) window of scheduled times", async () => {
    const future = await json(await send(rt, "GET", "/v1/runs?from=2999-01-01T00:00:00Z"), 200);
    expect(future.items).toEqual([]);
    const past = await json(await send(rt, "GET", "/v1/runs?to=2000-01-01"), 200);
    expect(past.items).toEqual([]);
    const now = await json(await send(rt, "GET", `/v1/runs?from=2000-01-01T00:00:00%2B08:00&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), 200);
    expect(now.items.length).toBeGreaterThanOrEqual(3);
  });

  test("pages with limit and cursor", async () => {
    const first = await json(await send(rt, "GET", "/v1/runs?limit=1"), 200);
    expect(first.items.length).toBe(1);
    expect(first.nextCursor).toBeString();
    const second = await json(await send(rt, "GET", `/v1/runs?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`), 200);
    expect(second.items.length).toBe(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });

  test("answers 400 naming the query field for a bad status, instant or limit", async () => {
    await expectFieldProblem(await send(rt, "GET", "/v1/runs?status=great"), 400, "validation_failed", "status");
    await expectFieldProblem(await send(rt, "GET", "/v1/runs?from=yesterday"), 400, "validation_failed", "from");
    await expectFieldProblem(await send(rt, "GET", "/v1/runs?to=2026-13-45T99:00:00Z"), 400, "validation_failed", "to");
    await expectFieldProblem(await send(rt, "GET", "/v1/runs?to=2026-01-01T10:00:00"), 400, "validation_failed", "to");
    await expectFieldProblem(await send(rt, "GET", "/v1/runs?limit=100000"), 400, "validation_failed", "limit");
  });
});

describe("GET /v1/jobs/{id}/runs", () => {
  test("lists only the runs of that job", async () => {
    const page = await json(await send(rt, "GET", jobPath("bad-job", "/runs")), 200);
    expect(page.items.map((r: { jobId: string }) => r.jobId)).toEqual(["bad-job"]);
    const succeeded = await json(await send(rt, "GET", jobPath("ok-job", "/runs?status=succeeded&limit=1")), 200);
    expect(succeeded.items.length).toBe(1);
    expect(succeeded.nextCursor).toBeString();
  });

  test("answers an empty page for a job without history", async () => {
    const page = await json(await send(rt, "GET", jobPath("never-existed", "/runs")), 200);
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  test("answers 400 naming the query field for a bad status or instant", async () => {
    await expectFieldProblem(await send(rt, "GET", jobPath("ok-job", "/runs?status=bogus")), 400, "validation_failed", "status");
    await expectFieldProblem(await send(rt, "GET", jobPath("ok-job", "/runs?from=soon")), 400, "validation_failed", "from");
  });
});

describe("GET /v1/runs/{id}", () => {
  test("answers one run", async () => {
    const [first] = (await json(await send(rt, "GET", "/v1/runs?jobId=bad-job"), 200)).items;
    const run = await json(await send(rt, "GET", `/v1/runs/${first.id}`), 200);
    expect(run).toEqual(first);
  });

  test("answers a 404 run_not_found problem for an unknown id", async () => {
    await expectProblem(await send(rt, "GET", "/v1/runs/0193b7c2-7a3e-7000-8000-000000000000"), 404, "run_not_found");
  });
});

describe("DELETE /v1/runs", () => {
  test("answers 400 naming before for a bad instant and deletes nothing", async () => {
    const count = (await json(await send(rt, "GET", "/v1/runs"), 200)).items.length;
    await expectFieldProblem(await send(rt, "DELETE", "/v1/runs?before=last-week"), 400, "validation_failed", "before");
    expect((await json(await send(rt, "GET", "/v1/runs"), 200)).items.length).toBe(count);
  });

  test("deletes nothing with a before in the distant past", async () => {
    expect(await json(await send(rt, "DELETE", "/v1/runs?before=2000-01-01T00:00:00Z"), 200)).toEqual({ deleted: 0 });
  });

  test("clears the history of one job and answers how many runs went", async () => {
    expect(await json(await send(rt, "DELETE", "/v1/runs?jobId=bad-job"), 200)).toEqual({ deleted: 1 });
    expect((await json(await send(rt, "GET", jobPath("bad-job", "/runs")), 200)).items).toEqual([]);
    expect((await json(await send(rt, "GET", jobPath("ok-job", "/runs")), 200)).items.length).toBe(2);
  });

  test("keeps a deleted job's history until it is cleared", async () => {
    expect((await send(rt, "DELETE", jobPath("ok-job"))).status).toBe(204);
    expect((await json(await send(rt, "GET", jobPath("ok-job", "/runs")), 200)).items.length).toBe(2);
    const cleared = await json(await send(rt, "DELETE", `/v1/runs?jobId=ok-job&before=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), 200);
    expect(cleared).toEqual({ deleted: 2 });
    expect((await json(await send(rt, "GET", "/v1/runs"), 200)).items).toEqual([]);
  });
});
