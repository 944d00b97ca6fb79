// `cronhook runs list|get`: the run history.
import { call, type Run } from "../../client/index.ts";
import { positionals, str } from "../args.ts";
import type { Command } from "../command.ts";
import { EXIT, UsageError } from "../exit.ts";
import { printJson, runDetail, runsTable } from "../output.ts";
import { collectPages, PAGE_HELP, PAGE_OPTIONS } from "./pages.ts";

const STATUSES: readonly Run["status"][] = ["pending", "running", "succeeded", "failed", "timed_out", "skipped", "missed"];

const list: Command = {
  name: "runs list",
  summary: "List runs, newest first.",
  help: `Usage: cronhook runs list [--job ID] [--name GROUP] [--status STATUS] [--from TIME] [--to TIME]
                         [--limit N] [--cursor C] [--all]

  --job ID         only runs of this job
  --name GROUP     only runs of jobs in this group
  --status STATUS  ${STATUSES.join(", ")}
  --from TIME      only runs scheduled at or after this ISO instant
  --to TIME        only runs scheduled before this ISO instant
${PAGE_HELP}

--json prints {"items": [Run...], "nextCursor": string|null}.`,
  options: { job: { type: "string" }, name: { type: "string" }, status: { type: "string" }, from: { type: "string" }, to: { type: "string" }, ...PAGE_OPTIONS },
  async run(p, ctx) {
    positionals(p, [], this.name);
    const status = str(p, "status");
    if (status !== undefined && !STATUSES.includes(status as Run["status"]))
      throw new UsageError(`--status must be one of ${STATUSES.join(", ")} (got ${JSON.stringify(status)})`);
    const query = {
      ...(str(p, "job") ? { jobId: str(p, "job")! } : {}),
      ...(str(p, "name") ? { name: str(p, "name")! } : {}),
      ...(status ? { status: status as Run["status"] } : {}),
      ...(str(p, "from") ? { from: str(p, "from")! } : {}),
      ...(str(p, "to") ? { to: str(p, "to")! } : {}),
    };
    const page = await collectPages(p, (limit, cursor) =>
      call(ctx.client.GET("/v1/runs", { params: { query: { ...query, limit, ...(cursor ? { cursor } : {}) } } })),
    );
    if (ctx.json) printJson(ctx.io, page);
    else {
      ctx.io.out(page.items.length ? runsTable(page.items) : "no runs");
      if (page.nextCursor) ctx.io.err(`more runs: --cursor ${page.nextCursor} (or --all)`);
    }
    return EXIT.ok;
  },
};

const get: Command = {
  name: "runs get",
  summary: "Show one run.",
  help: `Usage: cronhook runs get RUN_ID

--json prints the Run.`,
  options: {},
  async run(p, ctx) {
    const [id] = positionals(p, ["run_id"], this.name);
    const run = await call(ctx.client.GET("/v1/runs/{id}", { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, run);
    else ctx.io.out(runDetail(run));
    return EXIT.ok;
  },
};

export const RUN_COMMANDS: Command[] = [list, get];
