// Flask-APScheduler's REST API at /scheduler and /scheduler/jobs...: scheduler info and control, job CRUD, pause, resume, run.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError } from "../../../domain/errors.ts";
import type { Job } from "../../../domain/job.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App, AppEnv } from "../../context.ts";
import { errorText, isRecord, listOwn, lookup, readJson } from "../shared.ts";
import { API, buildJob, buildPatch, fixJobDef, Refused, toApsJob } from "./translate.ts";

export const TAG = "compat: Flask-APScheduler";

// --- OpenAPI ------------------------------------------------------------------------------------

const ErrorMessage = z.object({ error_message: z.string() }).openapi("ApschedulerError", { example: { error_message: "Job job1 not found" } });
const ApsJob = z
  .record(z.string(), z.unknown())
  .openapi("ApschedulerJob", {
    description: "Flask-APScheduler's job_to_dict: id, name, func, args, kwargs, trigger and its fields, misfire_grace_time, max_instances, next_run_time.",
    example: {
      id: "job1",
      name: "job1",
      func: "http://127.0.0.1:9000/hook",
      args: [],
      kwargs: {},
      trigger: "interval",
      start_date: "2026-11-23T08:11:12.345000+00:00",
      minutes: 10,
      misfire_grace_time: 1,
      max_instances: 1,
      next_run_time: "2026-11-23T08:11:12.345000+00:00",
    },
  });
const jobBodyExample = { id: "job1", func: "http://127.0.0.1:9000/hook", trigger: "interval", minutes: 10 };
const error = (description: string, message: string) => ({ description, content: { "application/json": { schema: ErrorMessage, example: { error_message: message } } } });
const jobAnswer = (description: string) => ({ 200: { description, content: { "application/json": { schema: ApsJob } } } });
const JobId = z.object({ job_id: z.string().openapi({ param: { name: "job_id", in: "path" }, example: "job1" }) });
const Info = z
  .object({ current_host: z.string(), allowed_hosts: z.array(z.string()), running: z.boolean() })
  .openapi("ApschedulerInfo", { example: { current_host: "host-a", allowed_hosts: ["*"], running: true } });

const common = { tags: [TAG], security: bearerSecurity };
const noContent = { 204: { description: "Done." } };
const docs = [
  createRoute({ ...common, method: "get", path: "/scheduler", operationId: "apsGetScheduler", summary: "Scheduler info (Flask-APScheduler)", description: "This instance's host, `allowed_hosts: [\"*\"]` and whether the scheduler runs (not paused).", responses: { 200: { description: "Info.", content: { "application/json": { schema: Info } } } } }),
  createRoute({ ...common, method: "post", path: "/scheduler/pause", operationId: "apsPauseScheduler", summary: "Pause the scheduler (Flask-APScheduler)", description: "Stops all firing, cluster-wide (as POST /v1/scheduler/pause).", responses: noContent }),
  createRoute({ ...common, method: "post", path: "/scheduler/resume", operationId: "apsResumeScheduler", summary: "Resume the scheduler (Flask-APScheduler)", description: "Fires again, cluster-wide.", responses: noContent }),
  createRoute({ ...common, method: "post", path: "/scheduler/start", operationId: "apsStartScheduler", summary: "Start the scheduler (Flask-APScheduler)", description: "Resumes a paused scheduler; 400 when it already runs. cronhook's scheduler never stops while the process runs.", responses: { ...noContent, 400: error("Already running.", "Scheduler is already running") } }),
  createRoute({ ...common, method: "post", path: "/scheduler/shutdown", operationId: "apsShutdownScheduler", summary: "Shut the scheduler down (Flask-APScheduler)", description: "Pauses all firing cluster-wide; 400 when already paused.", responses: { ...noContent, 400: error("Not running.", "Scheduler is not running") } }),
  createRoute({
    ...common,
    method: "post",
    path: "/scheduler/jobs",
    operationId: "apsAddJob",
    summary: "Add a job (Flask-APScheduler)",
    description:
      "add_job keywords: id, func (a URL: the job sends GET func) or kwargs `{ url, method, headers, body }`, trigger (date | interval | cron, or `{ type, ... }`) and its arguments, name, misfire_grace_time, coalesce, max_instances, next_run_time (null: paused), replace_existing. Naive dates are read in CRONHOOK_COMPAT_TZ.",
    request: { body: { required: true, content: { "application/json": { schema: ApsJob, example: jobBodyExample } } } },
    responses: { ...jobAnswer("The job."), 400: error("A job cronhook cannot run, or a bad argument.", "func must be an http(s) URL"), 409: error("The id is taken.", "Job job1 already exists.") },
  }),
  createRoute({ ...common, method: "get", path: "/scheduler/jobs", operationId: "apsGetJobs", summary: "List jobs (Flask-APScheduler)", description: "Every job added through this API, soonest next run first.", responses: { 200: { description: "Jobs.", content: { "application/json": { schema: z.array(ApsJob) } } } } }),
  createRoute({ ...common, method: "get", path: "/scheduler/jobs/{job_id}", operationId: "apsGetJob", summary: "Get a job (Flask-APScheduler)", description: "One job.", request: { params: JobId }, responses: { ...jobAnswer("The job."), 404: error("Unknown job.", "Job job1 not found") } }),
  createRoute({
    ...common,
    method: "patch",
    path: "/scheduler/jobs/{job_id}",
    operationId: "apsUpdateJob",
    summary: "Change a job (Flask-APScheduler)",
    description: "modify_job keywords; with `trigger`, the trigger is replaced by the one its arguments here describe.",
    request: { params: JobId, body: { required: true, content: { "application/json": { schema: ApsJob, example: { trigger: "cron", minute: "*/1", start_date: "2030-01-01" } } } } },
    responses: { ...jobAnswer("The job."), 400: error("Bad change.", "The job ID may not be changed"), 404: error("Unknown job.", "Job job1 not found") },
  }),
  createRoute({ ...common, method: "delete", path: "/scheduler/jobs/{job_id}", operationId: "apsDeleteJob", summary: "Delete a job (Flask-APScheduler)", description: "Removes the job; its run history stays.", request: { params: JobId }, responses: { ...noContent, 404: error("Unknown job.", "Job job1 not found") } }),
  ...(["pause", "resume", "run"] as const).map((verb) =>
    createRoute({
      ...common,
      method: "post",
      path: `/scheduler/jobs/{job_id}/${verb}`,
      operationId: `aps${verb[0]!.toUpperCase()}${verb.slice(1)}Job`,
      summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a job (Flask-APScheduler)`,
      description: verb === "run" ? "Sends the job's request now and answers once it has ended, with the job." : `${verb === "pause" ? "Stops" : "Restarts"} the job's fires; answers with the job.`,
      request: { params: JobId },
      responses: { ...jobAnswer("The job."), 404: error("Unknown job.", "Job job1 not found") },
    }),
  ),
];

// --- handlers -------------------------------------------------------------------------------------

export function registerApscheduler(app: App, { services, config }: ApiDeps): void {
  for (const route of docs) app.openAPIRegistry.registerPath(route);
  const tz = config.compatTz;
  const fail = (c: Context<AppEnv>, status: ContentfulStatusCode, message: string) => c.json({ error_message: message }, status);
  const notFound = (c: Context<AppEnv>, id: string) => fail(c, 404, `Job ${id} not found`);
  const show = (c: Context<AppEnv>, job: Job) => c.json(toApsJob(job, tz), 200);

  /** Refusals and domain errors as Flask-APScheduler's `{ error_message }`. */
  async function guarded(c: Context<AppEnv>, run: () => Promise<Response>): Promise<Response> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof Refused) return fail(c, 400, err.message);
      if (err instanceof DomainError && err.status === 404) return fail(c, 404, err.message);
      if (err instanceof DomainError && err.status < 500) return fail(c, 400, errorText(err));
      throw err;
    }
  }

  async function body(c: Context<AppEnv>): Promise<Record<string, unknown>> {
    const read = await readJson(c);
    if (!read.ok) throw new Refused(`The request body is not valid JSON: ${read.reason}`);
    if (!isRecord(read.value)) throw new Refused("The request body must be a JSON object");
    return fixJobDef(read.value);
  }

  app.get("/scheduler", async (c) => {
    const s = await services.scheduler.status();
    const host = s.instances.find((i) => i.instanceId === s.instanceId)?.host ?? s.instanceId;
    return c.json({ current_host: host.toLowerCase(), allowed_hosts: ["*"], running: s.state === "running" }, 200);
  });
  app.post("/scheduler/pause", async (c) => {
    await services.scheduler.pause();
    return c.body(null, 204);
  });
  app.post("/scheduler/resume", async (c) => {
    await services.scheduler.resume();
    return c.body(null, 204);
  });
  app.post("/scheduler/start", async (c) => {
    if ((await services.scheduler.status()).state === "running") return fail(c, 400, "Scheduler is already running");
    await services.scheduler.resume();
    return c.body(null, 204);
  });
  app.post("/scheduler/shutdown", async (c) => {
    if ((await services.scheduler.status()).state !== "running") return fail(c, 400, "Scheduler is not running");
    await services.scheduler.pause();
    return c.body(null, 204);
  });

  app.post("/scheduler/jobs", (c) =>
    guarded(c, async () => {
      const data = await body(c);
      const built = buildJob(data, tz, services.scheduler.now());
      const id = data.id as string;
      const found = await lookup(services, API, id);
      if (found.kind === "foreign" || (found.kind === "mine" && !built.replaceExisting)) return fail(c, 409, `Job ${id} already exists.`);
      let job: Job;
      try {
        job = found.kind === "missing" ? await services.jobs.create({ id, ...built.spec }) : (await services.jobs.put(id, { ...built.spec, state: built.spec.state ?? "active" })).job;
      } catch (err) {
        if (err instanceof DomainError && err.status === 409) return fail(c, 409, `Job ${id} already exists.`);
        throw err;
      }
      if (built.runNow) {
        await services.jobs.runNow(id, { wait: false });
        job = await services.jobs.get(id);
      }
      return show(c, job);
    }),
  );

  app.get("/scheduler/jobs", async (c) => {
    const jobs = await listOwn(services, API);
    // APScheduler lists jobs by next run time, paused ones last.
    jobs.sort((a, b) => (a.nextFireAt ?? "\uffff").localeCompare(b.nextFireAt ?? "\uffff") || (a.id < b.id ? -1 : 1));
    return c.json(jobs.map((j) => toApsJob(j, tz)), 200);
  });

  app.get("/scheduler/jobs/:job_id", async (c) => {
    const id = c.req.param("job_id");
    const found = await lookup(services, API, id);
    return found.kind === "mine" ? show(c, found.job) : notFound(c, id);
  });

  app.delete("/scheduler/jobs/:job_id", async (c) => {
    const id = c.req.param("job_id");
    const found = await lookup(services, API, id);
    if (found.kind === "done") await services.jobs.remove(id); // a fired date job: APScheduler has dropped it already
    if (found.kind !== "mine") return notFound(c, id);
    await services.jobs.remove(id);
    return c.body(null, 204);
  });

  app.patch("/scheduler/jobs/:job_id", (c) =>
    guarded(c, async () => {
      const id = c.req.param("job_id");
      const found = await lookup(services, API, id);
      if (found.kind !== "mine") return notFound(c, id);
      const { patch, pause, runNow } = buildPatch(found.job, await body(c), tz, services.scheduler.now());
      await services.jobs.patch(id, patch);
      if (pause) await services.jobs.pause(id);
      if (runNow) {
        await services.jobs.resume(id);
        await services.jobs.runNow(id, { wait: false });
      }
      return show(c, await services.jobs.get(id));
    }),
  );

  app.post("/scheduler/jobs/:job_id/pause", async (c) => {
    const id = c.req.param("job_id");
    if ((await lookup(services, API, id)).kind !== "mine") return notFound(c, id);
    return show(c, await services.jobs.pause(id));
  });

  app.post("/scheduler/jobs/:job_id/resume", async (c) => {
    const id = c.req.param("job_id");
    if ((await lookup(services, API, id)).kind !== "mine") return notFound(c, id);
    return show(c, await services.jobs.resume(id));
  });

  app.post("/scheduler/jobs/:job_id/run", async (c) => {
    const id = c.req.param("job_id");
    if ((await lookup(services, API, id)).kind !== "mine") return notFound(c, id);
    // Flask-APScheduler calls the job's function in the request: answer once the request has been sent.
    await services.jobs.runNow(id, { wait: true });
    return show(c, await services.jobs.get(id));
  });
}
