// Bad input: every case is a 4xx problem naming the field, and nothing is written.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { expectFieldProblem, expectProblem, jobBody, jobPath, json, newRuntime, send, type SendOptions } from "./helpers.ts";

let rt: Runtime;
beforeAll(async () => {
  rt = await newRuntime();
  // One job that must come out of every bad PUT/PATCH unchanged.
  await json(await send(rt, "PUT", jobPath("keeper"), { json: jobBody({ description: "original" }) }), 201);
});
afterAll(async () => {
  await rt.stop();
});

async function expectNothingWritten(id: string): Promise<void> {
  await expectProblem(await send(rt, "GET", jobPath(id)), 404, "job_not_found");
  const page = await json(await send(rt, "GET", "/v1/jobs"), 200);
  expect(page.items.map((j: { id: string }) => j.id)).toEqual(["keeper"]);
  const keeper = await json(await send(rt, "GET", jobPath("keeper")), 200);
  expect(keeper).toMatchObject({ description: "original", version: 1 });
}

// [title, body, status, code (undefined: any), field path]
const fieldCases: [string, Record<string, unknown>, string | undefined, string][] = [
  ["a cron expression with a bad field", jobBody({ trigger: { type: "cron", expr: "0 0 25 * * *" } }), undefined, "trigger.expr"],
  ["a cron expression with too few fields", jobBody({ trigger: { type: "cron", expr: "every day" } }), undefined, "trigger.expr"],
  ["an unknown time zone", jobBody({ trigger: { type: "cron", expr: "0 0 * * *", timezone: "Mars/Olympus_Mons" } }), undefined, "trigger.timezone"],
  ["a negative interval", jobBody({ trigger: { type: "interval", every: -1000 } }), undefined, "trigger.every"],
  ["a negative interval string", jobBody({ trigger: { type: "interval", every: "-5m" } }), undefined, "trigger.every"],
  ["an interval under 100 ms", jobBody({ trigger: { type: "interval", every: "1ms" } }), undefined, "trigger.every"],
  ["an absurdly long interval", jobBody({ trigger: { type: "interval", every: "99999999999w" } }), undefined, "trigger.every"],
  ["an absurd interval number", jobBody({ trigger: { type: "interval", every: 1e300 } }), undefined, "trigger.every"],
  ["an interval that is not a duration", jobBody({ trigger: { type: "interval", every: "often" } }), undefined, "trigger.every"],
  ["a date in the past", jobBody({ trigger: { type: "date", at: "2001-09-09T01:46:40Z" } }), undefined, "trigger.at"],
  ["a date that is not a date", jobBody({ trigger: { type: "date", at: "next tuesday" } }), undefined, "trigger.at"],
  ["an unknown trigger type", jobBody({ trigger: { type: "sometimes" } }), "validation_failed", "trigger.type"],
  ["an unknown top-level field", jobBody({ bogus: 1 }), "validation_failed", "bogus"],
  ["an unknown nested field", jobBody({ trigger: { type: "cron", expr: "0 0 * * *", tz: "UTC" } }), "validation_failed", "trigger.tz"],
  ["a target url of the wrong type", jobBody({ target: { url: 42 } }), "validation_failed", "target.url"],
  ["a target url that is not a URL", jobBody({ target: { url: "not a url" } }), undefined, "target.url"],
  ["an unknown HTTP method", jobBody({ target: { url: "https://example.test/", method: "FETCH" } }), "validation_failed", "target.method"],
  ["maxRuns as a string", jobBody({ maxRuns: "ten" }), "validation_failed", "maxRuns"],
  ["labels as an array", jobBody({ labels: ["a"] }), "validation_failed", "labels"],
  ["a missing target", { trigger: { type: "cron", expr: "0 0 * * *" } }, "validation_failed", "target"],
  ["a timeout over the limit", jobBody({ target: { url: "https://example.test/", timeoutMs: 10_000_000 } }), "validation_failed", "target.timeoutMs"],
  ["an endAt before startAt", jobBody({ startAt: "2031-01-01T00:00:00Z", endAt: "2030-01-01T00:00:00Z" }), undefined, "endAt"],
];

describe("POST /v1/jobs with bad input", () => {
  for (const [what, body, code, path] of fieldCases) {
    test(`rejects ${what} naming ${path}, writing nothing`, async () => {
      const id = `bad-${path}`;
      await expectFieldProblem(await send(rt, "POST", "/v1/jobs", { json: { ...body, id } }), 400, code, path);
      await expectNothingWritten(id);
    });
  }

  const transportCases: [string, SendOptions, number, string][] = [
    ["malformed JSON", { body: '{"trigger": {', headers: { "content-type": "application/json" } }, 400, "invalid_json"],
    ["an empty body sent as JSON", { body: "", headers: { "content-type": "application/json" } }, 400, "invalid_json"],
    ["a JSON body without a Content-Type", { body: JSON.stringify(jobBody({ id: "no-ct" })) }, 415, "unsupported_media_type"],
    ["a JSON body sent as text/plain", { body: JSON.stringify(jobBody({ id: "text" })), headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
    ["a form body", { body: "id=form", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "unsupported_media_type"],
  ];
  for (const [what, opts, status, code] of transportCases) {
    test(`rejects ${what} with ${status} ${code}, writing nothing`, async () => {
      await expectProblem(await send(rt, "POST", "/v1/jobs", opts), status, code);
      await expectNothingWritten("no-ct");
    });
  }

  test("rejects a JSON array or string body naming body", async () => {
    await expectFieldProblem(await send(rt, "POST", "/v1/jobs", { json: [jobBody()] }), 400, "validation_failed", "body");
    await expectFieldProblem(await send(rt, "POST", "/v1/jobs", { json: "job" }), 400, "validation_failed", "body");
    await expectNothingWritten("none");
  });

  test("rejects a 1 MB body with 413 payload_too_large, writing nothing", async () => {
    const body = JSON.stringify(jobBody({ id: "huge", description: "x".repeat(1024 * 1024) }));
    await expectProblem(await send(rt, "POST", "/v1/jobs", { body, headers: { "content-type": "application/json" } }), 413, "payload_too_large");
    await expectNothingWritten("huge");
  });

  test("rejects a body over a smaller configured limit, even without Content-Length", async () => {
    const small = await newRuntime({ maxBodyBytes: 2048 });
    try {
      const stream = new ReadableStream({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode(JSON.stringify(jobBody({ id: "streamed", description: "y".repeat(4000) }))));
          ctl.close();
        },
      });
      const res = await small.app.request("/v1/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: stream });
      await expectProblem(res, 413, "payload_too_large");
      await expectProblem(await send(small, "GET", jobPath("streamed")), 404, "job_not_found");
      // A body under the limit still goes through.
      await json(await send(small, "POST", "/v1/jobs", { json: jobBody({ id: "fits" }) }), 201);
    } finally {
      await small.stop();
    }
  });

  test("reports every bad field at once", async () => {
    const p = await expectProblem(
      await send(rt, "POST", "/v1/jobs", { json: { id: "multi", trigger: { type: "cron", expr: 5 }, target: { url: 1 }, extra: true } }),
      400,
      "validation_failed",
    );
    expect(p.errors!.map((e) => e.path).sort()).toEqual(["extra", "target.url", "trigger.expr"]);
    await expectNothingWritten("multi");
  });
});

describe("PUT and PATCH with bad input leave the existing job unchanged", () => {
  for (const [what, body, code, path] of fieldCases) {
    test(`PUT rejects ${what} naming ${path}`, async () => {
      await expectFieldProblem(await send(rt, "PUT", jobPath("keeper"), { json: body }), 400, code, path);
      await expectNothingWritten("never");
    });
  }

  test("PATCH rejects malformed JSON, a missing Content-Type and wrong types", async () => {
    await expectProblem(await send(rt, "PATCH", jobPath("keeper"), { body: "{oops", headers: { "content-type": "application/json" } }), 400, "invalid_json");
    await expectProblem(await send(rt, "PATCH", jobPath("keeper"), { body: '{"description":"x"}' }), 415, "unsupported_media_type");
    await expectFieldProblem(await send(rt, "PATCH", jobPath("keeper"), { json: { jitterMs: "lots" } }), 400, "validation_failed", "jitterMs");
    await expectFieldProblem(
      await send(rt, "PATCH", jobPath("keeper"), { json: { trigger: { type: "interval", every: "-1s" } } }),
      400,
      undefined,
      "trigger.every",
    );
    await expectNothingWritten("never");
  });
});
