// `cronhook apply -f FILE`: jobs as code. Prints the plan (+ create, ~ change, - delete), then applies it with PUT/DELETE.
import { flag, positionals, str } from "../args.ts";
import { executePlan, planAgainst, type ApplyResult } from "../apply.ts";
import type { Command } from "../command.ts";
import { CliError, EXIT, UsageError } from "../exit.ts";
import { JobsFileError, parseJobsText, readJobsFile, type FileJob } from "../jobs-file.ts";
import { planLines, planSummary } from "../plan.ts";
import { printJson } from "../output.ts";

export const applyCommand: Command = {
  name: "apply",
  summary: "Make the server's jobs match a jobs file (declarative; applying the same file twice changes nothing).",
  help: `Usage: cronhook apply -f FILE [--dry-run] [--prune]

  -f, --file FILE   jobs file, YAML or JSON (- reads stdin):
                      jobs:
                        - id: nightly-report        # required: apply matches jobs by id
                          name: reports             # the group (default "default")
                          trigger: { type: cron, expr: "0 0 2 * * *", timezone: Asia/Shanghai }
                          target: { url: "https://example.test/hook", method: POST }
                    each entry is a job as POST /v1/jobs takes it
  --dry-run         print the plan and stop
  --prune           also delete jobs that are not in the file but share a group (name) with
                    a job in it; a file owns its groups and nothing else

The plan lists "+ id" to create, "~ id" to change (with each field: server -> file) and
"- id" to delete. A field the file leaves out counts as its default, since PUT resets it;
"state" is compared only when the file gives it. A job the server refuses does not stop
the others; the command then exits 1.

--json prints {"file", "server", "dryRun", "prune", "changes": [{"action", "id", "name",
"fields": [{"path", "from", "to"}]}], "unchanged": [ids], "notInFile": [{"id", "name"}],
"applied": {"created", "changed", "deleted"} | null, "failed": [{"id", "action", "status",
"code", "detail", "errors"}]}.`,
  options: { file: { type: "string", short: "f" }, "dry-run": { type: "boolean" }, prune: { type: "boolean" } },
  async run(p, ctx) {
    positionals(p, [], this.name);
    const path = str(p, "file");
    if (!path) throw new UsageError("-f FILE is required", "cronhook apply --help");
    let file: FileJob[];
    try {
      file = path === "-" ? await parseJobsText(await ctx.stdin(), "stdin") : await readJobsFile(path);
    } catch (err) {
      if (err instanceof JobsFileError) throw new UsageError(err.message);
      throw err;
    }
    const dryRun = flag(p, "dry-run");
    const prune = flag(p, "prune");
    const plan = await planAgainst(ctx.client, file, prune);
    const nothing = plan.items.length === 0;
    let result: ApplyResult | null = null;
    if (!dryRun && !nothing) result = await executePlan(ctx.client, plan, file);

    if (ctx.json) {
      printJson(ctx.io, {
        file: path,
        server: ctx.server,
        dryRun,
        prune,
        changes: plan.items,
        unchanged: plan.unchanged,
        notInFile: plan.notInFile,
        applied: result ? { created: result.created, changed: result.changed, deleted: result.deleted } : null,
        failed: result?.failed ?? [],
      });
    } else {
      const out: string[] = [];
      if (nothing) {
        out.push(`No changes: ${plan.unchanged.length} job${plan.unchanged.length === 1 ? "" : "s"} already up to date on ${ctx.server}.`);
      } else {
        out.push(`Plan for ${path} on ${ctx.server} (groups: ${plan.groups.join(", ") || "-"}):`, ...planLines(plan), `Plan: ${planSummary(plan)}.`);
      }
      if (plan.notInFile.length) {
        const ids = plan.notInFile.map((j) => j.id);
        out.push(
          `${ids.length} job${ids.length === 1 ? "" : "s"} of these groups not in the file, kept: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", ..." : ""} (--prune deletes them).`,
        );
      }
      if (dryRun && !nothing) out.push("Dry run: nothing was changed.");
      if (result) {
        out.push(`Applied: ${result.created.length} created, ${result.changed.length} changed, ${result.deleted.length} deleted${result.failed.length ? `, ${result.failed.length} failed` : ""}.`);
      }
      ctx.io.out(out.join("\n"));
    }
    if (result?.failed.length) {
      for (const f of result.failed) {
        ctx.io.err(`cronhook: ${f.action} ${f.id} failed: ${f.detail}${f.code ? ` (${f.code}, HTTP ${f.status})` : ""}`);
        for (const e of f.errors) if (!f.detail.includes(`${e.path}: ${e.message}`)) ctx.io.err(`  ${e.path}: ${e.message}`);
      }
      throw new CliError(EXIT.failed, `${result.failed.length} of ${plan.items.length} changes failed`);
    }
    return EXIT.ok;
  },
};
