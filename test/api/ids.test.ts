// Job ids chosen by users may hold unicode and slashes: they travel URL-encoded and reach the handlers decoded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectProblem, jobBody, jobPath, json, newRuntime, send } from "./helpers.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await newRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe("job ids with unicode and slashes", () => {
  test("/v1/jobs/a%2Fb reaches the handler with the id a/b", async () => {
    await json(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "a/b" }) }), 201);
    expect((await json(await send(rt, "GET", "/v1/jobs/a%2Fb"), 200)).id).toBe("a/b");
    expect((await json(await send(rt, "POST", "/v1/jobs/a%2Fb/pause"), 200)).state).toBe("paused");
    expect((await json(await send(rt, "POST", "/v1/jobs/a%2Fb/resume"), 200)).state).toBe("active");
    // An unencoded slash is a different path: /v1/jobs/a/b is no route at all.
    const res = await send(rt, "GET", "/v1/jobs/a/b");
    expect([404, 405]).toContain(res.status);
  });

  test("creates, reads, patches, pauses, runs and deletes a job whose id is ünï/cødé", async () => {
    const id = "ünï/cødé";
    const created = await send(rt, "POST", "/v1/jobs", { json: jobBody({ id }) });
    expect((await json(created, 201)).id).toBe(id);
    expect(created.headers.get("location")).toBe("/v1/jobs/%C3%BCn%C3%AF%2Fc%C3%B8d%C3%A9");
    expect((await json(await send(rt, "GET", jobPath(id)), 200)).id).toBe(id);
    expect((await json(await send(rt, "PATCH", jobPath(id), { json: { description: "ok" } }), 200)).description).toBe("ok");
    expect((await json(await send(rt, "POST", jobPath(id, "/pause")), 200)).id).toBe(id);
    expect((await json(await send(rt, "POST", jobPath(id, "/run")), 202)).jobId).toBe(id);
    const runs = await json(await send(rt, "GET", jobPath(id, "/runs")), 200);
    expect(runs.items.map((r: { jobId: string }) => r.jobId)).toEqual([id]);
    const listed = await json(await send(rt, "GET", "/v1/jobs?q=" + encodeURIComponent("cødé")), 200);
    expect(listed.items.map((j: { id: string }) => j.id)).toContain(id);
    expect((await send(rt, "DELETE", jobPath(id))).status).toBe(204);
    await expectProblem(await send(rt, "GET", jobPath(id)), 404, "job_not_found");
  });

  test("PUT creates and replaces a job whose id holds emoji, spaces and percent signs", async () => {
    const id = "report 100% 🚀/daily";
    expect((await json(await send(rt, "PUT", jobPath(id), { json: jobBody() }), 201)).id).toBe(id);
    expect((await json(await send(rt, "PUT", jobPath(id), { json: jobBody({ description: "x" }) }), 200)).id).toBe(id);
    expect((await json(await send(rt, "GET", jobPath(id)), 200)).description).toBe("x");
    expect((await send(rt, "DELETE", jobPath(id))).status).toBe(204);
  });

  test("answers 400 naming id for an id with control characters or over 200 characters, and writes nothing", async () => {
    await expectProblem(await send(rt, "PUT", jobPath("bad\u0001id"), { json: jobBody() }), 400, "validation_failed");
    await expectProblem(await send(rt, "PUT", jobPath("x".repeat(201)), { json: jobBody() }), 400, "validation_failed");
    const p = await expectProblem(await send(rt, "POST", "/v1/jobs", { json: jobBody({ id: "x".repeat(201) }) }), 400, "invalid_id");
    expect(p.errors?.[0]?.path).toBe("id");
    const page = await json(await send(rt, "GET", "/v1/jobs?q=xxxxxxxxxx"), 200);
    expect(page.items).toEqual([]);
  });
});
