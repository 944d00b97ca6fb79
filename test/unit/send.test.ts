// One attempt of a fire through ky against real local targets: status handling, the bounded excerpt, and timeouts
// that cover the whole exchange (a target that sends its headers and then trickles the body must not hold a slot).
import { afterAll, expect, test } from "bun:test";
import { RESPONSE_EXCERPT_BYTES, sendAttempt, type SendTarget } from "../../src/dispatch/send.ts";

const meta = { jobId: "j/1", runId: "run-1", scheduledAt: Date.parse("2026-06-01T12:00:00.000Z"), attempt: 2, userAgent: "cronhook/test" };
const enc = new TextEncoder();
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/echo") return Response.json({ headers: Object.fromEntries(req.headers), method: req.method });
    if (path === "/empty") return new Response(null, { status: 204 });
    if (path === "/big") return new Response("x".repeat(100_000));
    if (path === "/teapot") return new Response("no", { status: 418 });
    if (path === "/slow-headers") return Bun.sleep(2000).then(() => new Response("late"));
    if (path === "/trickle")
      // Headers at once, then one byte every 100 ms, forever (until the client goes away).
      return new Response(
        new ReadableStream({
          async pull(c) {
            await Bun.sleep(100);
            c.enqueue(enc.encode("."));
          },
        }),
      );
    if (path === "/chunked-big")
      return new Response(
        new ReadableStream({
          start(c) {
            for (let i = 0; i < 10; i++) c.enqueue(enc.encode("y".repeat(1000)));
            c.close();
          },
        }),
      );
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => server.stop(true));

const target = (path: string, over: Partial<SendTarget> = {}): SendTarget => ({
  url: `http://127.0.0.1:${server.port}${path}`, method: "POST", headers: { "x-custom": "1" }, body: "{}", timeoutMs: 1000, successStatus: null, ...over,
});

test("sends the cronhook headers with the job's own, and records a 2xx as succeeded with the body", async () => {
  const r = await sendAttempt(target("/echo"), meta);
  expect(r).toMatchObject({ outcome: "succeeded", httpStatus: 200, error: null });
  const seen = JSON.parse(r.response!);
  expect(seen.method).toBe("POST");
  expect(seen.headers).toMatchObject({
    "x-custom": "1", "user-agent": "cronhook/test", "x-cronhook-job-id": "j%2F1", "x-cronhook-run-id": "run-1",
    "x-cronhook-scheduled-at": "2026-06-01T12:00:00.000Z", "x-cronhook-attempt": "2", "idempotency-key": "run-1",
  });
});

test("no body is no excerpt; a long body is cut at the excerpt size, with or without a length", async () => {
  expect(await sendAttempt(target("/empty"), meta)).toMatchObject({ outcome: "succeeded", httpStatus: 204, response: null }); // no body at all
  expect((await sendAttempt(target("/big"), meta)).response).toHaveLength(RESPONSE_EXCERPT_BYTES);
  expect((await sendAttempt(target("/chunked-big"), meta)).response).toHaveLength(RESPONSE_EXCERPT_BYTES);
});

test("a non-2xx is a failed outcome unless listed in successStatus", async () => {
  expect(await sendAttempt(target("/teapot"), meta)).toMatchObject({ outcome: "failed", httpStatus: 418, response: "no", error: "HTTP 418 is not a success status" });
  expect(await sendAttempt(target("/teapot", { successStatus: [418] }), meta)).toMatchObject({ outcome: "succeeded" });
  expect(await sendAttempt(target("/teapot", { successStatus: ["4xx"] }), meta)).toMatchObject({ outcome: "succeeded" });
});

test("a target that answers too late times out", async () => {
  const r = await sendAttempt(target("/slow-headers", { timeoutMs: 200 }), meta);
  expect(r).toMatchObject({ outcome: "timed_out", httpStatus: null, error: "timed out after 200 ms" });
  expect(r.durationMs).toBeLessThan(1500);
});

test("the timeout also covers the body: a target trickling bytes after its headers times out too", async () => {
  const t0 = Date.now();
  const r = await sendAttempt(target("/trickle", { timeoutMs: 300, method: "GET", body: null }), meta);
  expect(r.outcome).toBe("timed_out");
  expect(Date.now() - t0).toBeLessThan(1500);
});

test("an unreachable target is a failed outcome naming the error", async () => {
  const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = closed.port;
  closed.stop(true);
  const r = await sendAttempt({ ...target("/"), url: `http://127.0.0.1:${port}/` }, meta);
  expect(r.outcome).toBe("failed");
  expect(r.error).toMatch(/^request failed: /);
});
