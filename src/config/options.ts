// The serve flags and their environment twins, without zod: what the process needs before the full config
// is parsed (the version, help, and the listen address, so that /healthz answers within milliseconds).
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

export class ConfigError extends Error {}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/** The words a boolean flag or variable reads as true (false: "false", "0", "no", ""). */
export const TRUE_WORDS: readonly string[] = ["true", "1", "yes"];

/** CRONHOOK_API_TOKENS: comma-separated, trimmed, empty entries dropped. */
export function splitTokens(s: string): string[] {
  return s.split(",").map((t) => t.trim()).filter(Boolean);
}

/** Without API tokens the server listens only on loopback, unless told --insecure-no-auth. */
export function listenAllowed(host: string, hasTokens: boolean, insecureNoAuth: boolean): boolean {
  return hasTokens || insecureNoAuth || isLoopbackHost(host);
}

/** flag name, env name, config key */
export const OPTIONS = [
  ["--host", "CRONHOOK_HOST", "host"],
  ["--port", "CRONHOOK_PORT", "port"],
  ["--db", "CRONHOOK_DB_URL", "dbUrl"],
  ["--db-auth-token", "CRONHOOK_DB_AUTH_TOKEN", "dbAuthToken"],
  ["--instance-id", "CRONHOOK_INSTANCE_ID", "instanceId"],
  ["--api-tokens", "CRONHOOK_API_TOKENS", "apiTokens"],
  ["--lease-ttl-ms", "CRONHOOK_LEASE_TTL_MS", "leaseTtlMs"],
  ["--log-level", "CRONHOOK_LOG_LEVEL", "logLevel"],
  ["--insecure-no-auth", "CRONHOOK_INSECURE_NO_AUTH", "insecureNoAuth"],
  ["--tick-ms", "CRONHOOK_TICK_MS", "tickMs"],
  ["--claim-window-ms", "CRONHOOK_CLAIM_WINDOW_MS", "claimWindowMs"],
  ["--max-in-flight", "CRONHOOK_MAX_IN_FLIGHT", "maxInFlight"],
  ["--max-body-bytes", "CRONHOOK_MAX_BODY_BYTES", "maxBodyBytes"],
  ["--shards", "CRONHOOK_SHARDS", "shards"],
  ["--jobs", "CRONHOOK_JOBS_FILE", "jobsFile"],
  ["--compat", "CRONHOOK_COMPAT", "compat"],
  ["--cors-origins", "CRONHOOK_CORS_ORIGINS", "corsOrigins"],
  ["--ruqi-base-url", "CRONHOOK_RUQI_BASE_URL", "ruqiBaseUrl"],
  ["--compat-tz", "CRONHOOK_COMPAT_TZ", "compatTz"],
] as const;
export type OptionKey = (typeof OPTIONS)[number][2];
const BOOLEAN_FLAGS = new Set<string>(["--insecure-no-auth"]);

export const SERVE_HELP = `Usage: cronhook serve [options]

Options (each has an environment twin):
${OPTIONS.map(([f, e]) => `  ${(f + (BOOLEAN_FLAGS.has(f) ? "" : " VALUE")).padEnd(28)} ${e}`).join("\n")}

Defaults: --host 127.0.0.1 --port 8080 --db file:./cronhook.db --lease-ttl-ms 3000 --log-level info
--db :memory: runs with no file; --db libsql://... or https://... uses a remote libSQL server.
--jobs FILE loads a jobs file (YAML or JSON, the format of cronhook apply) at start: each job is created or replaced.`;

export interface RawOptions {
  /** The raw values by config key (strings, or true for a bare boolean flag). */
  raw: Partial<Record<OptionKey, string | true>>;
  /** Where each value came from (the flag or the variable), for error messages. */
  source: Partial<Record<OptionKey, string>>;
}

/** Collects `serve` flags and CRONHOOK_* variables (flags win), unvalidated. Throws ConfigError on an unknown flag. */
export function collectOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env): RawOptions {
  const raw: RawOptions["raw"] = {};
  const source: RawOptions["source"] = {};
  for (const [, name, key] of OPTIONS) {
    const v = env[name];
    if (v !== undefined && v !== "") {
      raw[key] = v;
      source[key] = name;
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const opt = OPTIONS.find(([f]) => f === flag);
    if (!opt) throw new ConfigError(`unknown option ${JSON.stringify(arg)} (see cronhook serve --help)`);
    const key = opt[2];
    if (BOOLEAN_FLAGS.has(flag)) {
      raw[key] = eq > 0 ? arg.slice(eq + 1) : true;
    } else if (eq > 0) {
      raw[key] = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`${flag} needs a value`);
      raw[key] = next;
      i++;
    }
    source[key] = flag;
  }
  return { raw, source };
}

/**
 * The address to listen on before the full config is parsed, or null when that is not plainly safe: a host or
 * port that is not obviously valid (the full parse then reports it), or a non-loopback host without tokens or
 * --insecure-no-auth (the full parse refuses it, and nothing should listen there even for a moment).
 */
export function earlyListenAddress(options: RawOptions): { host: string; port: number } | null {
  const { raw } = options;
  const host = raw.host === undefined ? "127.0.0.1" : raw.host;
  const port = raw.port === undefined ? "8080" : raw.port;
  if (typeof host !== "string" || host.trim() !== host || host === "") return null;
  if (typeof port !== "string" || !/^\d{1,5}$/.test(port) || Number(port) > 65535) return null;
  const tokens = typeof raw.apiTokens === "string" && splitTokens(raw.apiTokens).length > 0;
  const insecure = raw.insecureNoAuth === true || (typeof raw.insecureNoAuth === "string" && TRUE_WORDS.includes(raw.insecureNoAuth));
  if (!listenAllowed(host, tokens, insecure)) return null;
  return { host, port: Number(port) };
}
