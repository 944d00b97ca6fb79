// The engine end to end in one process: real libSQL, real HTTP target, real timers.
import { afterEach, describe, expect, test } from "bun:test";
import { startTarget, type Target } from "../helpers/target.ts";
import { testRuntime, until } from "../helpers/runtime.ts";
import type { Runtime } from "../../src/runtime.ts";

let rt: Runtime | null = null;
let target: Target | null = null;

afterEach(async () => {
  await rt?.stop();
  target?.stop();
  rt = null;
  target = null;
});

async function setup(respond?: Parameters<typeof startTarget>[0]) {
  target = startTarget(respond);
  rt = await testRuntime();
  await rt.start();
  return { rt, target };
}

describe("engine", () => {
  test("fires a every-second cron job each second with the documented headers", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "tick", trigger: { type: "cron", expr: "* * * * * *" }, target: { url: `${target.url}/hook`, method: "POST", body: "{}", headers: { "content-type": "application/json", "x-secret": "s3" } } });
    const hits = await target.waitFor(2, 4000);
    const h = hits[0]!;
    expect(h.method).toBe("POST");
    expect(h.path).toBe("/hook");
    expect(h.body).toBe("{}");
    expect(h.headers["x-secret"]).toBe("s3");
    expect(h.headers["user-agent"]).toMatch(/^cronhook\//);
    expect(h.headers["x-cronhook-job-id"]).toBe("tick");
    expect(h.headers["x-cronhook-attempt"]).toBe("1");
    expect(h.headers["idempotency-key"]).toBe(h.headers["x-cronhook-run-id"]);
    const scheduled = Date.parse(h.headers["x-cronhook-scheduled-at"]!);
    expect(scheduled % 1000).toBe(0);
    expect(h.at - scheduled).toBeGreaterThanOrEqual(0);
    expect(h.at - scheduled).toBeLessThan(1000); // generous sanity bound, not a timing assertion
    expect(Date.parse(hits[1]!.headers["x-cronhook-scheduled-at"]!) - scheduled).toBe(1000);
    const done = await until(async () => {
      await rt.engine.flush();
      const r = await rt.services.runs.get(h.headers["x-cronhook-run-id"]!);
      return r.status === "succeeded" ? r : null;
    }, 3000, "the run to be recorded");
    expect(done?.httpStatus).toBe(200);
    expect(done?.response).toBe("ok");
    expect(done?.trigger).toBe("schedule");
  });

  test("a job created to fire in 200 ms fires about 200 ms later, not at the next tick", async () => {
    const { rt, target } = await setup();
    const at = new Date(Date.now() + 200).toISOString();
    await rt.services.jobs.create({ id: "soon", trigger: { type: "date", at }, target: { url: target.url } });
    const [h] = await target.waitFor(1, 2000);
    expect(h!.at - Date.parse(at)).toBeLessThan(150);
    const job = await until(async () => {
      const j = await rt.services.jobs.get("soon");
      return j.state === "completed" ? j : null;
    });
    expect(job.nextFireAt).toBeNull();
    expect(job.runCount).toBe(1);
  });

  test("a job created beyond the claim window (no wakeup of its own) is claimed by the regular ticks and fires on time", async () => {
    const { rt, target } = await setup();
    const at = new Date(Date.now() + 2500).toISOString(); // past tick (250 ms) + claim window (1500 ms)
    await rt.services.jobs.create({ id: "later", trigger: { type: "date", at }, target: { url: target.url } });
    const [h] = await target.waitFor(1, 5000);
    expect(h!.at - Date.parse(at)).toBeGreaterThanOrEqual(0);
    expect(h!.at - Date.parse(at)).toBeLessThan(150);
  });

  test("pause stops fires and resume restarts them", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "p", trigger: { type: "interval", every: "200ms" }, target: { url: target.url } });
    await target.waitFor(2, 3000);
    await rt.services.jobs.pause("p", "maintenance");
    await Bun.sleep(100);
    const n = target.hits.length;
    await Bun.sleep(700);
    expect(target.hits.length).toBe(n);
    const paused = await rt.services.jobs.get("p");
    expect(paused.state).toBe("paused");
    expect(paused.pausedReason).toBe("maintenance");
    await rt.services.jobs.resume("p");
    await target.waitFor(n + 2, 3000);
  });

  test("run now fires once with trigger manual and wait returns the finished run", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "m", state: "paused", trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: target.url } });
    const res = await rt.services.jobs.runNow("m", { wait: true });
    expect(res.done).toBe(true);
    expect(res.run.status).toBe("succeeded");
    expect(res.run.trigger).toBe("manual");
    expect(target.hits.length).toBe(1);
    expect(target.hits[0]!.headers["idempotency-key"]).toBe(res.run.id);
    await Bun.sleep(300);
    expect(target.hits.length).toBe(1);
  });

  test("a failing target is retried within one run with the same idempotency key", async () => {
    let calls = 0;
    const { rt, target } = await setup(() => (++calls < 3 ? new Response("no", { status: 503 }) : new Response("yes")));
    await rt.services.jobs.create({ id: "r", state: "paused", trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: target.url, retry: { maxAttempts: 3, backoffMs: 20 } } });
    const res = await rt.services.jobs.runNow("r", { wait: true });
    expect(res.run.status).toBe("succeeded");
    expect(res.run.attempts).toBe(3);
    expect(target.hits.map((h) => h.headers["x-cronhook-attempt"])).toEqual(["1", "2", "3"]);
    expect(new Set(target.hits.map((h) => h.headers["idempotency-key"])).size).toBe(1);
  });

  test("records failures, timeouts and a bounded response excerpt", async () => {
    const { rt, target } = await setup(async (req) => {
      const p = new URL(req.url).pathname;
      if (p === "/slow") await Bun.sleep(1000);
      if (p === "/big") return new Response("x".repeat(100_000));
      return new Response("bad", { status: 500 });
    });
    await rt.services.jobs.create({ id: "fail", state: "paused", trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: `${target.url}/fail` } });
    await rt.services.jobs.create({ id: "slow", state: "paused", trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: `${target.url}/slow`, timeoutMs: 200 } });
    await rt.services.jobs.create({ id: "big", state: "paused", trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: `${target.url}/big`, successStatus: ["2xx"] } });
    const [f, s, b] = await Promise.all(["fail", "slow", "big"].map((id) => rt.services.jobs.runNow(id, { wait: true })));
    expect(f!.run.status).toBe("failed");
    expect(f!.run.httpStatus).toBe(500);
    expect(f!.run.error).toContain("500");
    expect(s!.run.status).toBe("timed_out");
    expect(s!.run.httpStatus).toBeNull();
    expect(b!.run.status).toBe("succeeded");
    expect(b!.run.response!.length).toBeLessThanOrEqual(2048);
    expect(b!.run.response!.length).toBeGreaterThan(1000);
  });

  test("overlap skip records a skipped run while the previous one is in flight", async () => {
    const { rt, target } = await setup(async () => {
      await Bun.sleep(700);
      return new Response("slow");
    });
    await rt.services.jobs.create({ id: "ov", trigger: { type: "interval", every: "200ms" }, target: { url: target.url, timeoutMs: 5000 } });
    await until(async () => (await rt.services.runs.list({ jobId: "ov", status: "skipped", limit: 5 })).items.length > 0, 4000, "a skipped run");
    const skipped = (await rt.services.runs.list({ jobId: "ov", status: "skipped", limit: 5 })).items[0]!;
    expect(skipped.error).toContain("in flight");
  });

  test("overlap queue sends the next fire after the previous one ends, never two at once", async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const { rt, target } = await setup(async () => {
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      await Bun.sleep(250);
      concurrent--;
      return new Response("ok");
    });
    await rt.services.jobs.create({ id: "q", overlap: "queue", trigger: { type: "interval", every: "100ms" }, target: { url: target.url } });
    await target.waitFor(3, 4000);
    expect(maxConcurrent).toBe(1);
    expect((await rt.services.runs.list({ jobId: "q", status: "skipped", limit: 5 })).items).toHaveLength(0);
  });

  test("scheduler pause stops all firing and resume restarts it", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "sp", trigger: { type: "interval", every: "150ms" }, target: { url: target.url } });
    await target.waitFor(1, 3000);
    const st = await rt.services.scheduler.pause();
    expect(st.state).toBe("paused");
    await Bun.sleep(100);
    const n = target.hits.length;
    await Bun.sleep(600);
    expect(target.hits.length).toBe(n);
    expect((await rt.services.scheduler.resume()).state).toBe("running");
    await target.waitFor(n + 1, 3000);
  });

  test("maxRuns completes the job after that many fires", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "mx", maxRuns: 3, trigger: { type: "interval", every: "100ms" }, target: { url: target.url } });
    await target.waitFor(3, 3000);
    await Bun.sleep(400);
    expect(target.hits.length).toBe(3);
    expect((await rt.services.jobs.get("mx")).state).toBe("completed");
  });

  test("deleting a job stops its fires and keeps its history", async () => {
    const { rt, target } = await setup();
    await rt.services.jobs.create({ id: "del", trigger: { type: "interval", every: "150ms" }, target: { url: target.url } });
    await target.waitFor(2, 3000);
    await rt.services.jobs.remove("del");
    await Bun.sleep(100);
    const n = target.hits.length;
    await Bun.sleep(500);
    expect(target.hits.length).toBe(n);
    await rt.engine.flush();
    expect((await rt.services.runs.list({ jobId: "del", status: "succeeded", limit: 50 })).items.length).toBeGreaterThanOrEqual(2);
  });
});
