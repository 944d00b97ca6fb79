#!/usr/bin/env bun
// Composition root: `serve` (config -> store -> engine -> app -> Bun.serve), `migrate`, `openapi`, `--version`, and the client commands (src/cli).
import { ConfigError, SERVE_HELP, VERSION, collectOptions, earlyListenAddress } from "./config/options.ts";
import { versionLine } from "./cli/version.ts";
import { createLogger, sharedStdout } from "./log/logger.ts";
// Everything else (zod and the full config, the runtime, the store, the client commands) is imported by the
// commands that use it: `serve` listens before loading them, and client commands start without the server side.

const HELP = `cronhook ${VERSION}: scheduled HTTP jobs

Usage:
  cronhook serve [options]     run the API and the scheduler (see cronhook serve --help)
  cronhook migrate [--db URL]  apply database migrations and exit
  cronhook openapi             print the OpenAPI document (JSON)
  cronhook --version           print the version and build commit

Client commands, against a running server (--server URL / CRONHOOK_SERVER, default
http://127.0.0.1:8080; --token / CRONHOOK_TOKEN; --json for scripts):
  cronhook jobs list|get|create|pause|resume|run|delete
  cronhook runs list|get
  cronhook scheduler status|pause|resume|wakeup
  cronhook trigger preview 'EXPR' [--tz ZONE]
  cronhook apply -f jobs.yaml [--dry-run] [--prune]
Every command takes --help.

Exit codes: 0 ok, 1 the operation or run failed, 2 usage error, 3 not found, 4 auth, 5 server unreachable.`;

async function serve(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(SERVE_HELP);
    return 0;
  }
  // Listen first: /healthz ("the process is up") answers while zod, the config, the database and the app load;
  // every other request waits for them (CI runners poll /healthz right after starting the process). The address
  // comes from a zod-free read of the flags; when it is not plainly valid and safe, listening waits for the full
  // config, which then explains what is wrong.
  let handler: ((req: Request) => Response | Promise<Response>) | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const listen = (hostname: string, port: number) =>
    Bun.serve({
      hostname,
      port,
      idleTimeout: 120,
      async fetch(req) {
        if (handler) return handler(req);
        if (new URL(req.url).pathname === "/healthz") return Response.json({ status: "ok" });
        await ready;
        return handler!(req);
      },
    });
  const early = earlyListenAddress(collectOptions(argv));
  let server = early ? listen(early.host, early.port) : null;
  let config: import("./config/config.ts").Config;
  try {
    await Bun.sleep(0);
    await import("zod");
    await Bun.sleep(0);
    config = (await import("./config/config.ts")).loadConfig(argv);
  } catch (err) {
    server?.stop(true);
    throw err;
  }
  server ??= listen(config.host, config.port);
  // Request and fire lines are written in batches every few milliseconds; the rest of the process logs through it too.
  const logger = createLogger({ level: config.logLevel, base: { instanceId: config.instanceId }, write: sharedStdout().write });
  // A closed stdout (the reading side went away) must not crash the server or flood stderr.
  process.stdout.on("error", () => {});
  let rt: Awaited<ReturnType<typeof import("./runtime.ts").createRuntime>> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    await server.stop();
    await rt?.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  try {
    // Loading the app is one long synchronous evaluation; take it in steps so that a /healthz poll that
    // arrives meanwhile is answered between them.
    const steps = [
      () => import("./store/store.ts"),
      () => import("./domain/job.ts"),
      () => import("./engine/engine.ts"),
      () => import("./api/app.ts"),
    ];
    for (const step of steps) {
      await Bun.sleep(0);
      await step();
    }
    const { createRuntime } = await import("./runtime.ts");
    rt = await createRuntime(config, { logger });
    if (config.jobsFile) {
      try {
        const { loadJobsFile } = await import("./cli/serve-jobs.ts");
        const loaded = await loadJobsFile(config.jobsFile, rt.app, config.apiTokens[0]);
        rt.logger.info("jobs file loaded", { file: config.jobsFile, ...loaded });
      } catch (err) {
        await rt.stop();
        throw err;
      }
    }
  } catch (err) {
    server.stop(true);
    throw err;
  }
  handler = rt.app.fetch;
  markReady();
  // Said once the API is ready, always (unless silent), whatever the level: scripts and supervisors read the URL from it.
  const startup = config.logLevel === "silent" ? logger : createLogger({ level: "info", base: { instanceId: config.instanceId }, write: sharedStdout().write });
  startup.info("listening", { url: `http://${config.host}:${server.port}`, db: redactDb(config.dbUrl), version: VERSION });
  sharedStdout().flush(); // in order after the start-up lines, and at once: whoever started us is waiting for it
  if (!stopping) await rt.start();
  return new Promise<number>(() => {}); // runs until a signal
}

function redactDb(url: string): string {
  return url.replace(/(authToken=)[^&]+/i, "$1***");
}

async function migrateCmd(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log("Usage: cronhook migrate [--db URL] [--db-auth-token TOKEN]\n\nApplies the database migrations and exits (serve also applies them at start).");
    return 0;
  }
  const { loadConfig } = await import("./config/config.ts");
  const config = loadConfig(argv);
  const { Store } = await import("./store/store.ts");
  const store = await Store.open({ url: config.dbUrl, authToken: config.dbAuthToken });
  try {
    const applied = await store.migrate(Date.now());
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    return 0;
  } finally {
    store.close();
  }
}

async function openapiCmd(): Promise<number> {
  const { createRuntime } = await import("./runtime.ts");
  const { loadConfig } = await import("./config/config.ts");
  const rt = await createRuntime(loadConfig(["--db", ":memory:", "--log-level", "silent"], {}));
  try {
    const res = await rt.app.request("/openapi.json");
    console.log(JSON.stringify(await res.json(), null, 2));
    return 0;
  } finally {
    await rt.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "serve":
        return await serve(rest);
      case "migrate":
        return await migrateCmd(rest);
      case "openapi":
        if (rest.includes("--help") || rest.includes("-h")) {
          console.log("Usage: cronhook openapi\n\nPrints the OpenAPI 3.1 document the server serves at /openapi.json (no server needed).");
          return 0;
        }
        return await openapiCmd();
      case "jobs":
      case "runs":
      case "scheduler":
      case "trigger":
      case "apply":
        // Loaded on demand, so that `serve` does not pay for the client's modules at start.
        return await (await import("./cli/cli.ts")).runCli(argv);
      case "--version":
      case "-v":
      case "version":
        console.log(versionLine());
        return 0;
      case undefined:
      case "--help":
      case "-h":
      case "help":
        console.log(HELP);
        return cmd === undefined ? 2 : 0;
      default:
        console.error(`unknown command ${JSON.stringify(cmd)}\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`cronhook: ${err.message}`);
      return 2;
    }
    console.error(`cronhook: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
