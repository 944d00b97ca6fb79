// The only reader of process.env and flags: parses once with zod into a frozen Config, fails fast naming the bad value.
import { z } from "zod";
import { hostname } from "node:os";
import { MAX_SHARDS } from "../domain/shard.ts";
import { ConfigError, OPTIONS, type OptionKey, TRUE_WORDS, VERSION, collectOptions, listenAllowed, splitTokens } from "./options.ts";

export { ConfigError, SERVE_HELP, VERSION, isLoopbackHost } from "./options.ts";

/** The compatibility APIs cronhook can serve (CRONHOOK_COMPAT). */
export const COMPAT_APIS = ["seldom", "ruqi", "apscheduler"] as const;
export type CompatApi = (typeof COMPAT_APIS)[number];

const intIn = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? Number.NaN : v), // "" must not read as 0
    z.coerce.number({ error: "must be a number" }).int("must be an integer").min(min).max(max),
  );
const bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no", ""])])
  .transform((v) => v === true || (typeof v === "string" && TRUE_WORDS.includes(v)));

const ConfigSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: intIn(0, 65535).default(8080),
  dbUrl: z
    .string()
    .min(1)
    .default("file:./cronhook.db")
    .transform((u) => (u === ":memory:" || /^(file|libsql|https?|wss?):/.test(u) ? u : `file:${u}`)),
  dbAuthToken: z.string().optional(),
  instanceId: z.string().min(1).max(200).optional(),
  apiTokens: z
    .string()
    .default("")
    .transform(splitTokens),
  leaseTtlMs: intIn(500, 600_000).default(3000),
  logLevel: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  insecureNoAuth: bool.default(false),
  tickMs: intIn(10, 60_000).default(250),
  claimWindowMs: intIn(100, 60_000).default(1500),
  maxInFlight: intIn(1, 10_000).default(64),
  maxBodyBytes: intIn(1024, 64 * 1024 * 1024).default(1024 * 1024),
  // Jobs hash to this many shards, each led under its own lease (src/domain/shard.ts); the same on every instance.
  shards: intIn(1, MAX_SHARDS).default(1),
  jobsFile: z.string().min(1).optional(),
  // Compatibility APIs (src/api/compat): which are mounted, CORS for browser front ends, RuQi's base URL and time zone.
  compat: z
    .union([z.array(z.enum(COMPAT_APIS)), z.string()])
    .default(COMPAT_APIS.join(","))
    .transform((v, ctx): CompatApi[] => {
      if (Array.isArray(v)) return [...new Set(v)];
      const names = v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
      if (names.length === 1 && names[0] === "none") return [];
      if (names.length === 1 && names[0] === "all") return [...COMPAT_APIS];
      const bad = names.filter((n) => !(COMPAT_APIS as readonly string[]).includes(n));
      if (bad.length > 0 || names.length === 0) {
        ctx.addIssue({ code: "custom", message: `must be a comma-separated list of ${COMPAT_APIS.join(", ")}, or all, or none` });
        return z.NEVER;
      }
      return [...new Set(names)] as CompatApi[];
    }),
  corsOrigins: z
    .union([z.array(z.string()), z.string()])
    .default("")
    .transform((v, ctx): string[] => {
      const list = (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean);
      for (const o of list) {
        if (o !== "*" && !/^https?:\/\/[^/\s]+$/i.test(o)) {
          ctx.addIssue({ code: "custom", message: `"${o}" is not an origin like https://app.example.test (scheme://host[:port], no path) or *` });
          return z.NEVER;
        }
      }
      return list;
    }),
  ruqiBaseUrl: z
    .string()
    .refine((u) => /^https?:\/\/\S+$/i.test(u) && URL.canParse(u), "must be an http:// or https:// URL")
    .optional(),
  compatTz: z
    .string()
    .default("UTC")
    .refine((tz) => {
      if (tz === "UTC") return true; // the default: skip loading the time-zone data (~15 ms of start-up)
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return /^[A-Za-z]/.test(tz);
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as UTC or Asia/Shanghai"),
});

// Every flag of options.ts names a key of the schema.
const optionKeysMatch: [OptionKey] extends [keyof z.input<typeof ConfigSchema>] ? true : never = true;
void optionKeysMatch;

export type Config = Readonly<Omit<z.output<typeof ConfigSchema>, "instanceId"> & { instanceId: string; version: string }>;

/** Parses `serve` flags and CRONHOOK_* variables (flags win). Throws ConfigError naming the flag or variable. */
export function loadConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): Config {
  const { raw, source } = collectOptions(argv, env);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((iss) => {
      const key = String(iss.path[0] ?? "");
      const where = source[key as keyof typeof source] ?? OPTIONS.find(([, , k]) => k === key)?.[1] ?? key;
      return `${where}: ${iss.message} (got ${JSON.stringify(raw[key as keyof typeof raw])})`;
    });
    throw new ConfigError(`invalid configuration: ${msgs.join("; ")}`);
  }
  const c = parsed.data;
  if (!listenAllowed(c.host, c.apiTokens.length > 0, c.insecureNoAuth)) {
    throw new ConfigError(
      `${source.host ?? "--host"}: refusing to listen on non-loopback address ${c.host} without CRONHOOK_API_TOKENS; set tokens or pass --insecure-no-auth`,
    );
  }
  return Object.freeze({ ...c, instanceId: c.instanceId ?? `${hostname()}-${process.pid}`, version: VERSION });
}

/**
 * A config for tests and embedding: defaults plus overrides, no environment read. The compatibility
 * APIs are off unless a test asks for them (`compat: ["ruqi"]`), so tests of /v1 see only /v1.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig([], {}), dbUrl: ":memory:", logLevel: "silent" as const, compat: [], ...overrides });
}

export interface ClientConfig {
  /** Base URL of the cronhook server, without /v1. */
  server: string;
  token: string | undefined;
}

export const DEFAULT_SERVER = "http://127.0.0.1:8080";

/** Where the client commands connect: `--server` / CRONHOOK_SERVER and `--token` / CRONHOOK_TOKEN (flags win). */
export function loadClientConfig(
  flags: { server?: string | undefined; token?: string | undefined },
  env: Record<string, string | undefined> = process.env,
): Readonly<ClientConfig> {
  const fromFlag = flags.server !== undefined;
  const server = (flags.server ?? (env.CRONHOOK_SERVER || DEFAULT_SERVER)).trim();
  const where = fromFlag ? "--server" : env.CRONHOOK_SERVER ? "CRONHOOK_SERVER" : "default server";
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ConfigError(`${where}: not a URL (got ${JSON.stringify(server)}); expected e.g. ${DEFAULT_SERVER}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${where}: must be an http:// or https:// URL (got ${JSON.stringify(server)})`);
  const token = flags.token !== undefined ? flags.token : env.CRONHOOK_TOKEN || undefined;
  if (token !== undefined && token.trim() === "") throw new ConfigError("--token: must not be empty");
  return Object.freeze({ server: server.replace(/\/+$/, ""), token });
}
