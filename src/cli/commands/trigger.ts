// `cronhook trigger preview`: the next fire times of a trigger, checked by the server exactly as a job's.
import { call, type TriggerInput } from "../../client/index.ts";
import { int, str } from "../args.ts";
import type { Command } from "../command.ts";
import { EXIT, UsageError } from "../exit.ts";
import { printJson } from "../output.ts";

const preview: Command = {
  name: "trigger preview",
  summary: "Show the next fire times of a trigger (nothing is created).",
  help: `Usage: cronhook trigger preview 'CRON EXPR' [--tz ZONE] [--count N] [--from TIME]
       cronhook trigger preview --every DURATION [--anchor-at TIME] [--count N] [--from TIME]

  --tz ZONE          IANA time zone of the cron expression (default UTC)
  --every DURATION   an interval instead of a cron expression: 90s, 5m, 1h30m
  --anchor-at TIME   ISO instant the interval is measured from
  --count N          how many fire times, 1-100 (default 10)
  --from TIME        fire times after this ISO instant (default now)

--json prints {"fireTimes": [ISO...]}.`,
  options: { tz: { type: "string" }, every: { type: "string" }, "anchor-at": { type: "string" }, count: { type: "string" }, from: { type: "string" } },
  async run(p, ctx) {
    const every = str(p, "every");
    if (p.positionals.length > 1) throw new UsageError(`give the cron expression as one quoted argument, e.g. '0 */5 * * * *'`, `cronhook ${this.name} --help`);
    const expr = p.positionals[0];
    if ((expr === undefined) === (every === undefined)) throw new UsageError("give a cron expression or --every", `cronhook ${this.name} --help`);
    if (every !== undefined && str(p, "tz") !== undefined) throw new UsageError("--tz goes with a cron expression");
    const trigger: TriggerInput =
      expr !== undefined
        ? { type: "cron", expr, ...(str(p, "tz") ? { timezone: str(p, "tz")! } : {}) }
        : { type: "interval", every: every!, ...(str(p, "anchor-at") ? { anchorAt: str(p, "anchor-at")! } : {}) };
    const count = int(p, "count", 1, 100);
    const from = str(p, "from");
    const res = await call(
      ctx.client.POST("/v1/triggers/preview", { body: { trigger, ...(count !== undefined ? { count } : {}), ...(from ? { from } : {}) } }),
    );
    if (ctx.json) printJson(ctx.io, res);
    else ctx.io.out(res.fireTimes.join("\n"));
    return EXIT.ok;
  },
};

export const TRIGGER_COMMANDS: Command[] = [preview];
