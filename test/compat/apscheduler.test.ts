// Flask-APScheduler: the request examples of its documentation and its own API tests (tests/test_api.py), and the job examples of shared/seeds 002, replayed; answers field by field; fires at a local target.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { until } from "../helpers/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { answer, call, compatRuntime, TOKEN } from "./helpers.ts";

// Flask-APScheduler's tests run in a zone at -06:00 in winter; CRONHOOK_COMPAT_TZ plays the scheduler's time zone.
const TZ = "America/Chicago";

let rt: Runtime;
let target: Target;
beforeAll(async () => {
  target = startTarget();
  rt = await compatRuntime({ compatTz: TZ, apiTokens: [TOKEN] });
  await rt.start();
});
afterAll(async () => {
  await rt.stop();
  target.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const req = (method: string, path: string, json?: unknown) => call(rt, method, path, { ...(json !== undefined ? { json } : {}), headers: auth });

describe("Flask-APScheduler: its API tests replayed", () => {
  test("GET /scheduler answers current_host, allowed_hosts ['*'] and running", async () => {
    const info = await answer(req("GET", "/scheduler"));
    expect(Object.keys(info)).toEqual(["current_host", "allowed_hosts", "running"]);
    expect(typeof info.current_host).toBe("string");
    expect(info.current_host).toBe(info.current_host.toLowerCase());
    expect(info.allowed_hosts).toEqual(["*"]);
    expect(info.running).toBe(true);
  });

  test("test_add_job: a date job answers 200 with the job, run_date as sent", async () => {
    // The test's run_date (2025-12-01T12:30:01-06:00) is past now; the same request ten years on.
    const job = { id: "job1", func: `${target.url}/job1`, trigger: "date", run_date: "2035-12-01T12:30:01-06:00" };
    const res = await answer(req("POST", "/scheduler/jobs", job));
    expect(res).toEqual({
      id: "job1",
      name: "job1",
      func: `${target.url}/job1`,
      args: [],
      kwargs: {},
      trigger: "date",
      run_date: "2035-12-01T12:30:01-06:00",
      misfire_grace_time: 1,
      max_instances: 1,
      next_run_time: "2035-12-01T12:30:01-06:00",
    });
    // The original run_date is refused: cronhook does not add a date job that is already over.
    const past = await answer(req("POST", "/scheduler/jobs", { ...job, id: "job_past", run_date: "2025-12-01T12:30:01-06:00" }), 400);
    expect(past.error_message).toContain("in the past");
  });

  test("test_add_conflicted_job: the same id again answers 409", async () => {
    const res = await answer(req("POST", "/scheduler/jobs", { id: "job1", func: `${target.url}/job1`, trigger: "date", run_date: "2035-12-01T12:30:01-06:00" }), 409);
    expect(res).toEqual({ error_message: "Job job1 already exists." });
  });

  test("test_add_invalid_job: { id: None } is refused (Flask-APScheduler answers 500, cronhook 400)", async () => {
    const res = await answer(req("POST", "/scheduler/jobs", { id: null }), 400);
    expect(typeof res.error_message).toBe("string");
  });

  test("test_get_job and test_get_all_jobs: an interval job of 10 minutes", async () => {
    const added = await answer(req("POST", "/scheduler/jobs", { id: "job10", func: `${target.url}/job10`, trigger: "interval", minutes: 10 }));
    expect(added).toMatchObject({ id: "job10", func: `${target.url}/job10`, trigger: "interval", minutes: 10, misfire_grace_time: 1, max_instances: 1 });
    expect(Object.keys(added)).toEqual(["id", "name", "func", "args", "kwargs", "trigger", "start_date", "minutes", "misfire_grace_time", "max_instances", "next_run_time"]);
    // IntervalTrigger's start_date is the first fire: now + 10 minutes, in the scheduler's zone.
    expect(added.start_date).toBe(added.next_run_time);
    expect(added.start_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?-0[56]:00$/);
    const got = await answer(req("GET", "/scheduler/jobs/job10"));
    expect(got).toEqual(added);
    const all = await answer(req("GET", "/scheduler/jobs"));
    expect(all.map((j: { id: string }) => j.id)).toEqual(["job10", "job1"]);
    expect(all[0]).toEqual(added);
  });

  test("test_update_job: args, a cron trigger every minute and a start_date read in the scheduler's zone", async () => {
    const res = await answer(req("PATCH", "/scheduler/jobs/job10", { args: [1], trigger: "cron", minute: "*/1", start_date: "2030-01-01" }));
    expect(res).toEqual({
      id: "job10",
      name: "job10",
      func: `${target.url}/job10`,
      args: [1],
      kwargs: {},
      trigger: "cron",
      start_date: "2030-01-01T00:00:00-06:00",
      minute: "*/1",
      misfire_grace_time: 1,
      max_instances: 1,
      next_run_time: "2030-01-01T00:00:00-06:00",
    });
    const v1 = await answer(req("GET", "/v1/jobs/job10"));
    expect(v1).toMatchObject({ trigger: { type: "fields", minute: "*/1", timezone: TZ }, startAt: "2030-01-01T06:00:00.000Z", nextFireAt: "2030-01-01T06:00:00.000Z" });
  });

  test("test_update_job_not_found and test_update_invalid_job", async () => {
    expect(await answer(req("PATCH", "/scheduler/jobs/nope", { args: [1], trigger: "cron", minute: "*/1", start_date: "2030-01-01" }), 404)).toEqual({ error_message: "Job nope not found" });
    expect(await answer(req("PATCH", "/scheduler/jobs/job10", { trigger: "invalid_trigger" }), 400)).toEqual({ error_message: "Trigger invalid_trigger is not supported." });
    expect((await answer(req("PATCH", "/scheduler/jobs/job10", { minute: 5 }), 400)).error_message).toBe("The following are not modifiable attributes of Job: minute");
    expect((await answer(req("PATCH", "/scheduler/jobs/job10", { id: "other" }), 400)).error_message).toBe("The job ID may not be changed");
  });

  test("test_pause_and_resume_job: next_run_time is null while paused", async () => {
    const paused = await answer(req("POST", "/scheduler/jobs/job10/pause"));
    expect(paused.next_run_time).toBeNull();
    const resumed = await answer(req("POST", "/scheduler/jobs/job10/resume"));
    expect(resumed.next_run_time).not.toBeNull();
    expect(await answer(req("POST", "/scheduler/jobs/nope/pause"), 404)).toEqual({ error_message: "Job nope not found" });
    expect(await answer(req("POST", "/scheduler/jobs/nope/resume"), 404)).toEqual({ error_message: "Job nope not found" });
  });

  test("test_run_job: runs the job now (the target gets the request) and answers the job", async () => {
    const res = await answer(req("POST", "/scheduler/jobs/job10/run"));
    expect(res.id).toBe("job10");
    expect(res.next_run_time).not.toBeNull();
    const [hit] = await target.waitFor(1, 5000, (h) => h.path === "/job10");
    expect(hit!.method).toBe("GET");
    expect(await answer(req("POST", "/scheduler/jobs/nope/run"), 404)).toEqual({ error_message: "Job nope not found" });
  });

  test("test_delete_job and test_delete_job_not_found", async () => {
    const del = await req("DELETE", "/scheduler/jobs/job1");
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    expect(await answer(req("GET", "/scheduler/jobs/job1"), 404)).toEqual({ error_message: "Job job1 not found" });
    expect(await answer(req("DELETE", "/scheduler/jobs/job1"), 404)).toEqual({ error_message: "Job job1 not found" });
  });

  test("HTTP Basic auth (Flask-APScheduler's HTTPBasicAuth) is accepted with a token as the password", async () => {
    const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` });
    expect((await call(rt, "GET", "/scheduler", { headers: basic("test", TOKEN) })).status).toBe(200);
    expect((await call(rt, "GET", "/scheduler", { headers: basic("guest", "guest") })).status).toBe(401);
    expect((await call(rt, "GET", "/scheduler")).status).toBe(401);
  });
});

describe("Flask-APScheduler: the documented job definitions", () => {
  test("usage.rst: interval seconds=30 with misfire_grace_time=900; cron minute='*'; cron week='*', day_of_week='sun'", async () => {
    const j1 = await answer(req("POST", "/scheduler/jobs", { id: "do_job_1", func: `${target.url}/1`, trigger: "interval", seconds: 30, misfire_grace_time: 900 }));
    expect(j1).toMatchObject({ trigger: "interval", seconds: 30, misfire_grace_time: 900 });
    expect((await answer(req("GET", "/v1/jobs/do_job_1"))).misfire).toEqual({ policy: "skip", graceMs: 900_000 });

    const j2 = await answer(req("POST", "/scheduler/jobs", { id: "do_job_2", func: `${target.url}/2`, trigger: "cron", minute: "*" }));
    expect(j2).toMatchObject({ trigger: "cron", minute: "*" });
    expect(Date.parse(j2.next_run_time) % 60_000).toBe(0);

    const j3 = await answer(req("POST", "/scheduler/jobs", { id: "do_job_3", func: `${target.url}/3`, trigger: "cron", week: "*", day_of_week: "sun" }));
    expect(j3).toMatchObject({ trigger: "cron", week: "*", day_of_week: "sun" });
    expect(j3).not.toHaveProperty("hour");
    // Sunday at 00:00 in the scheduler's zone.
    expect(j3.next_run_time).toMatch(/T00:00:00-0[56]:00$/);
    expect(new Date(Date.parse(j3.next_run_time.slice(0, 10) + "T12:00:00Z")).getUTCDay()).toBe(0);
  });

  test("the seed's JOBS: interval between start_date and end_date, a date job, and a daily 06:00 cron", async () => {
    // Seed 002's dates are in 2021; the same jobs in 2031.
    const job2 = await answer(req("POST", "/scheduler/jobs", { id: "job2", func: `${target.url}/send_ding`, trigger: "interval", start_date: "2031-01-27 13:31:00", end_date: "2031-01-27 13:33:00", seconds: 20, replace_existing: true }));
    expect(job2).toMatchObject({ trigger: "interval", start_date: "2031-01-27T13:31:00-06:00", end_date: "2031-01-27T13:33:00-06:00", seconds: 20, next_run_time: "2031-01-27T13:31:00-06:00" });
    const job1 = await answer(req("POST", "/scheduler/jobs", { id: "job1", func: `${target.url}/send_ding`, trigger: "date", run_date: "2031-01-30 11:22:00", replace_existing: true }));
    expect(job1).toMatchObject({ trigger: "date", run_date: "2031-01-30T11:22:00-06:00", next_run_time: "2031-01-30T11:22:00-06:00" });
    const job3 = await answer(req("POST", "/scheduler/jobs", { id: "job3", func: `${target.url}/send_ding`, trigger: "cron", day_of_week: "0-6", month: "*", hour: "6", minute: "0", second: "0", replace_existing: true }));
    expect(job3).toMatchObject({ trigger: "cron", month: "*", day_of_week: "0-6", hour: "6", minute: "0", second: "0" });
    expect(job3.next_run_time).toMatch(/T06:00:00-0[56]:00$/);
    // replace_existing: adding job3 again replaces it instead of answering 409.
    const again = await answer(req("POST", "/scheduler/jobs", { id: "job3", func: `${target.url}/send_ding`, trigger: "cron", hour: "7", replace_existing: true }));
    expect(again).toMatchObject({ hour: "7" });
    expect(again).not.toHaveProperty("day_of_week");
  });

  test("the seed's cron example: month='6-8,11-12', day='3rd fri', hour='0-3'", async () => {
    const res = await answer(req("POST", "/scheduler/jobs", { id: "third_friday", func: `${target.url}/x`, trigger: "cron", month: "6-8,11-12", day: "3rd fri", hour: "0-3" }));
    expect(res).toMatchObject({ month: "6-8,11-12", day: "3rd fri", hour: "0-3" });
    const next = res.next_run_time as string;
    const d = Number(next.slice(8, 10));
    expect(d).toBeGreaterThanOrEqual(15);
    expect(d).toBeLessThanOrEqual(21);
    expect([6, 7, 8, 11, 12]).toContain(Number(next.slice(5, 7)));
    expect(next.slice(11, 19)).toBe("00:00:00");
  });

  test("a trigger given as a dict, next_run_time None adds the job paused, kwargs describe the request", async () => {
    const res = await answer(req("POST", "/scheduler/jobs", { id: "dict", func: "cronhook:http", kwargs: { url: `${target.url}/kw`, method: "POST", body: { hello: "world" } }, trigger: { type: "interval", hours: 1 }, next_run_time: null }));
    expect(res).toMatchObject({ func: "cronhook:http", kwargs: { url: `${target.url}/kw`, method: "POST", body: { hello: "world" } }, trigger: "interval", hours: 1, next_run_time: null });
    const v1 = await answer(req("GET", "/v1/jobs/dict"));
    expect(v1).toMatchObject({ state: "paused", target: { url: `${target.url}/kw`, method: "POST", body: '{"hello":"world"}', headers: { "content-type": "application/json" } } });
  });

  test("a Python callable cannot run in cronhook: 400 with the reason", async () => {
    const res = await answer(req("POST", "/scheduler/jobs", { id: "py", func: "App.tasks.DatabaseTask:send_ding_test", trigger: "interval", seconds: 20 }), 400);
    expect(res.error_message).toContain("func must be an http(s) URL");
    const extra = await answer(req("POST", "/scheduler/jobs", { id: "py", func: `${target.url}/x`, trigger: "interval", seconds: 20, foo: 1 }), 400);
    expect(extra.error_message).toBe("add_job() got an unexpected keyword argument 'foo'");
  });

  test("coalesce and max_instances map onto cronhook's misfire and overlap settings", async () => {
    await answer(req("POST", "/scheduler/jobs", { id: "settings", func: `${target.url}/s`, trigger: "interval", seconds: 5, misfire_grace_time: null, coalesce: false, max_instances: 3, jitter: 2 }));
    const v1 = await answer(req("GET", "/v1/jobs/settings"));
    expect(v1).toMatchObject({ misfire: { policy: "all" }, overlap: "allow", jitterMs: 2000, labels: { compat: "apscheduler" } });
    const aps = await answer(req("GET", "/scheduler/jobs/settings"));
    expect(aps).toMatchObject({ misfire_grace_time: null, max_instances: 3 });
  });
});

describe("Flask-APScheduler: fires and scheduler control", () => {
  test("an interval job sends GET func; a kwargs job sends its POST body; next_run_time now fires at once", async () => {
    await answer(req("POST", "/scheduler/jobs", { id: "tick", func: `${target.url}/tick`, trigger: "interval", seconds: 1 }));
    await answer(req("POST", "/scheduler/jobs", { id: "post", func: "post", kwargs: { url: `${target.url}/post`, body: '{"a":1}', headers: { "content-type": "application/json" } }, trigger: "cron", second: "*" }));
    await answer(req("POST", "/scheduler/jobs", { id: "now", func: `${target.url}/now`, trigger: "interval", hours: 1, next_run_time: new Date().toISOString() }));
    const ticks = await target.waitFor(2, 5000, (h) => h.path === "/tick");
    expect(ticks.every((h) => h.method === "GET")).toBe(true);
    const posts = await target.waitFor(2, 5000, (h) => h.path === "/post");
    expect(posts[0]).toMatchObject({ method: "POST", body: '{"a":1}' });
    await target.waitFor(1, 3000, (h) => h.path === "/now");
  });

  test("pause and resume the scheduler answer 204; start and shutdown answer 400 when already in that state", async () => {
    expect((await req("POST", "/scheduler/pause")).status).toBe(204);
    expect((await answer(req("GET", "/scheduler"))).running).toBe(false);
    expect(await answer(req("POST", "/scheduler/shutdown"), 400)).toEqual({ error_message: "Scheduler is not running" });
    expect((await req("POST", "/scheduler/start")).status).toBe(204);
    expect(await answer(req("POST", "/scheduler/start"), 400)).toEqual({ error_message: "Scheduler is already running" });
    expect((await req("POST", "/scheduler/shutdown")).status).toBe(204);
    expect((await req("POST", "/scheduler/resume")).status).toBe(204);
    expect((await answer(req("GET", "/scheduler"))).running).toBe(true);
    await until(async () => (await answer(req("GET", "/v1/scheduler"))).state === "running");
  });
});
