// RuQi: the request examples of its documentation (shared/seeds 004) replayed, answers checked field by field, fires and history at a local target.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Runtime } from "../../src/runtime.ts";
import { until } from "../helpers/runtime.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { answer, call, compatRuntime, TOKEN, wall } from "./helpers.ts";

const TZ = "Asia/Shanghai";
const auth = { authorization: `Bearer ${TOKEN}` };

let rt: Runtime;
let target: Target;
beforeAll(async () => {
  target = startTarget((req) => (new URL(req.url).pathname === "/fail" ? new Response("boom", { status: 500 }) : new Response('{"stat": "OK"}')));
  rt = await compatRuntime({ compatTz: TZ, ruqiBaseUrl: target.url, apiTokens: [TOKEN] });
});
afterAll(async () => {
  await rt.stop();
  target.stop();
});

const post = (path: string, json: unknown) => answer(call(rt, "POST", path, { json, headers: auth }));
const get = (path: string) => answer(call(rt, "GET", path, { headers: auth }));

describe("RuQi: the documented requests", () => {
  test("周期任务: adds /demo_api/hello every 10 s, resolved against CRONHOOK_RUQI_BASE_URL", async () => {
    const data = { job_trigger: "interval", job_id: "helloworld", job_name: "ceshi", cmd: '/demo_api/hello#{"str_info": "%s"}'.replace("%s", "helloworld"), rule: "10s" };
    expect(await post("/ruqi/job_add", data)).toEqual({ stat: "OK" });
    const job = await answer(call(rt, "GET", "/v1/jobs/helloworld", { headers: auth }));
    expect(job).toMatchObject({
      name: "ceshi",
      labels: { compat: "ruqi", "ruqi.rule": "10s", "ruqi.cmd": '/demo_api/hello#{"str_info": "helloworld"}' },
      trigger: { type: "interval", everyMs: 10_000 },
      target: { url: `${target.url}/demo_api/hello`, method: "POST", headers: { "content-type": "application/json" }, body: '{"str_info": "helloworld"}' },
      misfire: { policy: "skip", graceMs: 30_000 },
      overlap: "skip",
    });
  });

  test("延迟任务: a date rule one hour ahead, in the local time of CRONHOOK_COMPAT_TZ", async () => {
    const exe = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
    const data = { job_trigger: "date", job_id: "helloworld_later", job_name: "ceshi", cmd: '/demo_api/hello#{"str_info": "helloworld"}', rule: wall(exe, TZ) };
    expect(await post("/ruqi/job_add", data)).toEqual({ stat: "OK" });
    const shown = await get("/ruqi/job_show?job_id=helloworld_later");
    expect(shown).toEqual({
      stat: "OK",
      data: { job_id: "helloworld_later", cmd: '/demo_api/hello#{"str_info": "helloworld"}', job_trigger: "date", job_name: "ceshi", rule: wall(exe, TZ), nexttime: wall(exe, TZ) },
    });
    expect((await answer(call(rt, "GET", "/v1/jobs/helloworld_later", { headers: auth }))).nextFireAt).toBe(new Date(exe).toISOString());
  });

  test("延时发起星桥任务: a JSON body with nested objects after #", async () => {
    const instance = "proxy_396399";
    const params = { job_namespace: "except_unit", job_type: "unit_delete", job_name: instance, job_extra: { unit_id: instance } };
    const exe = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
    const data = { job_trigger: "date", job_id: instance, job_name: "unit_delete", cmd: `/xingqiao/create_job#${JSON.stringify(params)}`, rule: wall(exe, TZ) };
    expect(await post("/ruqi/job_add", data)).toEqual({ stat: "OK" });
    const job = await answer(call(rt, "GET", `/v1/jobs/${instance}`, { headers: auth }));
    expect(job.target).toMatchObject({ url: `${target.url}/xingqiao/create_job`, method: "POST", body: JSON.stringify(params) });
  });

  test("job_list answers { total, list } with the documented row fields, newest first", async () => {
    const res = await get("/ruqi/job_list");
    expect(res.stat).toBe("OK");
    expect(res.data.total).toBe(3);
    expect(res.data.list.map((r: { job_id: string }) => r.job_id)).toEqual(["proxy_396399", "helloworld_later", "helloworld"]);
    const row = res.data.list[2];
    expect(Object.keys(row).sort()).toEqual(["c_time", "cmd", "job_id", "job_name", "job_trigger", "next_run_time", "rule"]);
    expect(row).toMatchObject({ job_id: "helloworld", job_name: "ceshi", job_trigger: "interval", rule: "10s", cmd: '/demo_api/hello#{"str_info": "helloworld"}' });
    expect(row.next_run_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(row.c_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // Paging: page_index counts from 1, page_size defaults to 15.
    const p2 = await get("/ruqi/job_list?page_index=2&page_size=2");
    expect(p2.data.total).toBe(3);
    expect(p2.data.list.map((r: { job_id: string }) => r.job_id)).toEqual(["helloworld"]);
    const byName = await get("/ruqi/job_list?job_name=unit_delete");
    expect(byName.data.list.map((r: { job_id: string }) => r.job_id)).toEqual(["proxy_396399"]);
    const byId = await get("/ruqi/job_list?job_id=helloworld");
    expect(byId.data.total).toBe(1);
  });

  test("job_show answers the documented fields for an id with slashes", async () => {
    // Seed 3.7: job_id "/xunzong/event_action_cron", cmd the same path (POST, no body), interval 60s, group rdb.
    expect(await post("/ruqi/job_add", { job_trigger: "interval", job_id: "/xunzong/event_action_cron", job_name: "rdb", cmd: "/xunzong/event_action_cron", rule: "60s" })).toEqual({ stat: "OK" });
    const res = await get(`/ruqi/job_show?job_id=${encodeURIComponent("/xunzong/event_action_cron")}`);
    expect(res.stat).toBe("OK");
    expect(res.data).toMatchObject({ job_id: "/xunzong/event_action_cron", cmd: "/xunzong/event_action_cron", job_trigger: "interval", job_name: "rdb", rule: "60s" });
    expect(Object.keys(res.data)).toEqual(["job_id", "cmd", "job_trigger", "job_name", "rule", "nexttime"]);
    expect(res.data.nexttime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
    const job = await answer(call(rt, "GET", `/v1/jobs/${encodeURIComponent("/xunzong/event_action_cron")}`, { headers: auth }));
    expect(job.target).toMatchObject({ url: `${target.url}/xunzong/event_action_cron`, method: "POST", body: null });
  });

  test('a cron rule "0 20 2 * * *" fires every day at 02:20 local time', async () => {
    expect(await post("/ruqi/job_add", { job_trigger: "cron", job_id: "daily_0220", job_name: "ceshi", cmd: "http://127.0.0.1:8585/demo_api/ping", rule: "0 20 2 * * *" })).toEqual({ stat: "OK" });
    const res = await get("/ruqi/job_show?job_id=daily_0220");
    expect(res.data).toMatchObject({ job_trigger: "cron", rule: "0 20 2 * * *", cmd: "http://127.0.0.1:8585/demo_api/ping" });
    expect(res.data.nexttime).toMatch(/^\d{4}-\d\d-\d\d 02:20:00$/);
    const job = await answer(call(rt, "GET", "/v1/jobs/daily_0220", { headers: auth }));
    expect(job.trigger).toMatchObject({ type: "fields", second: "0", minute: "20", hour: "2", day: "*", month: "*", day_of_week: "*", timezone: TZ });
    expect(job.target).toEqual(expect.objectContaining({ url: "http://127.0.0.1:8585/demo_api/ping", method: "POST", body: null }));
  });

  test("the cmd forms: URL with a JSON body, URL alone; scripts and bad JSON are refused", async () => {
    const add = (job_id: string, cmd: string) => post("/ruqi/job_add", { job_trigger: "interval", job_id, job_name: "forms", cmd, rule: "1h" });
    expect(await add("url_body", 'http://127.0.0.1:8585/demo_api/hello#{"str_info":"hello"}')).toEqual({ stat: "OK" });
    const j = await answer(call(rt, "GET", "/v1/jobs/url_body", { headers: auth }));
    expect(j.target).toMatchObject({ url: "http://127.0.0.1:8585/demo_api/hello", method: "POST", body: '{"str_info":"hello"}' });
    const bash = await add("script1", "bash scripts/xx/xx.sh");
    expect(bash.stat).toBe("ERR_BAD_PARAMS");
    expect(bash.message).toContain("script");
    const python = await add("script2", "python scripts/xx/xx.py arg1 arg2");
    expect(python.stat).toBe("ERR_BAD_PARAMS");
    const badJson = await add("bad_json", "http://127.0.0.1:8585/x#{nope");
    expect(badJson.stat).toBe("ERR_BAD_PARAMS");
    expect(badJson.message).toContain("not JSON");
  });

  test("the rule forms: Xs/Xm/Xh/Xd, dates with microseconds, now; malformed rules answer ERR_BAD_PARAMS", async () => {
    const add = (job_id: string, job_trigger: string, rule: string) => post("/ruqi/job_add", { job_trigger, job_id, job_name: "rules", cmd: "http://127.0.0.1:8585/demo_api/ping", rule });
    for (const [rule, ms] of [["5m", 300_000], ["1h", 3_600_000], ["2d", 172_800_000]] as const) {
      expect(await add(`every_${rule}`, "interval", rule)).toEqual({ stat: "OK" });
      expect((await answer(call(rt, "GET", `/v1/jobs/every_${rule}`, { headers: auth }))).trigger.everyMs).toBe(ms);
    }
    expect(await add("micro", "date", "2040-12-16 18:05:17.682862")).toEqual({ stat: "OK" });
    expect((await answer(call(rt, "GET", "/v1/jobs/micro", { headers: auth }))).nextFireAt).toBe("2040-12-16T10:05:17.682Z");
    expect((await get("/ruqi/job_show?job_id=micro")).data.nexttime).toBe("2040-12-16 18:05:17.682000");
    for (const [trigger, rule] of [["interval", "1h30m"], ["interval", "10"], ["interval", "10S"], ["cron", "0 20 2 * *"], ["date", "tomorrow"]]) {
      const res = await add(`bad_${trigger}_${rule}`, trigger!, rule!);
      expect({ rule, stat: res.stat }).toEqual({ rule, stat: "ERR_BAD_PARAMS" });
      expect(res.message).toContain("Rule check failed");
    }
    const past = await add("past", "date", "2020-12-16 18:03:17");
    expect(past.stat).toBe("ERR_BAD_PARAMS");
    expect(past.message).toContain("in the past");
    const badTrigger = await add("bad_trigger", "weekly", "1h");
    expect(badTrigger).toEqual({ stat: "ERR_BAD_PARAMS", message: expect.stringContaining("Job_trigger not in jobs_map") });
  });

  test("missing parameters answer ERR_BAD_PARAMS; an existing job_id and an unknown one answer ERR", async () => {
    expect(await post("/ruqi/job_add", { job_trigger: "interval", job_id: "x" })).toEqual({ stat: "ERR_BAD_PARAMS", message: "missing parameters: job_name, cmd, rule" });
    expect(await post("/ruqi/job_pause", {})).toEqual({ stat: "ERR_BAD_PARAMS", message: "missing parameter: job_id" });
    const dup = await post("/ruqi/job_add", { job_trigger: "interval", job_id: "helloworld", job_name: "ceshi", cmd: "/demo_api/ping", rule: "10s" });
    expect(dup).toEqual({ stat: "ERR", message: "Job identifier (helloworld) conflicts with an existing job" });
    for (const op of ["job_pause", "job_resume", "job_remove", "job_show"]) {
      expect(await post(`/ruqi/${op}`, { job_id: "nope" })).toEqual({ stat: "ERR", message: "No job by the id of nope was found" });
    }
  });

  test("job_modify, job_pause, job_resume and job_remove", async () => {
    expect(await post("/ruqi/job_modify", { job_trigger: "interval", job_id: "helloworld", job_name: "ceshi2", cmd: "/demo_api/ping", rule: "60s" })).toEqual({ stat: "OK" });
    expect((await get("/ruqi/job_show?job_id=helloworld")).data).toMatchObject({ job_name: "ceshi2", cmd: "/demo_api/ping", rule: "60s", job_trigger: "interval" });
    expect(await post("/ruqi/job_pause", { job_id: "helloworld" })).toEqual({ stat: "OK" });
    expect((await get("/ruqi/job_show?job_id=helloworld")).data.nexttime).toBe("None");
    expect((await get("/ruqi/job_list?job_id=helloworld")).data.list[0].next_run_time).toBeNull();
    // A paused job stays paused when it is modified.
    expect(await post("/ruqi/job_modify", { job_trigger: "cron", job_id: "helloworld", job_name: "ceshi2", cmd: "/demo_api/ping", rule: "0 */5 * * * *" })).toEqual({ stat: "OK" });
    expect((await get("/ruqi/job_show?job_id=helloworld")).data).toMatchObject({ job_trigger: "cron", nexttime: "None" });
    expect(await post("/ruqi/job_resume", { job_id: "helloworld" })).toEqual({ stat: "OK" });
    expect((await get("/ruqi/job_show?job_id=helloworld")).data.nexttime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d[05]:00$/);
    expect(await post("/ruqi/job_remove", { job_id: "helloworld" })).toEqual({ stat: "OK" });
    expect((await get("/ruqi/job_show?job_id=helloworld")).stat).toBe("ERR");
  });

  test("parameters may come as a query string, a form or JSON", async () => {
    const q = new URLSearchParams({ job_trigger: "interval", job_id: "by_query", job_name: "params", cmd: "/demo_api/ping", rule: "30s" });
    expect(await answer(call(rt, "POST", `/ruqi/job_add?${q}`, { headers: auth }))).toEqual({ stat: "OK" });
    expect(await answer(call(rt, "POST", "/ruqi/job_add", { form: { job_trigger: "interval", job_id: "by_form", job_name: "params", cmd: "/demo_api/ping", rule: "30s" }, headers: auth }))).toEqual({ stat: "OK" });
    expect(await answer(call(rt, "GET", "/ruqi/job_pause?job_id=by_form", { headers: auth }))).toEqual({ stat: "OK" });
    const list = await answer(call(rt, "POST", "/ruqi/job_list", { form: { job_name: "params" }, headers: auth }));
    expect(list.data.list.map((r: { job_id: string }) => r.job_id).sort()).toEqual(["by_form", "by_query"]);
  });

  test("scheduler_status answers wait_seconds, next_wakeup_time and check_time; scheduler_wakeup answers OK", async () => {
    const res = await get("/ruqi/scheduler_status");
    expect(res.stat).toBe("OK");
    expect(Object.keys(res.data).sort()).toEqual(["check_time", "next_wakeup_time", "wait_seconds"]);
    expect(res.data.check_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(res.data.next_wakeup_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(typeof res.data.wait_seconds).toBe("number");
    expect(res.data.wait_seconds).toBeGreaterThanOrEqual(0);
    expect(await post("/ruqi/scheduler_wakeup", {})).toEqual({ stat: "OK" });
  });

  test("the routes take the same bearer token as /v1", async () => {
    const res = await call(rt, "GET", "/ruqi/job_list");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toStartWith("application/problem+json");
  });
});

describe("RuQi: fires and history", () => {
  beforeAll(async () => {
    await rt.start();
  });

  test("an interval job POSTs its JSON to the resolved URL; now fires at once; history rows carry the documented fields", async () => {
    expect(await post("/ruqi/job_add", { job_trigger: "interval", job_id: "tick", job_name: "fire", cmd: '/demo_api/hello#{"str_info": "tick"}', rule: "1s" })).toEqual({ stat: "OK" });
    expect(await post("/ruqi/job_add", { job_trigger: "date", job_id: "at_once", job_name: "fire", cmd: `${target.url}/fail`, rule: "now" })).toEqual({ stat: "OK" });
    const ticks = await target.waitFor(2, 5000, (h) => h.path === "/demo_api/hello");
    for (const h of ticks) {
      expect(h.method).toBe("POST");
      expect(h.body).toBe('{"str_info": "tick"}');
      expect(h.headers["content-type"]).toBe("application/json");
    }
    await target.waitFor(1, 5000, (h) => h.path === "/fail");

    const history = await until(async () => {
      await rt.engine.flush();
      const h = await get("/ruqi/get_history?job_name=fire");
      return h.data.total >= 3 ? h : null;
    }, 5000, "three history rows");
    expect(history.stat).toBe("OK");
    const ok = history.data.list.find((r: { job_id: string }) => r.job_id === "tick");
    expect(Object.keys(ok).sort()).toEqual(["c_time", "cmd", "cmd_cost", "cmd_is_success", "cmd_output", "id", "job_id", "job_name", "scheduler_name"]);
    expect(ok).toMatchObject({ job_name: "fire", cmd: '/demo_api/hello#{"str_info": "tick"}', cmd_is_success: true, cmd_output: '{"stat": "OK"}', scheduler_name: "compat-1" });
    expect(typeof ok.cmd_cost).toBe("number");
    expect(ok.c_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const failed = history.data.list.find((r: { job_id: string }) => r.job_id === "at_once");
    expect(failed).toMatchObject({ cmd_is_success: false, cmd_output: "boom", cmd: `${target.url}/fail` });

    const onlyFailed = await get("/ruqi/job_history_list?job_name=fire&is_success=0");
    expect(onlyFailed.data.list.map((r: { job_id: string }) => r.job_id)).toEqual(["at_once"]);
    const onlySucceeded = await get("/ruqi/job_history_list?job_name=fire&is_success=1");
    expect(onlySucceeded.data.list.every((r: { cmd_is_success: boolean }) => r.cmd_is_success)).toBe(true);
    expect((await get("/ruqi/job_history_list?job_name=fire&scheduler_name=elsewhere")).data.total).toBe(0);
    // job_history_list pages by 15 by default; get_history gives every row without page_index.
    const page = await get("/ruqi/job_history_list?job_id=tick&page_size=1");
    expect(page.data.list.length).toBe(1);
    expect(page.data.total).toBeGreaterThanOrEqual(2);
  });

  test("job_history_clear deletes the oldest rows older than retention_day, at most limit_num", async () => {
    await post("/ruqi/job_pause", { job_id: "tick" });
    await rt.engine.flush();
    const before = (await get("/ruqi/get_history?job_id=tick")).data.total;
    expect(before).toBeGreaterThanOrEqual(2);
    // Nothing is 180 days old.
    expect(await post("/ruqi/job_history_clear", { job_id: "tick" })).toEqual({ stat: "OK", data: { deleted: 0 } });
    expect(await post("/ruqi/job_history_clear", { job_id: "tick", retention_day: 0, limit_num: 1 })).toEqual({ stat: "OK", data: { deleted: 1 } });
    const rows = (await get("/ruqi/get_history?job_id=tick")).data;
    expect(rows.total).toBe(before - 1);
    expect(await post("/ruqi/job_history_clear", { job_name: "fire", retention_day: 0 })).toEqual({ stat: "OK", data: { deleted: before } });
    expect((await get("/ruqi/get_history?job_name=fire")).data.total).toBe(0);
  });
});
