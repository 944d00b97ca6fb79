// loadConfig: defaults, flags over environment, errors that name the flag or variable, the auth guard, database URLs.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, VERSION } from "../../src/config/config.ts";
import { collectOptions, earlyListenAddress } from "../../src/config/options.ts";
import { Store } from "../../src/store/store.ts";
import pkg from "../../package.json" with { type: "json" };

/** The ConfigError loadConfig throws (fails the test if it throws nothing or something else). */
function configError(argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(argv)}, ${JSON.stringify(env)}) did not throw`);
}

describe("loadConfig", () => {
  test("with no flags and no environment gives the documented defaults", () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dbUrl: "file:./cronhook.db",
      apiTokens: [],
      leaseTtlMs: 3000,
      logLevel: "info",
      insecureNoAuth: false,
      tickMs: 250,
      claimWindowMs: 1500,
      maxInFlight: 64,
      maxBodyBytes: 1024 * 1024,
      shards: 1,
      version: pkg.version,
    });
    expect(c.dbAuthToken).toBeUndefined();
    expect(c.instanceId).toEndWith(`-${process.pid}`);
    expect(VERSION).toBe(pkg.version);
  });

  test("returns a frozen config", () => {
    const c = loadConfig([], {});
    expect(Object.isFrozen(c)).toBe(true);
  });

  test("reads every CRONHOOK_* variable", () => {
    const c = loadConfig([], {
      CRONHOOK_HOST: "127.0.0.2",
      CRONHOOK_PORT: "9001",
      CRONHOOK_DB_URL: "libsql://db.example.test",
      CRONHOOK_DB_AUTH_TOKEN: "secret",
      CRONHOOK_INSTANCE_ID: "node-a",
      CRONHOOK_LEASE_TTL_MS: "5000",
      CRONHOOK_LOG_LEVEL: "debug",
      CRONHOOK_TICK_MS: "100",
      CRONHOOK_CLAIM_WINDOW_MS: "2000",
      CRONHOOK_MAX_IN_FLIGHT: "8",
      CRONHOOK_MAX_BODY_BYTES: "2048",
    });
    expect(c).toMatchObject({
      host: "127.0.0.2",
      port: 9001,
      dbUrl: "libsql://db.example.test",
      dbAuthToken: "secret",
      instanceId: "node-a",
      leaseTtlMs: 5000,
      logLevel: "debug",
      tickMs: 100,
      claimWindowMs: 2000,
      maxInFlight: 8,
      maxBodyBytes: 2048,
    });
  });

  test("a flag beats its environment variable", () => {
    const env = { CRONHOOK_PORT: "9000", CRONHOOK_LOG_LEVEL: "warn", CRONHOOK_INSTANCE_ID: "from-env" };
    const c = loadConfig(["--port", "9100", "--log-level=error", "--instance-id", "from-flag"], env);
    expect(c.port).toBe(9100);
    expect(c.logLevel).toBe("error");
    expect(c.instanceId).toBe("from-flag");
  });

  test("an environment variable set to the empty string counts as unset", () => {
    expect(loadConfig([], { CRONHOOK_PORT: "" }).port).toBe(8080);
  });

  test("accepts --flag value and --flag=value alike", () => {
    expect(loadConfig(["--port", "7000"], {}).port).toBe(7000);
    expect(loadConfig(["--port=7001"], {}).port).toBe(7001);
  });

  test("--port abc is refused naming --port", () => {
    const e = configError(["--port", "abc"]);
    expect(e.message).toContain("--port");
    expect(e.message).toContain("abc");
  });

  test("CRONHOOK_PORT=99999 is refused naming CRONHOOK_PORT", () => {
    const e = configError([], { CRONHOOK_PORT: "99999" });
    expect(e.message).toContain("CRONHOOK_PORT");
    expect(e.message).not.toContain("--port");
  });

  test("a fractional port is refused", () => {
    expect(configError(["--port", "80.5"]).message).toContain("--port");
  });

  test("an empty --port= value is refused rather than read as port 0", () => {
    expect(configError(["--port="]).message).toContain("--port");
  });

  test("a blank CRONHOOK_PORT is refused rather than read as port 0", () => {
    expect(configError([], { CRONHOOK_PORT: " " }).message).toContain("CRONHOOK_PORT");
  });

  test("--shards takes 1 to 64 (flag or CRONHOOK_SHARDS) and refuses the rest naming the source", () => {
    expect(loadConfig(["--shards", "4"], {}).shards).toBe(4);
    expect(loadConfig([], { CRONHOOK_SHARDS: "64" }).shards).toBe(64);
    expect(configError(["--shards", "0"]).message).toContain("--shards");
    expect(configError(["--shards", "65"]).message).toContain("--shards");
    expect(configError(["--shards", "two"]).message).toContain("--shards");
    expect(() => loadConfig([], { CRONHOOK_SHARDS: "1.5" })).toThrow(/CRONHOOK_SHARDS/);
  });

  test("an unknown log level is refused naming the flag", () => {
    expect(configError(["--log-level", "loud"]).message).toContain("--log-level");
  });

  test("an unknown flag is refused naming it", () => {
    expect(configError(["--prot", "8080"]).message).toContain("--prot");
  });

  test("a flag without its value is refused", () => {
    expect(configError(["--port"]).message).toContain("--port");
  });

  test("a non-loopback host without API tokens is refused", () => {
    const e = configError(["--host", "0.0.0.0"]);
    expect(e.message).toContain("--host");
    expect(e.message).toContain("CRONHOOK_API_TOKENS");
    expect(configError([], { CRONHOOK_HOST: "10.0.0.5" }).message).toContain("CRONHOOK_HOST");
  });

  test("a non-loopback host without tokens is allowed with --insecure-no-auth", () => {
    const c = loadConfig(["--host", "0.0.0.0", "--insecure-no-auth"], {});
    expect(c.host).toBe("0.0.0.0");
    expect(c.insecureNoAuth).toBe(true);
    expect(loadConfig(["--host", "0.0.0.0"], { CRONHOOK_INSECURE_NO_AUTH: "true" }).insecureNoAuth).toBe(true);
  });

  test("--insecure-no-auth=false keeps the guard", () => {
    expect(configError(["--host", "0.0.0.0", "--insecure-no-auth=false"]).message).toContain("--host");
  });

  test("a non-loopback host with API tokens is allowed", () => {
    expect(loadConfig(["--host", "0.0.0.0", "--api-tokens", "t1"], {}).apiTokens).toEqual(["t1"]);
  });

  test("loopback hosts need no tokens", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1"]) expect(loadConfig(["--host", host], {}).host).toBe(host);
  });

  test("API tokens are split on commas, trimmed, and empty entries dropped", () => {
    expect(loadConfig([], { CRONHOOK_API_TOKENS: "alpha, beta,,gamma ," }).apiTokens).toEqual(["alpha", "beta", "gamma"]);
    expect(loadConfig(["--api-tokens=x,y"], {}).apiTokens).toEqual(["x", "y"]);
  });

  test("--db :memory: stays :memory: and opens a usable database", async () => {
    const c = loadConfig(["--db", ":memory:"], {});
    expect(c.dbUrl).toBe(":memory:");
    const s = await Store.open({ url: c.dbUrl });
    try {
      await s.migrate(0);
      expect(await s.isMigrated()).toBe(true);
    } finally {
      s.close();
    }
  });

  test("a bare path becomes a file: URL that opens a database at that path", async () => {
    expect(loadConfig(["--db", "./data/cronhook.db"], {}).dbUrl).toBe("file:./data/cronhook.db");
    const dir = mkdtempSync(join(tmpdir(), "cronhook-config-"));
    try {
      const path = join(dir, "jobs.db");
      const c = loadConfig(["--db", path], {});
      expect(c.dbUrl).toBe(`file:${path}`);
      const s = await Store.open({ url: c.dbUrl });
      try {
        await s.migrate(0);
        expect(await s.isMigrated()).toBe(true);
      } finally {
        s.close();
      }
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("URLs with a scheme are kept as given", () => {
    for (const url of ["file:/var/lib/cronhook.db", "libsql://db.example.test", "https://db.example.test", "wss://db.example.test"]) {
      expect(loadConfig(["--db", url], {}).dbUrl).toBe(url);
    }
  });
});

describe("earlyListenAddress (where serve listens before zod and the full config load)", () => {
  const early = (argv: string[], env: Record<string, string> = {}) => earlyListenAddress(collectOptions(argv, env));

  test("defaults to 127.0.0.1:8080, and takes flags over environment twins", () => {
    expect(early([])).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(early(["--port", "9001"], { CRONHOOK_PORT: "9000", CRONHOOK_HOST: "::1" })).toEqual({ host: "::1", port: 9001 });
    expect(early(["--port=0"])).toEqual({ host: "127.0.0.1", port: 0 });
  });

  test("agrees with loadConfig on every address it accepts", () => {
    for (const argv of [[], ["--port", "0"], ["--host", "localhost", "--port", "65535"], ["--host", "0.0.0.0", "--api-tokens", "t"]]) {
      const c = loadConfig(argv, {});
      expect(early(argv)).toEqual({ host: c.host, port: c.port });
    }
  });

  test("declines what the full parse must judge: a bad port, a blank host", () => {
    for (const argv of [["--port", "http"], ["--port", "70000"], ["--port", "-1"], ["--port", "80.5"], ["--host", ""], ["--host", " 127.0.0.1"]]) {
      expect(early(argv)).toBeNull();
    }
  });

  test("never listens early on a non-loopback address that the full parse would refuse", () => {
    expect(early(["--host", "0.0.0.0"])).toBeNull();
    expect(early(["--host", "0.0.0.0", "--api-tokens", " , "])).toBeNull();
    expect(() => loadConfig(["--host", "0.0.0.0"], {})).toThrow(ConfigError);
    expect(early(["--host", "0.0.0.0", "--insecure-no-auth"])).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(early(["--host", "0.0.0.0"], { CRONHOOK_API_TOKENS: "secret" })).toEqual({ host: "0.0.0.0", port: 8080 });
  });

  test("an unknown flag is a ConfigError before anything listens", () => {
    expect(() => early(["--prot", "1"])).toThrow(ConfigError);
  });
});
