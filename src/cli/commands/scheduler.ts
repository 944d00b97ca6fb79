// `cronhook scheduler status|pause|resume|wakeup`: the engine's public face, cluster-wide.
import { call } from "../../client/index.ts";
import { positionals } from "../args.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../exit.ts";
import { printJson, schedulerDetail } from "../output.ts";

const JSON_NOTE = "--json prints the SchedulerStatus as GET /v1/scheduler answers it.";

const status: Command = {
  name: "scheduler status",
  summary: "Show the scheduler: leader, state, job counts, next wakeup.",
  help: `Usage: cronhook scheduler status\n\n${JSON_NOTE}`,
  options: {},
  async run(p, ctx) {
    positionals(p, [], this.name);
    const s = await call(ctx.client.GET("/v1/scheduler"));
    if (ctx.json) printJson(ctx.io, s);
    else ctx.io.out(schedulerDetail(s));
    return EXIT.ok;
  },
};

const pause: Command = {
  name: "scheduler pause",
  summary: "Stop all firing, on every instance, until resumed.",
  help: `Usage: cronhook scheduler pause\n\n${JSON_NOTE}`,
  options: {},
  async run(p, ctx) {
    positionals(p, [], this.name);
    const s = await call(ctx.client.POST("/v1/scheduler/pause"));
    if (ctx.json) printJson(ctx.io, s);
    else ctx.io.out(`scheduler ${s.state}`);
    return EXIT.ok;
  },
};

const resume: Command = {
  name: "scheduler resume",
  summary: "Restart firing after scheduler pause.",
  help: `Usage: cronhook scheduler resume\n\n${JSON_NOTE}`,
  options: {},
  async run(p, ctx) {
    positionals(p, [], this.name);
    const s = await call(ctx.client.POST("/v1/scheduler/resume"));
    if (ctx.json) printJson(ctx.io, s);
    else ctx.io.out(`scheduler ${s.state}`);
    return EXIT.ok;
  },
};

const wakeup: Command = {
  name: "scheduler wakeup",
  summary: "Make the scheduler re-plan now.",
  help: `Usage: cronhook scheduler wakeup\n\n${JSON_NOTE}`,
  options: {},
  async run(p, ctx) {
    positionals(p, [], this.name);
    const s = await call(ctx.client.POST("/v1/scheduler/wakeup"));
    if (ctx.json) printJson(ctx.io, s);
    else ctx.io.out(`scheduler ${s.state}, next wakeup ${s.nextWakeupAt ?? "-"}`);
    return EXIT.ok;
  },
};

export const SCHEDULER_COMMANDS: Command[] = [status, pause, resume, wakeup];
