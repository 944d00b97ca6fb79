// What a client command is (name, help, options, run) and the context it runs with (output, JSON mode, API client).
import { VERSION, loadClientConfig } from "../config/config.ts";
import { createCronhookClient, type CronhookClient } from "../client/index.ts";
import { GLOBAL_HELP, flag, parse, str, type OptionSpec, type Parsed } from "./args.ts";
import { EXIT_CODES_HELP } from "./exit.ts";
import type { Io } from "./output.ts";

export interface Ctx {
  io: Io;
  json: boolean;
  server: string;
  client: CronhookClient;
  /** Reads standard input (for `-f -`). */
  stdin(): Promise<string>;
}

export interface Command {
  /** e.g. "jobs list" */
  name: string;
  summary: string;
  /** The usage line(s) and the command's own options. */
  help: string;
  options: OptionSpec;
  run(p: Parsed, ctx: Ctx): Promise<number>;
}

export interface RunOptions {
  io: Io;
  /** Environment for CRONHOOK_SERVER / CRONHOOK_TOKEN; default: the process environment (read in src/config). */
  env?: Record<string, string | undefined>;
  stdin?: () => Promise<string>;
  /** Replaces the network (tests, in-process use). */
  fetch?: (req: Request) => Promise<Response>;
}

export function helpText(cmd: Command): string {
  return `${cmd.summary}\n\n${cmd.help}\n\n${GLOBAL_HELP}\n\n${EXIT_CODES_HELP}`;
}

/** Parses the command's flags, prints help when asked, builds the client, runs it. */
export async function runCommand(cmd: Command, argv: string[], opts: RunOptions): Promise<number> {
  const p = parse(argv, cmd.options, cmd.name);
  if (flag(p, "help")) {
    opts.io.out(helpText(cmd));
    return 0;
  }
  // An undefined env takes loadClientConfig's default: the process environment.
  const cfg = loadClientConfig({ server: str(p, "server"), token: str(p, "token") }, opts.env);
  const client = createCronhookClient({
    baseUrl: cfg.server,
    token: cfg.token,
    userAgent: `cronhook-cli/${VERSION}`,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return cmd.run(p, {
    io: opts.io,
    json: flag(p, "json"),
    server: cfg.server,
    client,
    stdin: opts.stdin ?? (() => Bun.stdin.text()),
  });
}
