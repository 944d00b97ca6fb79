// The client side of the binary: argv -> command -> the HTTP API through the generated client; errors -> exit codes.
import { ApiError, UnreachableError } from "../client/index.ts";
import { ConfigError } from "../config/config.ts";
import { GLOBAL_HELP } from "./args.ts";
import { runCommand, type Command, type RunOptions } from "./command.ts";
import { applyCommand } from "./commands/apply.ts";
import { JOB_COMMANDS } from "./commands/jobs.ts";
import { RUN_COMMANDS } from "./commands/runs.ts";
import { SCHEDULER_COMMANDS } from "./commands/scheduler.ts";
import { TRIGGER_COMMANDS } from "./commands/trigger.ts";
import { CliError, EXIT, EXIT_CODES_HELP, UsageError, describeError, exitCodeFor } from "./exit.ts";
import { consoleIo } from "./output.ts";

const GROUPS: Record<string, Command[]> = {
  jobs: JOB_COMMANDS,
  runs: RUN_COMMANDS,
  scheduler: SCHEDULER_COMMANDS,
  trigger: TRIGGER_COMMANDS,
};

/** Command names main.ts hands to runCli. */
export const CLIENT_COMMANDS: readonly string[] = [...Object.keys(GROUPS), "apply"];

export const CLIENT_HELP = `Client commands (talk to a running server):
${[...Object.values(GROUPS).flat(), applyCommand].map((c) => `  cronhook ${c.name.padEnd(18)} ${c.summary.split(/(?<=\.) /)[0]}`).join("\n")}`;

function groupHelp(group: string): string {
  const cmds = GROUPS[group]!;
  return `Usage: cronhook ${group} <command> [options]\n\n${cmds.map((c) => `  ${c.name.slice(group.length + 1).padEnd(10)} ${c.summary}`).join("\n")}\n\nRun cronhook ${group} <command> --help for its options.\n\n${GLOBAL_HELP}\n\n${EXIT_CODES_HELP}`;
}

/** Runs a client command (argv starts with the group, e.g. ["jobs", "list"]); never throws, returns the exit code. */
export async function runCli(argv: string[], opts: Partial<RunOptions> = {}): Promise<number> {
  const o: RunOptions = { io: consoleIo, ...opts };
  const [first, second, ...rest] = argv;
  try {
    if (first === "apply") return await runCommand(applyCommand, argv.slice(1), o);
    const cmds = first !== undefined ? GROUPS[first] : undefined;
    if (!cmds) throw new UsageError(`unknown command ${JSON.stringify(first)}`, "cronhook --help");
    if (second === undefined || second === "--help" || second === "-h" || second === "help") {
      (second === undefined ? o.io.err : o.io.out)(groupHelp(first!));
      return second === undefined ? EXIT.usage : EXIT.ok;
    }
    const cmd = cmds.find((c) => c.name === `${first} ${second}`);
    if (!cmd) throw new UsageError(`unknown command "${first} ${second}"`, `cronhook ${first} --help`);
    return await runCommand(cmd, rest, o);
  } catch (err) {
    if (err instanceof ConfigError) {
      o.io.err(`cronhook: ${err.message}`);
      return EXIT.usage;
    }
    o.io.err(`cronhook: ${describeError(err)}`);
    if (err instanceof UsageError && err.helpHint) o.io.err(`(see ${err.helpHint})`);
    // Anything that is not a known kind of failure is a bug: show where it came from.
    const known = err instanceof CliError || err instanceof ApiError || err instanceof UnreachableError;
    if (!known && err instanceof Error && err.stack) o.io.err(err.stack);
    return exitCodeFor(err);
  }
}
