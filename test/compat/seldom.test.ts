// schedule-server (SeldomQA): the request examples of its documentation (shared/seeds 000, 001 and its README) replayed, answers checked field by field, fires at a local target.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { answer, call, compatRuntime, utcParts } from "./helpers.ts";

const EMPTY_ERROR = { code: "", message: "" };

describe("schedule-server: the documented requests", () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await compatRuntime();
  });
  afterAll(async () => {
    await rt.stop();
  });

  test("the date example answers success with the job_id; its run time 2022-11-18 07:00:00 UTC is past, so cronhook answers code 30002 for it", async () => {
    // Seed 000 / README: run once at 2022-11-18 07:00:00 UTC. That moment is past: schedule-server would add it and let it misfire.
    const res = await answer(call(rt, "POST", "/scheduler/date/add_job", { json: { job_id: "date_job_111", url: "https://httpbin.org/get?id=1", year: 2022, month: 11, day: 18, hour: 7, minute: 0, second: 0 } }));
    expect(res.success).toBe(false);
    expect(res.error.code).toBe("30002");
    expect(res.error.message).toContain("in the past");
    expect(res.data).toEqual({});

    // The same request for a date to come.
    const ok = await answer(call(rt, "POST", "/scheduler/date/add_job", { json: { job_id: "date_job_111", url: "https://httpbin.org/get?id=111", year: 2030, month: 11, day: 18, hour: 7, minute: 0, second: 0 } }));
    expect(ok).toEqual({ success: true, error: EMPTY_ERROR, data: { job_id: "date_job_111" } });
    const got = await answer(call(rt, "GET", "/scheduler/get_job?job_id=date_job_111"));
    expect(got).toEqual({
      success: true,
      error: EMPTY_ERROR,
      data: {
        job_id: "date_job_111",
        name: "requests_url",
        type: "date",
        data: { year: 2030, month: 11, day: 18, hour: 7, minute: 0, second: 0 },
        request_url: "https://httpbin.org/get?id=111",
        next_run_time: "2030-11-18T07:00:00+00:00",
        status: "running",
      },
    });
  });

  test("the interval example fires every 10 seconds", async () => {
    const before = Date.now();
    const res = await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "interval_job_222", url: "https://httpbin.org/get?id=2", weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 10 } }));
    expect(res).toEqual({ success: true, error: EMPTY_ERROR, data: { job_id: "interval_job_222" } });
    const { data } = await answer(call(rt, "GET", "/scheduler/get_job?job_id=interval_job_222"));
    expect(data).toMatchObject({ job_id: "interval_job_222", name: "requests_url", type: "interval", data: { hour: 0, minute: 0, second: 10 }, request_url: "https://httpbin.org/get?id=2", status: "running" });
    expect(data.next_run_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    const next = Date.parse(data.next_run_time);
    expect(next).toBeGreaterThanOrEqual(before + 10_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 10_000);
  });

  test("the second document's interval example (no weeks/days) is accepted too", async () => {
    const res = await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "interval_job_2222", url: "https://httpbin.org/get?id=222", hours: 0, minutes: 0, seconds: 10 } }));
    expect(res).toEqual({ success: true, error: EMPTY_ERROR, data: { job_id: "interval_job_2222" } });
  });

  test("the cron examples fire on second 0 of every minute and of every third minute, in UTC", async () => {
    const before = Date.now();
    expect(await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "cron_job_333", url: "https://httpbin.org/get?id=3", second: "0", minute: "*/1", hour: "*", day: "*", month: "*", day_of_week: "*" } }))).toEqual({
      success: true,
      error: EMPTY_ERROR,
      data: { job_id: "cron_job_333" },
    });
    const one = (await answer(call(rt, "GET", "/scheduler/get_job?job_id=cron_job_333"))).data;
    expect(one).toMatchObject({
      type: "cron",
      data: { year: "*", month: "*", day: "*", week: "*", day_of_week: "*", hour: "*", minute: "*/1", second: "0" },
      request_url: "https://httpbin.org/get?id=3",
      status: "running",
    });
    const n1 = Date.parse(one.next_run_time);
    expect(one.next_run_time).toEndWith(":00+00:00");
    expect(n1).toBeGreaterThan(before);
    expect(n1).toBeLessThanOrEqual(before + 60_000);

    await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "cron_job_3333", url: "https://httpbin.org/get?id=333", second: "0", minute: "*/3", hour: "*", day: "*", month: "*", day_of_week: "*" } }));
    const three = (await answer(call(rt, "GET", "/scheduler/get_job?job_id=cron_job_3333"))).data;
    expect(three.data.minute).toBe("*/3");
    const n3 = new Date(three.next_run_time);
    expect(n3.getUTCMinutes() % 3).toBe(0);
    expect(n3.getUTCSeconds()).toBe(0);
    expect(n3.getTime() - before).toBeLessThanOrEqual(180_000);
  });

  test("cron fields follow APScheduler: day_of_week 0 is Monday, day and day_of_week must both match, second defaults to 0", async () => {
    await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "cron_fri13", url: "https://example.test/x", minute: "0", hour: "9", day: "13", day_of_week: "fri" } }));
    const { data } = await answer(call(rt, "GET", "/scheduler/get_job?job_id=cron_fri13"));
    const next = new Date(data.next_run_time);
    expect([next.getUTCDate(), next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([13, 5, 9, 0, 0]);
    expect(data.data).toMatchObject({ second: "0", day: "13", day_of_week: "fri" });

    await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "cron_monday", url: "https://example.test/x", second: "0", minute: "0", hour: "0", day_of_week: "0" } }));
    const monday = new Date((await answer(call(rt, "GET", "/scheduler/get_job?job_id=cron_monday"))).data.next_run_time);
    expect(monday.getUTCDay()).toBe(1);
  });

  test("the other interfaces: pause, resume and remove interval_job_222", async () => {
    expect(await answer(call(rt, "PUT", "/scheduler/pause_job?job_id=interval_job_222"))).toEqual({ success: true, error: EMPTY_ERROR, data: {} });
    const paused = (await answer(call(rt, "GET", "/scheduler/get_job?job_id=interval_job_222"))).data;
    expect(paused).toMatchObject({ status: "paused", next_run_time: null });

    expect(await answer(call(rt, "PUT", "/scheduler/resume_job?job_id=interval_job_222"))).toEqual({ success: true, error: EMPTY_ERROR, data: {} });
    const resumed = (await answer(call(rt, "GET", "/scheduler/get_job?job_id=interval_job_222"))).data;
    expect(resumed.status).toBe("running");
    expect(resumed.next_run_time).not.toBeNull();

    expect(await answer(call(rt, "DELETE", "/scheduler/remove_job?job_id=interval_job_222"))).toEqual({ success: true, error: EMPTY_ERROR, data: {} });
    expect((await answer(call(rt, "GET", "/scheduler/get_job?job_id=interval_job_222"))).error.code).toBe("10013");
    // get_jobs' job_id matches by substring: interval_job_2222 is left.
    const left = (await answer(call(rt, "GET", "/scheduler/get_jobs?job_id=interval_job_222"))).data;
    expect(left.task_list.map((t: { job_id: string }) => t.job_id)).toEqual(["interval_job_2222"]);
  });

  test("get_jobs lists every job with task_list and total; job_id filters by substring", async () => {
    const all = (await answer(call(rt, "GET", "/scheduler/get_jobs"))).data;
    const ids = all.task_list.map((t: { job_id: string }) => t.job_id).sort();
    expect(ids).toEqual(["cron_fri13", "cron_job_333", "cron_job_3333", "cron_monday", "date_job_111", "interval_job_2222"]);
    expect(all.total).toBe(6);
    for (const t of all.task_list) expect(Object.keys(t)).toEqual(["job_id", "name", "type", "data", "request_url", "next_run_time", "status"]);
    const some = (await answer(call(rt, "GET", "/scheduler/get_jobs?job_id=job_333"))).data;
    expect(some.task_list.map((t: { job_id: string }) => t.job_id).sort()).toEqual(["cron_job_333", "cron_job_3333"]);
    expect(some.total).toBe(2);
  });

  test("error codes: 30001 without an interval, 10010/10011/10012 for an unknown job_id, 10013 for get_job", async () => {
    expect(await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "no_interval", url: "https://example.test/x" } }))).toEqual({
      success: false,
      error: { code: "30001", message: "Please set the interval." },
      data: {},
    });
    expect((await answer(call(rt, "DELETE", "/scheduler/remove_job?job_id=nope"))).error).toEqual({ code: "10010", message: "删除Job ID不存在" });
    expect((await answer(call(rt, "PUT", "/scheduler/pause_job?job_id=nope"))).error).toEqual({ code: "10011", message: "暂停Job ID不存在" });
    expect((await answer(call(rt, "PUT", "/scheduler/resume_job?job_id=nope"))).error).toEqual({ code: "10012", message: "恢复Job ID不存在" });
    const get = await answer(call(rt, "GET", "/scheduler/get_job?job_id=nope"));
    expect(get).toEqual({ success: false, error: { code: "10013", message: "查询Job ID不存在" }, data: {} });
  });

  test("a request FastAPI would refuse answers 422 with pydantic's detail list", async () => {
    const missing = await answer(call(rt, "POST", "/scheduler/date/add_job", { json: { url: "https://example.test/x", year: 2030, month: "x", day: 1, hour: 0, minute: 0, second: 0 } }), 422);
    expect(missing.detail).toEqual([
      { loc: ["body", "job_id"], msg: "field required", type: "value_error.missing" },
      { loc: ["body", "month"], msg: "value is not a valid integer", type: "type_error.integer" },
    ]);
    const query = await answer(call(rt, "DELETE", "/scheduler/remove_job"), 422);
    expect(query.detail).toEqual([{ loc: ["query", "job_id"], msg: "field required", type: "value_error.missing" }]);
    const impossible = await answer(call(rt, "POST", "/scheduler/date/add_job", { json: { job_id: "d", url: "https://example.test/x", year: 2030, month: 2, day: 30, hour: 0, minute: 0, second: 0 } }), 422);
    expect(impossible.detail).toEqual([{ loc: ["body", "day"], msg: "day is out of range for month", type: "value_error" }]);
    const notJson = await answer(call(rt, "POST", "/scheduler/cron/add_job", { body: "{", headers: { "content-type": "application/json" } }), 422);
    expect(notJson.detail[0].type).toBe("value_error.jsondecode");
  });

  test("a cron field APScheduler refuses answers code 30002 naming the field", async () => {
    const res = await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "bad_cron", url: "https://example.test/x", minute: "61" } }));
    expect(res.success).toBe(false);
    expect(res.error.code).toBe("30002");
    expect(res.error.message).toContain("trigger.minute");
    expect(res.error.message).toContain("61");
  });

  test("adding an existing job_id replaces the job, and a paused job runs again", async () => {
    await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "replace_me", url: "https://example.test/a", seconds: 30 } }));
    await answer(call(rt, "PUT", "/scheduler/pause_job?job_id=replace_me"));
    await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "replace_me", url: "https://example.test/b", minute: "*/5" } }));
    const { data } = await answer(call(rt, "GET", "/scheduler/get_job?job_id=replace_me"));
    expect(data).toMatchObject({ type: "cron", request_url: "https://example.test/b", status: "running" });
    expect(data.data.minute).toBe("*/5");
  });

  test("its jobs show in /v1 as fields / interval / date triggers labelled compat: seldom, sending GET", async () => {
    const job = await answer(call(rt, "GET", "/v1/jobs/cron_job_333"));
    expect(job).toMatchObject({
      id: "cron_job_333",
      name: "schedule-server",
      labels: { compat: "seldom" },
      trigger: { type: "fields", second: "0", minute: "*/1", hour: "*", day: "*", month: "*", day_of_week: "*", timezone: "UTC" },
      target: { url: "https://httpbin.org/get?id=3", method: "GET" },
      misfire: { policy: "skip", graceMs: 1000 },
      overlap: "skip",
    });
    const listed = await answer(call(rt, "GET", "/v1/jobs?label=compat:seldom&limit=500"));
    expect(listed.items.length).toBe(7);
  });

  test("a /v1 job is not schedule-server's: not listed, not found, and its id cannot be taken over", async () => {
    await answer(call(rt, "POST", "/v1/jobs", { json: { id: "v1-job", trigger: { type: "interval", every: "1h" }, target: { url: "https://example.test/v1" } } }), 201);
    expect((await answer(call(rt, "GET", "/scheduler/get_jobs?job_id=v1-job"))).data.total).toBe(0);
    expect((await answer(call(rt, "PUT", "/scheduler/pause_job?job_id=v1-job"))).error.code).toBe("10011");
    const taken = await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "v1-job", url: "https://example.test/x", seconds: 5 } }));
    expect(taken.error.code).toBe("30003");
    expect((await answer(call(rt, "GET", "/v1/jobs/v1-job"))).target.url).toBe("https://example.test/v1");
  });
});

describe("schedule-server: fires", () => {
  let rt: Runtime | null = null;
  let target: Target | null = null;
  afterEach(async () => {
    await rt?.stop();
    target?.stop();
    rt = null;
    target = null;
  });

  test("interval, cron and date jobs send GET url to the target", async () => {
    target = startTarget();
    rt = await compatRuntime();
    await rt.start();
    await answer(call(rt, "POST", "/scheduler/interval/add_job", { json: { job_id: "every_second", url: `${target.url}/get?id=2`, seconds: 1 } }));
    await answer(call(rt, "POST", "/scheduler/cron/add_job", { json: { job_id: "cron_every_second", url: `${target.url}/get?id=3`, second: "*" } }));
    const at = utcParts(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    await answer(call(rt, "POST", "/scheduler/date/add_job", { json: { job_id: "once", url: `${target.url}/get?id=1`, ...at } }));

    const interval = await target.waitFor(2, 5000, (h) => h.path === "/get?id=2");
    const cron = await target.waitFor(2, 5000, (h) => h.path === "/get?id=3");
    const date = await target.waitFor(1, 5000, (h) => h.path === "/get?id=1");
    for (const h of [...interval, ...cron, ...date]) {
      expect(h.method).toBe("GET");
      expect(h.body).toBe("");
    }
    expect(date[0]!.headers["x-cronhook-job-id"]).toBe("once");
    const scheduled = Date.parse(date[0]!.headers["x-cronhook-scheduled-at"]!);
    const p = utcParts(scheduled);
    expect(p).toEqual(at);
    // Cron fires fall on whole seconds, one second apart.
    const s = cron.map((h) => Date.parse(h.headers["x-cronhook-scheduled-at"]!));
    expect(s[0]! % 1000).toBe(0);
    expect(s[1]! - s[0]!).toBe(1000);
    // The fired date job is gone for schedule-server.
    await Bun.sleep(300);
    expect((await answer(call(rt, "GET", "/scheduler/get_job?job_id=once"))).error.code).toBe("10013");
  });
});
