// Exit codes of every cronhook command, and the errors that carry them.
import { ApiError, UnreachableError } from "../client/index.ts";

export const EXIT = {
  ok: 0,
  /** The operation failed: the server refused it, or the run ended other than succeeded. */
  failed: 1,
  /** Bad flags, missing arguments, an unreadable or malformed file. */
  usage: 2,
  notFound: 3,
  auth: 4,
  unreachable: 5,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 ok, 1 the operation or run failed, 2 usage error, 3 not found, 4 auth (401/403), 5 server unreachable.`;

/** A failure the CLI reports in one line with a chosen exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    /** The help text to point at, e.g. "cronhook jobs create --help". */
    readonly helpHint?: string,
  ) {
    super(EXIT.usage, message);
    this.name = "UsageError";
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof UnreachableError) return EXIT.unreachable;
  if (err instanceof ApiError) {
    if (err.status === 404) return EXIT.notFound;
    if (err.status === 401 || err.status === 403) return EXIT.auth;
    return EXIT.failed;
  }
  return EXIT.failed;
}

/** One or more lines for stderr: the server's problem detail, its code and the field errors. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const p = err.problem;
    if (!p) return `server answered HTTP ${err.status}`;
    const head = `${p.detail || p.title}${p.code ? ` (${p.code}, HTTP ${err.status})` : ` (HTTP ${err.status})`}`;
    // The detail often already reads "path: message"; list only the field errors it does not say.
    const fields = (p.errors ?? []).filter((e) => !head.includes(`${e.path}: ${e.message}`)).map((e) => `  ${e.path}: ${e.message}`);
    return [head, ...fields].join("\n");
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
