// CLI test helpers: an in-test server on 127.0.0.1 (port 0, fresh :memory: database) and the CLI run from source as a real process.
import { join } from "node:path";
import { testConfig, type Config } from "../../src/config/config.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";

export const ROOT = join(import.meta.dir, "..", "..");

export interface TestServer {
  url: string;
  rt: Runtime;
  stop(): Promise<void>;
}

export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const rt = await createRuntime(testConfig({ tickMs: 50, claimWindowMs: 500, leaseTtlMs: 2000, instanceId: "cli-test", ...overrides }));
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: rt.app.fetch });
  await rt.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    rt,
    async stop() {
      await server.stop(true);
      await rt.stop();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without any CRONHOOK_* variable, so the developer's shell cannot leak into a test. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("CRONHOOK_")) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `bun src/main.ts ...args` (or another executable) and collects its exit code and output; killed after timeoutMs. */
export async function cli(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; bin?: string[]; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const cmd = [...(opts.bin ?? [process.execPath, join(ROOT, "src/main.ts")]), ...args];
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env ?? {}),
    stdin: opts.stdin !== undefined ? new Blob([opts.stdin]) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    proc.kill("SIGKILL");
  }
}

/** A minimal valid job for a target URL. */
export function jobEntry(id: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url }, ...extra };
}

export interface ServeProcess {
  url: string;
  lines: string[];
  proc: ReturnType<typeof Bun.spawn>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves to the exit code. */
  stop(): Promise<number>;
}

/** Starts `serve --port 0 ...args` (from source, or `bin`) and waits for its `{"msg":"listening","url":...}` log line. */
export async function startServe(
  args: string[],
  opts: { bin?: string[]; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  const cmd = [...(opts.bin ?? [process.execPath, join(ROOT, "src/main.ts")]), "serve", "--port", "0", ...args];
  const proc = Bun.spawn(cmd, { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env ?? {}), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const lines: string[] = [];
  let url: string | null = null;
  void (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (!url && line.includes('"listening"')) url = (JSON.parse(line) as { url: string }).url;
      }
    }
  })();
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (!url) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`serve did not start (exit ${proc.exitCode}): ${await new Response(proc.stderr).text()}\n${lines.join("\n")}`);
    }
    await Bun.sleep(10);
  }
  return {
    url,
    lines,
    proc,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      try {
        return await proc.exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
