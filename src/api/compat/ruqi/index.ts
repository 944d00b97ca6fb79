// RuQi API at /ruqi/...: jobs (add, modify, pause, resume, remove, show, list), run history, scheduler status and wakeup.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { formatWall } from "../../../domain/apscheduler-time.ts";
import { DomainError } from "../../../domain/errors.ts";
import type { Job, Run } from "../../../domain/job.ts";
import type { Services } from "../../../services/types.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App, AppEnv } from "../../context.ts";
import { errorText, isRecord, listAllRuns, listOwn, lookup } from "../shared.ts";
import { API, cmdOf, historyRow, jobSpec, listRow, parseCmd, parseRule, showRow } from "./translate.ts";

export const TAG = "compat: RuQi";

type Params = Record<string, string>;
type Answer = Record<string, unknown>;

const OK = (data?: unknown): Answer => (data === undefined ? { stat: "OK" } : { stat: "OK", data });
const BAD = (message: string): Answer => ({ stat: "ERR_BAD_PARAMS", message });
const ERR = (message: string): Answer => ({ stat: "ERR", message });
const notFound = (id: string) => ERR(`No job by the id of ${id} was found`);

/** Query string, then a JSON or form body on top: RuQi takes its parameters from any of them. */
async function readParams(c: Context<AppEnv>): Promise<Params | null> {
  const out: Params = {};
  for (const [k, v] of Object.entries(c.req.query())) out[k] = v;
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const form = await c.req.parseBody();
    for (const [k, v] of Object.entries(form)) if (typeof v === "string") out[k] = v;
    return out;
  }
  const text = await c.req.text();
  if (text.trim() === "") return out;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  for (const [k, v] of Object.entries(body)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

function missing(p: Params, names: string[]): Answer | null {
  const absent = names.filter((n) => p[n] === undefined || p[n] === "");
  return absent.length > 0 ? BAD(`missing parameter${absent.length > 1 ? "s" : ""}: ${absent.join(", ")}`) : null;
}

/** An optional integer parameter; undefined when absent, null when it is not an integer. */
function intParam(p: Params, name: string, fallback?: number): number | undefined | null {
  const v = p[name];
  if (v === undefined || v === "" || v === "None") return fallback;
  return /^\s*-?\d+\s*$/.test(v) ? Number(v) : null;
}

function page<T>(rows: T[], pageIndex: number | undefined, pageSize: number): T[] {
  if (pageIndex === undefined) return rows;
  // peewee's paginate(): pages count from 1, and page 0 is page 1.
  const start = (Math.max(pageIndex, 1) - 1) * pageSize;
  return rows.slice(start, start + Math.max(pageSize, 0));
}

// --- OpenAPI ------------------------------------------------------------------------------------

const Answer = z.object({ stat: z.string(), data: z.unknown().optional(), message: z.string().optional() }).openapi("RuqiResponse", { example: { stat: "OK" } });

const q = (name: string, description: string, example: string | number) =>
  z.string().optional().openapi({ param: { name, in: "query" }, description, example: String(example) });

const JOB_PARAMS = {
  job_trigger: z.enum(["cron", "interval", "date"]).openapi({ example: "interval" }),
  job_id: z.string().openapi({ example: "helloworld" }),
  job_name: z.string().openapi({ description: "Group of the job (used for classification).", example: "ceshi" }),
  cmd: z.string().openapi({
    description: 'http://host/path#{json} (POST with that body), http://host/path (POST), or /path#{json} resolved against CRONHOOK_RUQI_BASE_URL. Scripts are refused.',
    example: '/demo_api/hello#{"str_info": "helloworld"}',
  }),
  rule: z.string().openapi({
    description: 'cron: "second minute hour day month day_of_week" (APScheduler fields, 0 = Monday); interval: 10s, 5m, 1h, 2d; date: "YYYY-MM-DD HH:MM:SS[.ffffff]" in CRONHOOK_COMPAT_TZ, or now.',
    example: "10s",
  }),
};
const JobBody = z.object(JOB_PARAMS).openapi("RuqiJob");
const jobExample = { job_trigger: "interval", job_id: "helloworld", job_name: "ceshi", cmd: '/demo_api/hello#{"str_info": "helloworld"}', rule: "10s" };

function ruqiRoute(o: { name: string; method: "get" | "post"; operationId: string; summary: string; description: string; query?: Record<string, z.ZodType>; body?: { schema: z.ZodType; example: unknown }; example: unknown }) {
  return createRoute({
    method: o.method,
    path: `/ruqi/${o.name}`,
    operationId: o.operationId,
    tags: [TAG],
    summary: o.summary,
    description: `${o.description} Parameters may come as query string, JSON or form body; the route answers GET and POST.`,
    security: bearerSecurity,
    request: {
      ...(o.query ? { query: z.object(o.query) } : {}),
      ...(o.body ? { body: { required: false, content: { "application/json": { schema: o.body.schema, example: o.body.example } } } } : {}),
    },
    responses: { 200: { description: '`{ stat: "OK", data }`, or `{ stat: "ERR_BAD_PARAMS" | "ERR", message }`.', content: { "application/json": { schema: Answer, example: o.example } } } },
  });
}

const idBody = { schema: z.object({ job_id: z.string() }).openapi("RuqiJobId"), example: { job_id: "helloworld" } };
const historyQuery = {
  job_id: q("job_id", "Only this job.", "helloworld"),
  job_name: q("job_name", "Only jobs of this group.", "ceshi"),
  is_success: q("is_success", "1: succeeded runs, 0: failed ones.", 1),
  scheduler_name: q("scheduler_name", "Only runs sent by this instance.", "host-a"),
  page_index: q("page_index", "Page, from 1.", 1),
  page_size: q("page_size", "Rows per page, default 15.", 15),
};
const historyExample = OK({
  total: 1,
  list: [
    {
      id: "0193b7c2-7a3e-7000-8000-1234567890ab",
      job_id: "helloworld",
      job_name: "ceshi",
      cmd: '/demo_api/hello#{"str_info": "helloworld"}',
      cmd_is_success: true,
      cmd_output: '{"stat": "OK"}',
      cmd_cost: 0.012,
      scheduler_name: "host-a",
      c_time: "2025-02-07 19:08:47",
    },
  ],
});

const docs = [
  ruqiRoute({ name: "job_add", method: "post", operationId: "ruqiJobAdd", summary: "Add a job (RuQi)", description: "Adds a job; an existing job_id answers `ERR`.", body: { schema: JobBody, example: jobExample }, example: OK() }),
  ruqiRoute({ name: "job_modify", method: "post", operationId: "ruqiJobModify", summary: "Change a job (RuQi)", description: "Replaces the trigger, name, cmd and rule of a job (a paused job stays paused).", body: { schema: JobBody, example: { ...jobExample, rule: "60s" } }, example: OK() }),
  ruqiRoute({ name: "job_pause", method: "post", operationId: "ruqiJobPause", summary: "Pause a job (RuQi)", description: "Stops the job's fires.", body: idBody, example: OK() }),
  ruqiRoute({ name: "job_resume", method: "post", operationId: "ruqiJobResume", summary: "Resume a job (RuQi)", description: "Fires again from the next slot after now.", body: idBody, example: OK() }),
  ruqiRoute({ name: "job_remove", method: "post", operationId: "ruqiJobRemove", summary: "Remove a job (RuQi)", description: "Deletes the job; its history stays.", body: idBody, example: ERR("No job by the id of helloworld was found") }),
  ruqiRoute({
    name: "job_show",
    method: "get",
    operationId: "ruqiJobShow",
    summary: "Show a job (RuQi)",
    description: "One job; `nexttime` is the next fire in CRONHOOK_COMPAT_TZ (\"None\" when paused).",
    query: { job_id: q("job_id", "The job.", "helloworld") },
    example: OK({ job_id: "helloworld", cmd: '/demo_api/hello#{"str_info": "helloworld"}', job_trigger: "interval", job_name: "ceshi", rule: "60s", nexttime: "2025-02-07 19:08:47.078000" }),
  }),
  ruqiRoute({
    name: "job_list",
    method: "get",
    operationId: "ruqiJobList",
    summary: "List jobs (RuQi)",
    description: "Jobs, newest first: `{ total, list }`. Without page_index, all of them.",
    query: { job_id: q("job_id", "Only this job.", "demo_job"), job_name: q("job_name", "Only this group.", "demo"), page_index: q("page_index", "Page, from 1.", 1), page_size: q("page_size", "Default 15.", 15) },
    example: OK({ total: 1, list: [{ next_run_time: "2025-02-07 18:49:38", job_id: "demo_job", c_time: "2024-03-26 21:49:38", cmd: "http://xx", rule: "1200s", job_trigger: "interval", job_name: "demo" }] }),
  }),
  ruqiRoute({ name: "job_history_list", method: "get", operationId: "ruqiJobHistoryList", summary: "Run history (RuQi)", description: "Finished runs, newest first: `{ total, list }`; the first page (15 rows) unless page_index says otherwise.", query: historyQuery, example: historyExample }),
  ruqiRoute({ name: "get_history", method: "get", operationId: "ruqiGetHistory", summary: "Run history, all pages (RuQi)", description: "As job_history_list, but every row unless page_index is given.", query: historyQuery, example: historyExample }),
  ruqiRoute({
    name: "job_history_clear",
    method: "post",
    operationId: "ruqiJobHistoryClear",
    summary: "Clear run history (RuQi)",
    description: "Deletes the oldest runs older than retention_day days (default 180), at most limit_num (default 1000), of one job, one group, or every RuQi job.",
    body: { schema: z.object({ job_id: z.string().optional(), job_name: z.string().optional(), retention_day: z.number().int().optional(), limit_num: z.number().int().optional() }).openapi("RuqiHistoryClear"), example: { job_name: "ceshi", retention_day: 30, limit_num: 1000 } },
    example: OK({ deleted: 12 }),
  }),
  ruqiRoute({
    name: "scheduler_status",
    method: "get",
    operationId: "ruqiSchedulerStatus",
    summary: "Scheduler status (RuQi)",
    description: "Seconds until the next fire, its time and the time of the check, in CRONHOOK_COMPAT_TZ (null when nothing is scheduled).",
    example: OK({ wait_seconds: 5.83369, next_wakeup_time: "2025-02-07 19:51:13", check_time: "2025-02-07 19:51:08" }),
  }),
  ruqiRoute({ name: "scheduler_wakeup", method: "post", operationId: "ruqiSchedulerWakeup", summary: "Wake the scheduler (RuQi)", description: "Re-plans at once.", example: OK() }),
];

// --- handlers -------------------------------------------------------------------------------------

const FINISHED = new Set(["succeeded", "failed", "timed_out"]);

export function registerRuqi(app: App, { services, config }: ApiDeps): void {
  for (const route of docs) app.openAPIRegistry.registerPath(route);
  const tz = config.compatTz;

  const ops: Record<string, (p: Params) => Promise<Answer>> = {
    job_add: (p) => addOrModify(p, "add"),
    job_modify: (p) => addOrModify(p, "modify"),

    async job_pause(p) {
      const m = missing(p, ["job_id"]);
      if (m) return m;
      if ((await lookup(services, API, p.job_id!)).kind !== "mine") return notFound(p.job_id!);
      await services.jobs.pause(p.job_id!);
      return OK();
    },

    async job_resume(p) {
      const m = missing(p, ["job_id"]);
      if (m) return m;
      if ((await lookup(services, API, p.job_id!)).kind !== "mine") return notFound(p.job_id!);
      await services.jobs.resume(p.job_id!);
      return OK();
    },

    async job_remove(p) {
      const m = missing(p, ["job_id"]);
      if (m) return m;
      const found = await lookup(services, API, p.job_id!);
      if (found.kind === "done") await services.jobs.remove(p.job_id!); // fired date job: gone for RuQi already
      if (found.kind !== "mine") return notFound(p.job_id!);
      await services.jobs.remove(p.job_id!);
      return OK();
    },

    async job_show(p) {
      const m = missing(p, ["job_id"]);
      if (m) return m;
      const found = await lookup(services, API, p.job_id!);
      if (found.kind !== "mine") return notFound(p.job_id!);
      return OK(showRow(found.job, tz));
    },

    async job_list(p) {
      const pageIndex = intParam(p, "page_index");
      const pageSize = intParam(p, "page_size", 15);
      if (pageIndex === null || pageSize === null || pageSize === undefined) return BAD("page_index and page_size must be integers");
      let jobs = await listOwn(services, API, p.job_name || undefined);
      if (p.job_id) jobs = jobs.filter((j) => j.id === p.job_id);
      jobs.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
      return OK({ total: jobs.length, list: page(jobs, pageIndex, pageSize).map((j) => listRow(j, tz)) });
    },

    job_history_list: (p) => history(p, 0),
    get_history: (p) => history(p, undefined),

    async job_history_clear(p) {
      const retention = intParam(p, "retention_day", 180);
      const limit = intParam(p, "limit_num", 1000);
      if (retention == null || limit == null || retention < 0 || limit < 0) return BAD("retention_day and limit_num must be integers >= 0");
      const before = services.scheduler.now() - retention * 86_400_000;
      let jobIds: string[];
      if (p.job_id) {
        const found = await lookup(services, API, p.job_id);
        // The runs of a removed job stay in the history: clearing them by id is allowed.
        if (found.kind === "foreign") return OK({ deleted: 0 });
        jobIds = [p.job_id];
      } else {
        jobIds = (await listOwn(services, API, p.job_name || undefined, { withCompleted: true })).map((j) => j.id);
      }
      let deleted = 0;
      for (const jobId of jobIds) {
        if (deleted >= limit) break;
        deleted += (await services.runs.clear({ jobId, name: p.job_name || undefined, before, limit: limit - deleted })).deleted;
      }
      return OK({ deleted });
    },

    async scheduler_status() {
      const s = await services.scheduler.status();
      const now = services.scheduler.now();
      const next = s.nextWakeupAt === null ? null : Date.parse(s.nextWakeupAt);
      return OK({
        wait_seconds: next === null ? null : Math.max(0, next - now) / 1000,
        next_wakeup_time: next === null ? null : formatWall(next, tz),
        check_time: formatWall(now, tz),
      });
    },

    async scheduler_wakeup() {
      await services.scheduler.wakeup();
      return OK();
    },
  };

  async function addOrModify(p: Params, mode: "add" | "modify"): Promise<Answer> {
    const m = missing(p, ["job_trigger", "job_id", "job_name", "cmd", "rule"]);
    if (m) return m;
    const id = p.job_id!;
    const trigger = parseRule(p.job_trigger!, p.rule!, tz);
    if (!trigger.ok) return BAD(trigger.message);
    const target = parseCmd(p.cmd!, config.ruqiBaseUrl);
    if (!target.ok) return BAD(target.message);
    const spec = jobSpec({ jobName: p.job_name!, cmd: p.cmd!, rule: p.rule!, target: target.value, trigger: trigger.value });
    const found = await lookup(services, API, id);
    try {
      if (mode === "add") {
        if (found.kind === "mine" || found.kind === "foreign") return ERR(`Job identifier (${id}) conflicts with an existing job`);
        if (found.kind === "done") await services.jobs.put(id, { ...spec, state: "active" });
        else await services.jobs.create({ id, ...spec });
      } else {
        if (found.kind !== "mine") return notFound(id);
        await services.jobs.put(id, spec);
      }
    } catch (err) {
      if (err instanceof DomainError && err.status === 409) return ERR(`Job identifier (${id}) conflicts with an existing job`);
      if (err instanceof DomainError && err.status < 500) return BAD(errorText(err));
      throw err;
    }
    return OK();
  }

  async function history(p: Params, defaultPage: number | undefined): Promise<Answer> {
    const pageIndex = intParam(p, "page_index", defaultPage);
    const pageSize = intParam(p, "page_size", 15);
    if (pageIndex === null || pageSize === null || pageSize === undefined) return BAD("page_index and page_size must be integers");
    let statuses = FINISHED;
    const s = p.is_success;
    if (s !== undefined && s !== "" && s !== "None") {
      if (/^(1|true)$/i.test(s)) statuses = new Set(["succeeded"]);
      else if (/^(0|false)$/i.test(s)) statuses = new Set(["failed", "timed_out"]);
      else return BAD("is_success must be 1 or 0");
    }
    const filter = { jobId: p.job_id || undefined, name: p.job_name || undefined };
    const runs: Run[] = [];
    for (const status of statuses) runs.push(...(await listAllRuns(services, { ...filter, status: status as Run["status"] })));
    const jobs = new Map<string, Job | null>();
    const rows: { run: Run; cmd: string }[] = [];
    for (const run of runs) {
      if (p.scheduler_name && run.instanceId !== p.scheduler_name) continue;
      const job = await jobOf(services, jobs, run.jobId);
      // Runs of jobs another API (or /v1) owns are not RuQi's; runs of removed jobs are kept.
      if (job && job.labels.compat !== API) continue;
      rows.push({ run, cmd: job ? cmdOf(job) : "" });
    }
    const time = (r: Run) => r.finishedAt ?? r.scheduledAt;
    rows.sort((a, b) => (time(a.run) === time(b.run) ? (a.run.id < b.run.id ? 1 : -1) : time(a.run) < time(b.run) ? 1 : -1));
    return OK({ total: rows.length, list: page(rows, pageIndex, pageSize).map((r) => historyRow(r.run, r.cmd, tz)) });
  }

  for (const [name, op] of Object.entries(ops)) {
    app.on(["GET", "POST"], `/ruqi/${name}`, async (c) => {
      const p = await readParams(c);
      if (p === null) return c.json(BAD("the body is not a JSON object or a form"), 200);
      return c.json(await op(p), 200);
    });
  }
}

async function jobOf(services: Services, cache: Map<string, Job | null>, id: string): Promise<Job | null> {
  if (!cache.has(id)) cache.set(id, await services.jobs.get(id).catch(() => null));
  return cache.get(id)!;
}
