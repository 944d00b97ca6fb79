// `cronhook jobs list|get|create|pause|resume|run|delete`.
import { call, type Job, type JobCreate, type Run } from "../../client/index.ts";
import { durationMs, flag, int, list, positionals, str, type Parsed } from "../args.ts";
import type { Command, Ctx } from "../command.ts";
import { CliError, EXIT, UsageError } from "../exit.ts";
import { checkJob, JobsFileError, parseDocument } from "../jobs-file.ts";
import { jobDetail, jobsTable, printJson, runDetail } from "../output.ts";
import { collectPages, PAGE_OPTIONS, PAGE_HELP } from "./pages.ts";

const list_: Command = {
  name: "jobs list",
  summary: "List jobs.",
  help: `Usage: cronhook jobs list [--name GROUP] [--state active|paused|completed] [--label KEY:VALUE]... [--q TEXT]
                         [--limit N] [--cursor C] [--all]

  --name GROUP     only jobs of this group
  --state STATE    only jobs in this state
  --label K:V      only jobs with this label (repeat: all must match)
  --q TEXT         substring of id, name or description
${PAGE_HELP}

--json prints {"items": [Job...], "nextCursor": string|null}.`,
  options: { name: { type: "string" }, state: { type: "string" }, label: { type: "string", multiple: true }, q: { type: "string" }, ...PAGE_OPTIONS },
  async run(p, ctx) {
    positionals(p, [], this.name);
    const state = str(p, "state");
    if (state !== undefined && !["active", "paused", "completed"].includes(state))
      throw new UsageError(`--state must be active, paused or completed (got ${JSON.stringify(state)})`);
    const query = {
      ...(str(p, "name") ? { name: str(p, "name")! } : {}),
      ...(state ? { state: state as Job["state"] } : {}),
      ...(list(p, "label").length ? { label: list(p, "label") } : {}),
      ...(str(p, "q") ? { q: str(p, "q")! } : {}),
    };
    const page = await collectPages(p, (limit, cursor) =>
      call(ctx.client.GET("/v1/jobs", { params: { query: { ...query, limit, ...(cursor ? { cursor } : {}) } } })),
    );
    if (ctx.json) printJson(ctx.io, page);
    else {
      ctx.io.out(page.items.length ? jobsTable(page.items) : "no jobs");
      if (page.nextCursor) ctx.io.err(`more jobs: --cursor ${page.nextCursor} (or --all)`);
    }
    return EXIT.ok;
  },
};

const get: Command = {
  name: "jobs get",
  summary: "Show one job.",
  help: `Usage: cronhook jobs get ID

--json prints the Job as GET /v1/jobs/{id} answers it.`,
  options: {},
  async run(p, ctx) {
    const [id] = positionals(p, ["id"], this.name);
    const job = await call(ctx.client.GET("/v1/jobs/{id}", { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, job);
    else ctx.io.out(jobDetail(job));
    return EXIT.ok;
  },
};

const CREATE_FLAGS = ["id", "name", "description", "cron", "tz", "every", "anchor-at", "at", "url", "method", "header", "body", "timeout-ms", "attempts", "label", "paused"];

const create: Command = {
  name: "jobs create",
  summary: "Create a job (POST /v1/jobs); fails with 409 if the id exists (use apply to create or replace).",
  help: `Usage: cronhook jobs create -f FILE
       cronhook jobs create --url URL (--cron EXPR [--tz ZONE] | --every DURATION | --at TIME) [options]

  -f, --file FILE     the job as JSON or YAML, as POST /v1/jobs takes it (- reads stdin)
  --id ID             your id for the job (default: generated)
  --name GROUP        the job's group (default "default")
  --description TEXT
  --cron EXPR         cron expression, 5, 6 (seconds first) or 7 fields
  --tz ZONE           IANA time zone of --cron (default UTC)
  --every DURATION    an interval: 500ms, 10s, 5m, 1h30m, 2d, 1w
  --anchor-at TIME    ISO instant the interval is measured from
  --at TIME           once, at an ISO instant with offset, or "now"
  --url URL           the target
  --method METHOD     GET (default), POST, PUT, PATCH, DELETE, HEAD, OPTIONS
  --header 'K: V'     request header (repeat)
  --body TEXT         request body
  --timeout-ms N      request time limit (default 30000)
  --attempts N        attempts per fire (retries = N - 1, default 1)
  --label K=V         label (repeat)
  --paused            create it paused

--json prints the created Job.`,
  options: {
    file: { type: "string", short: "f" },
    id: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    cron: { type: "string" },
    tz: { type: "string" },
    every: { type: "string" },
    "anchor-at": { type: "string" },
    at: { type: "string" },
    url: { type: "string" },
    method: { type: "string" },
    header: { type: "string", multiple: true },
    body: { type: "string" },
    "timeout-ms": { type: "string" },
    attempts: { type: "string" },
    label: { type: "string", multiple: true },
    paused: { type: "boolean" },
  },
  async run(p, ctx) {
    positionals(p, [], this.name);
    const body = str(p, "file") !== undefined ? await jobFromFile(p, ctx) : jobFromFlags(p);
    const job = await call(ctx.client.POST("/v1/jobs", { body }));
    if (ctx.json) printJson(ctx.io, job);
    else ctx.io.out(`created job ${job.id}\n${jobDetail(job)}`);
    return EXIT.ok;
  },
};

async function jobFromFile(p: Parsed, ctx: Ctx): Promise<JobCreate> {
  const clash = CREATE_FLAGS.filter((f) => p.values[f] !== undefined);
  if (clash.length) throw new UsageError(`-f and --${clash[0]} cannot be combined: put the field in the file`, "cronhook jobs create --help");
  const path = str(p, "file")!;
  let text: string;
  try {
    text = path === "-" ? await ctx.stdin() : await Bun.file(path).text();
  } catch {
    throw new UsageError(`${path}: cannot read the file`);
  }
  try {
    const { id, spec } = checkJob(await parseDocument(text, path), path, false);
    return { ...(id !== undefined ? { id } : {}), ...spec };
  } catch (err) {
    if (err instanceof JobsFileError) throw new UsageError(err.message);
    throw err;
  }
}

function jobFromFlags(p: Parsed): JobCreate {
  const url = str(p, "url");
  if (!url) throw new UsageError("--url is required (or give the whole job with -f FILE)", "cronhook jobs create --help");
  const triggers = ["cron", "every", "at"].filter((t) => str(p, t) !== undefined);
  if (triggers.length !== 1) throw new UsageError("give exactly one of --cron, --every, --at", "cronhook jobs create --help");
  if (str(p, "tz") !== undefined && !str(p, "cron")) throw new UsageError("--tz goes with --cron");
  if (str(p, "anchor-at") !== undefined && !str(p, "every")) throw new UsageError("--anchor-at goes with --every");
  const trigger: JobCreate["trigger"] = str(p, "cron")
    ? { type: "cron", expr: str(p, "cron")!, ...(str(p, "tz") ? { timezone: str(p, "tz")! } : {}) }
    : str(p, "every")
      ? { type: "interval", every: str(p, "every")!, ...(str(p, "anchor-at") ? { anchorAt: str(p, "anchor-at")! } : {}) }
      : { type: "date", at: str(p, "at")! };
  const headers: Record<string, string> = {};
  for (const h of list(p, "header")) {
    const i = h.indexOf(":");
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value' (got ${JSON.stringify(h)})`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const labels: Record<string, string> = {};
  for (const l of list(p, "label")) {
    const i = l.indexOf("=");
    if (i <= 0) throw new UsageError(`--label must look like key=value (got ${JSON.stringify(l)})`);
    labels[l.slice(0, i)] = l.slice(i + 1);
  }
  const method = str(p, "method")?.toUpperCase();
  const timeoutMs = int(p, "timeout-ms", 1, 3_600_000);
  const attempts = int(p, "attempts", 1, 100);
  return {
    ...(str(p, "id") ? { id: str(p, "id")! } : {}),
    ...(str(p, "name") ? { name: str(p, "name")! } : {}),
    ...(str(p, "description") ? { description: str(p, "description")! } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    trigger,
    target: {
      url,
      ...(method ? { method: method as NonNullable<JobCreate["target"]["method"]> } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(str(p, "body") !== undefined ? { body: str(p, "body")! } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(attempts !== undefined ? { retry: { maxAttempts: attempts } } : {}),
    },
    ...(flag(p, "paused") ? { state: "paused" as const } : {}),
  };
}

const pause: Command = {
  name: "jobs pause",
  summary: "Stop a job firing until it is resumed.",
  help: `Usage: cronhook jobs pause ID [--reason TEXT]

--json prints the Job.`,
  options: { reason: { type: "string" } },
  async run(p, ctx) {
    const [id] = positionals(p, ["id"], this.name);
    const reason = str(p, "reason");
    const job = await call(
      ctx.client.POST("/v1/jobs/{id}/pause", { params: { path: { id: id! } }, ...(reason !== undefined ? { body: { reason } } : {}) }),
    );
    if (ctx.json) printJson(ctx.io, job);
    else ctx.io.out(`paused job ${job.id}`);
    return EXIT.ok;
  },
};

const resume: Command = {
  name: "jobs resume",
  summary: "Fire a paused job again, from its next slot after now.",
  help: `Usage: cronhook jobs resume ID

--json prints the Job.`,
  options: {},
  async run(p, ctx) {
    const [id] = positionals(p, ["id"], this.name);
    const job = await call(ctx.client.POST("/v1/jobs/{id}/resume", { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, job);
    else ctx.io.out(`resumed job ${job.id} (next fire ${job.nextFireAt ?? "-"})`);
    return EXIT.ok;
  },
};

const del: Command = {
  name: "jobs delete",
  summary: "Remove a job; its run history stays until cleared.",
  help: `Usage: cronhook jobs delete ID

--json prints {"id": ID, "deleted": true}.`,
  options: {},
  async run(p, ctx) {
    const [id] = positionals(p, ["id"], this.name);
    await call(ctx.client.DELETE("/v1/jobs/{id}", { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, { id, deleted: true });
    else ctx.io.out(`deleted job ${id}`);
    return EXIT.ok;
  },
};

const TERMINAL = new Set<Run["status"]>(["succeeded", "failed", "timed_out", "skipped", "missed"]);
// The server closes a request idle for 120 s, so a long wait is cut into server-side waits of at most this long.
const SERVER_WAIT_SLICE_MS = 60_000;
const POLL_MS = 500;

const run: Command = {
  name: "jobs run",
  summary: "Fire a job once, now (trigger manual).",
  help: `Usage: cronhook jobs run ID [--wait [--timeout DURATION]]

  --wait              wait for the run to end; exit 1 unless it succeeded (the CI use)
  --timeout DURATION  with --wait: give up after this long, exit 1 (default 10m)

--json prints the Run (with --wait: as it ended).`,
  options: { wait: { type: "boolean" }, timeout: { type: "string" } },
  async run(p, ctx) {
    const [id] = positionals(p, ["id"], this.name);
    const wait = flag(p, "wait");
    const timeout = durationMs(p, "timeout");
    if (timeout !== undefined && !wait) throw new UsageError("--timeout goes with --wait");
    if (!wait) {
      const r = await call(ctx.client.POST("/v1/jobs/{id}/run", { params: { path: { id: id! } } }));
      if (ctx.json) printJson(ctx.io, r);
      else ctx.io.out(`started run ${r.id} of job ${r.jobId} (${r.status})`);
      return EXIT.ok;
    }
    const deadline = Date.now() + (timeout ?? 600_000);
    const slice = Math.max(1, Math.min(SERVER_WAIT_SLICE_MS, deadline - Date.now()));
    let r = await call(
      ctx.client.POST("/v1/jobs/{id}/run", { params: { path: { id: id! }, query: { wait: "true", timeoutMs: slice } } }),
    );
    while (!TERMINAL.has(r.status) && Date.now() < deadline) {
      await Bun.sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      r = await call(ctx.client.GET("/v1/runs/{id}", { params: { path: { id: r.id } } }));
    }
    if (ctx.json) printJson(ctx.io, r);
    else ctx.io.out(runDetail(r));
    if (!TERMINAL.has(r.status)) throw new CliError(EXIT.failed, `run ${r.id} has not ended after ${Math.round((timeout ?? 600_000) / 1000)} s (status ${r.status})`);
    if (r.status !== "succeeded")
      throw new CliError(EXIT.failed, `run ${r.id} ${r.status}${r.httpStatus !== null ? ` (HTTP ${r.httpStatus})` : ""}${r.error ? `: ${r.error}` : ""}`);
    return EXIT.ok;
  },
};

export const JOB_COMMANDS: Command[] = [list_, get, create, pause, resume, run, del];
