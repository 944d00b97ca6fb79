// schedule-server (SeldomQA) API at /scheduler/...: add date/interval/cron jobs, remove, pause, resume, list, get.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError } from "../../../domain/errors.ts";
import type { JobSpec } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App, AppEnv } from "../../context.ts";
import { errorText, isRecord, listOwn, lookup, readJson } from "../shared.ts";
import { API, CRON_FIELDS, cronSpec, dateSpec, field, intervalSpec, toTask, type PydanticError } from "./translate.ts";

export const TAG = "compat: schedule-server";

// --- answers ----------------------------------------------------------------------------------

/** schedule-server's envelope: `{ success, error: { code, message }, data }`, always HTTP 200. */
function envelope(c: Context<AppEnv>, data: unknown = {}, error?: { code: string; message: string }) {
  return c.json({ success: !error, error: error ?? { code: "", message: "" }, data: error ? {} : data }, 200);
}

/** FastAPI's answer to a request that fails validation. */
function unprocessable(c: Context<AppEnv>, detail: PydanticError[]) {
  return c.json({ detail }, 422);
}

const CODES = {
  interval: { code: "30001", message: "Please set the interval." },
  remove: { code: "10010", message: "删除Job ID不存在" },
  pause: { code: "10011", message: "暂停Job ID不存在" },
  resume: { code: "10012", message: "恢复Job ID不存在" },
  get: { code: "10013", message: "查询Job ID不存在" },
};
/** cronhook's own codes: a job it cannot schedule (past date, bad field, bad URL), an id taken by a job of another API. */
const rejected = (message: string) => ({ code: "30002", message });
const taken = (id: string) => ({ code: "30003", message: `job_id ${id} is used by a job this API did not create` });

// --- OpenAPI ------------------------------------------------------------------------------------

const Task = z
  .object({
    job_id: z.string(),
    name: z.string(),
    type: z.enum(["cron", "date", "interval"]),
    data: z.record(z.string(), z.union([z.string(), z.number()])),
    request_url: z.string(),
    next_run_time: z.string().nullable().openapi({ description: "ISO time with +00:00; null while paused." }),
    status: z.enum(["running", "paused"]),
  })
  .openapi("SeldomTask");

const Envelope = z
  .object({
    success: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }),
    data: z.union([Task, z.object({ task_list: z.array(Task), total: z.number().int() }), z.record(z.string(), z.unknown())]),
  })
  .openapi("SeldomResponse", { example: { success: true, error: { code: "", message: "" }, data: { job_id: "cron_job_333" } } });

const ValidationError = z
  .object({ detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })) })
  .openapi("SeldomValidationError", { example: { detail: [{ loc: ["body", "job_id"], msg: "field required", type: "value_error.missing" }] } });


const taskExample = {
  job_id: "cron_job_333",
  name: "requests_url",
  type: "cron",
  data: { year: "*", month: "*", day: "*", week: "*", day_of_week: "*", hour: "*", minute: "*/3", second: "0" },
  request_url: "https://httpbin.org/get?id=333",
  next_run_time: "2024-12-12T10:03:00+00:00",
  status: "running",
};

const answers = (description: string, example: unknown) => ({
  200: { description, content: { "application/json": { schema: Envelope, example } } },
  422: { description: "The request does not have the fields FastAPI expects (pydantic's error list).", content: { "application/json": { schema: ValidationError } } },
});

const jsonBody = (schema: z.ZodType, example: unknown) => ({ body: { required: true, content: { "application/json": { schema, example } } } });
const JobIdQuery = z.object({ job_id: z.string().openapi({ param: { name: "job_id", in: "query" }, example: "interval_job_222" }) });

const ok = (data: unknown = {}) => ({ success: true, error: { code: "", message: "" }, data });
const failed = (e: { code: string; message: string }) => ({ success: false, error: e, data: {} });

const docs = [
  createRoute({
    method: "post",
    path: "/scheduler/date/add_job",
    operationId: "seldomAddDateJob",
    tags: [TAG],
    summary: "Add a one-time job (schedule-server)",
    description:
      "Sends `GET url` once at the given UTC date-time. An existing `job_id` of this API is replaced. A time already past answers `success: false` with code `30002`.",
    security: bearerSecurity,
    request: jsonBody(
      z.object({ job_id: z.string(), url: z.string(), year: z.number().int(), month: z.number().int(), day: z.number().int(), hour: z.number().int(), minute: z.number().int(), second: z.number().int() }).openapi("SeldomDateJob"),
      { job_id: "date_job_111", url: "https://httpbin.org/get?id=111", year: 2030, month: 11, day: 18, hour: 7, minute: 0, second: 0 },
    ),
    responses: answers("`data.job_id` on success.", ok({ job_id: "date_job_111" })),
  }),
  createRoute({
    method: "post",
    path: "/scheduler/interval/add_job",
    operationId: "seldomAddIntervalJob",
    tags: [TAG],
    summary: "Add an interval job (schedule-server)",
    description: "Sends `GET url` every weeks+days+hours+minutes+seconds (all zero: every second). None of them given: code `30001`.",
    security: bearerSecurity,
    request: jsonBody(
      z
        .object({ job_id: z.string(), url: z.string(), weeks: z.number().int().optional(), days: z.number().int().optional(), hours: z.number().int().optional(), minutes: z.number().int().optional(), seconds: z.number().int().optional() })
        .openapi("SeldomIntervalJob"),
      { job_id: "interval_job_222", url: "https://httpbin.org/get?id=222", hours: 0, minutes: 0, seconds: 10 },
    ),
    responses: answers("`data.job_id` on success, code `30001` when no interval is set.", failed(CODES.interval)),
  }),
  createRoute({
    method: "post",
    path: "/scheduler/cron/add_job",
    operationId: "seldomAddCronJob",
    tags: [TAG],
    summary: "Add a cron job (schedule-server)",
    description:
      "Sends `GET url` when the APScheduler cron fields match, in UTC (day_of_week 0 = Monday; all fields must match). " +
      "Defaults: second `0`, the others `*`.",
    security: bearerSecurity,
    request: jsonBody(
      z
        .object({
          job_id: z.string(),
          url: z.string(),
          second: z.string().optional(),
          minute: z.string().optional(),
          hour: z.string().optional(),
          day: z.string().optional(),
          month: z.string().optional(),
          day_of_week: z.string().optional(),
        })
        .openapi("SeldomCronJob"),
      { job_id: "cron_job_333", url: "https://httpbin.org/get?id=333", second: "0", minute: "*/3", hour: "*", day: "*", month: "*", day_of_week: "*" },
    ),
    responses: answers("`data.job_id` on success.", ok({ job_id: "cron_job_333" })),
  }),
  createRoute({
    method: "delete",
    path: "/scheduler/remove_job",
    operationId: "seldomRemoveJob",
    tags: [TAG],
    summary: "Remove a job (schedule-server)",
    description: "Deletes the job; unknown `job_id`: code `10010`.",
    security: bearerSecurity,
    request: { query: JobIdQuery },
    responses: answers("Empty `data` on success.", failed(CODES.remove)),
  }),
  createRoute({
    method: "put",
    path: "/scheduler/pause_job",
    operationId: "seldomPauseJob",
    tags: [TAG],
    summary: "Pause a job (schedule-server)",
    description: "Stops the job's fires until it is resumed; unknown `job_id`: code `10011`.",
    security: bearerSecurity,
    request: { query: JobIdQuery },
    responses: answers("Empty `data` on success.", ok()),
  }),
  createRoute({
    method: "put",
    path: "/scheduler/resume_job",
    operationId: "seldomResumeJob",
    tags: [TAG],
    summary: "Resume a job (schedule-server)",
    description: "Fires again from the next slot after now; unknown `job_id`: code `10012`.",
    security: bearerSecurity,
    request: { query: JobIdQuery },
    responses: answers("Empty `data` on success.", ok()),
  }),
  createRoute({
    method: "get",
    path: "/scheduler/get_jobs",
    operationId: "seldomGetJobs",
    tags: [TAG],
    summary: "List jobs (schedule-server)",
    description: "`data: { task_list, total }`; with `job_id`, only the jobs whose id contains it.",
    security: bearerSecurity,
    request: { query: z.object({ job_id: z.string().optional().openapi({ param: { name: "job_id", in: "query" }, example: "job" }) }) },
    responses: answers("The tasks.", ok({ task_list: [taskExample], total: 1 })),
  }),
  createRoute({
    method: "get",
    path: "/scheduler/get_job",
    operationId: "seldomGetJob",
    tags: [TAG],
    summary: "Get a job (schedule-server)",
    description: "`data` is the task; unknown `job_id`: code `10013` (schedule-server itself answers 500).",
    security: bearerSecurity,
    request: { query: JobIdQuery },
    responses: answers("The task.", ok(taskExample)),
  }),
];

// --- handlers -------------------------------------------------------------------------------------

export function registerSeldom(app: App, { services }: ApiDeps): void {
  for (const route of docs) app.openAPIRegistry.registerPath(route);

  /** Reads the body as a JSON object, or answers FastAPI's 422. */
  async function body(c: Context<AppEnv>): Promise<Record<string, unknown> | Response> {
    const read = await readJson(c);
    if (!read.ok) return unprocessable(c, [{ loc: ["body", 0], msg: "Expecting value", type: "value_error.jsondecode" }]);
    if (read.value === undefined) return unprocessable(c, [{ loc: ["body"], msg: "field required", type: "value_error.missing" }]);
    if (!isRecord(read.value)) return unprocessable(c, [{ loc: ["body"], msg: "value is not a valid dict", type: "type_error.dict" }]);
    return read.value;
  }

  /** Creates or replaces the job (schedule-server removes an existing job_id and adds the new one). */
  async function add(c: Context<AppEnv>, id: string, spec: JobSpec) {
    const existing = await lookup(services, API, id);
    if (existing.kind === "foreign") return envelope(c, {}, taken(id));
    try {
      const { job } = await services.jobs.put(id, spec);
      return envelope(c, { job_id: job.id });
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) return envelope(c, {}, rejected(errorText(err)));
      throw err;
    }
  }

  app.post("/scheduler/date/add_job", async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const errors: PydanticError[] = [];
    const id = field(b, "job_id", "str", errors, { required: true }) as string;
    const url = field(b, "url", "str", errors, { required: true }) as string;
    const p: Record<string, number> = {};
    for (const k of ["year", "month", "day", "hour", "minute", "second"]) p[k] = field(b, k, "int", errors, { required: true }) as number;
    if (errors.length > 0) return unprocessable(c, errors);
    const spec = dateSpec(url, p as Parameters<typeof dateSpec>[1], errors);
    if (!spec) return unprocessable(c, errors);
    return add(c, id, spec);
  });

  app.post("/scheduler/interval/add_job", async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const errors: PydanticError[] = [];
    const id = field(b, "job_id", "str", errors, { required: true }) as string;
    const url = field(b, "url", "str", errors, { required: true }) as string;
    const p: Record<string, number | undefined> = {};
    for (const k of ["weeks", "days", "hours", "minutes", "seconds"]) p[k] = field(b, k, "int", errors) as number | undefined;
    if (errors.length > 0) return unprocessable(c, errors);
    if (Object.values(p).every((v) => v === undefined)) return envelope(c, {}, CODES.interval);
    const spec = intervalSpec(url, p);
    if (typeof spec === "string") return envelope(c, {}, rejected(spec));
    return add(c, id, spec);
  });

  app.post("/scheduler/cron/add_job", async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const errors: PydanticError[] = [];
    const id = field(b, "job_id", "str", errors, { required: true }) as string;
    const url = field(b, "url", "str", errors, { required: true }) as string;
    const fields = {} as Record<(typeof CRON_FIELDS)[number], string>;
    for (const k of CRON_FIELDS) fields[k] = (field(b, k, "str", errors) as string | undefined) ?? (k === "second" ? "0" : "*");
    if (errors.length > 0) return unprocessable(c, errors);
    return add(c, id, cronSpec(url, fields));
  });

  /** The job_id query parameter, or FastAPI's 422. */
  function jobIdParam(c: Context<AppEnv>): string | Response {
    const id = c.req.query("job_id");
    if (id === undefined) return unprocessable(c, [{ loc: ["query", "job_id"], msg: "field required", type: "value_error.missing" }]);
    return id;
  }

  app.delete("/scheduler/remove_job", async (c) => {
    const id = jobIdParam(c);
    if (id instanceof Response) return id;
    const found = await lookup(services, API, id);
    if (found.kind === "mine") {
      await services.jobs.remove(id);
      return envelope(c);
    }
    // A fired date job is gone for schedule-server but stays `completed` in cronhook: drop it too (still 10010).
    if (found.kind === "done") await services.jobs.remove(id);
    return envelope(c, {}, CODES.remove);
  });

  app.put("/scheduler/pause_job", async (c) => {
    const id = jobIdParam(c);
    if (id instanceof Response) return id;
    const found = await lookup(services, API, id);
    if (found.kind !== "mine") return envelope(c, {}, CODES.pause);
    await services.jobs.pause(id);
    return envelope(c);
  });

  app.put("/scheduler/resume_job", async (c) => {
    const id = jobIdParam(c);
    if (id instanceof Response) return id;
    const found = await lookup(services, API, id);
    if (found.kind !== "mine") return envelope(c, {}, CODES.resume);
    await services.jobs.resume(id);
    return envelope(c);
  });

  app.get("/scheduler/get_jobs", async (c) => {
    const q = c.req.query("job_id");
    const jobs = (await listOwn(services, API)).filter((j) => q === undefined || j.id.includes(q));
    return envelope(c, { task_list: jobs.map(toTask), total: jobs.length });
  });

  app.get("/scheduler/get_job", async (c) => {
    const id = jobIdParam(c);
    if (id instanceof Response) return id;
    const found = await lookup(services, API, id);
    if (found.kind !== "mine") return envelope(c, {}, CODES.get);
    return envelope(c, toTask(found.job));
  });
}
