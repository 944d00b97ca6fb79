// Flag parsing for the client commands (node:util parseArgs, strict), with the global --server/--token/--json/--help.
import { parseArgs } from "node:util";
import { UsageError } from "./exit.ts";

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export const GLOBAL_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export const GLOBAL_HELP = `Global options:
  --server URL    the cronhook server (CRONHOOK_SERVER, default http://127.0.0.1:8080)
  --token TOKEN   bearer token (CRONHOOK_TOKEN)
  --json          print JSON for scripts instead of tables
  -h, --help      show help`;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv against the command's options plus the global ones; an unknown flag is a usage error naming the command. */
export function parse(argv: string[], options: OptionSpec, command: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, "") : String(err);
    throw new UsageError(msg, `cronhook ${command} --help`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function int(p: Parsed, name: string, min: number, max: number): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
}

/** Exactly `names.length` positionals, named in the message when one is missing or extra. */
export function positionals(p: Parsed, names: string[], command: string): string[] {
  if (p.positionals.length < names.length)
    throw new UsageError(`missing ${names.slice(p.positionals.length).map((n) => n.toUpperCase()).join(" ")}`, `cronhook ${command} --help`);
  if (p.positionals.length > names.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(p.positionals[names.length])}`, `cronhook ${command} --help`);
  return p.positionals;
}

const DURATION = /^(\d+)(ms|s|m|h)?$/;
/** "90s", "5m", "1500ms" or plain milliseconds, for client-side waits. */
export function durationMs(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const m = DURATION.exec(v.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 500ms, 30s, 5m, 1h (got ${JSON.stringify(v)})`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return n * (unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000);
}
