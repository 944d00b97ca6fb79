// Structured logger: one JSON object per line. Never given target header values or bodies.
import { writeSync } from "node:fs";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export function createLogger(opts: { level: LogLevel; write?: (line: string) => void; base?: LogFields }): Logger {
  const min = ORDER[opts.level];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + "\n"));
  const base = opts.base ?? {};
  const emit = (level: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const rec: LogFields = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    if (rec.err instanceof Error) rec.err = { name: rec.err.name, message: rec.err.message, stack: rec.err.stack };
    try {
      write(JSON.stringify(rec));
    } catch {
      // A closed stdout must never take a request or a fire down with it.
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ level: opts.level, write, base: { ...base, ...fields } }),
    enabled: (level) => ORDER[level] >= min,
  };
}

export const silentLogger: Logger = createLogger({ level: "silent" });

/**
 * Collects log lines and writes them to stdout in one call every few milliseconds (or at 64 KiB): at thousands of
 * fires a second, one write per line cost about 5% of a thread. Whatever is buffered is written synchronously
 * when the process exits, so a normal exit or a signal handler that calls process.exit loses nothing.
 */
export function bufferedStdout(opts: { maxDelayMs?: number; maxBytes?: number; flushOnExit?: boolean } = {}): { write: (line: string) => void; flush: () => void } {
  const maxDelayMs = opts.maxDelayMs ?? 5;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  let buf = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buf) return;
    const out = buf;
    buf = "";
    try {
      process.stdout.write(out);
    } catch {
      // A closed stdout must never take a request or a fire down with it.
    }
  };
  if (opts.flushOnExit !== false) process.on("exit", () => {
    if (!buf) return;
    try {
      writeSync(1, buf);
    } catch {
      // nothing left to do at exit
    }
    buf = "";
  });
  return {
    write(line) {
      buf += line + "\n";
      if (buf.length >= maxBytes) flush();
      else timer ??= setTimeout(flush, maxDelayMs);
    },
    flush,
  };
}

let shared: ReturnType<typeof bufferedStdout> | null = null;
/** The process's one buffered stdout (one exit hook, however many loggers and runtimes write to it). */
export function sharedStdout(): ReturnType<typeof bufferedStdout> {
  shared ??= bufferedStdout();
  return shared;
}
