// Starts `cronhook serve` as a real child process (tests, chaos harness, benchmarks) and reads its URL from the JSON log.
import { join } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "..", "..");

export interface Instance {
  url: string;
  proc: Subprocess<"ignore", "pipe" | "ignore", "pipe">;
  lines: string[];
  kill(signal?: NodeJS.Signals | number): void;
  exited: Promise<number>;
}

export interface StartOptions {
  /** The program to run instead of `bun src/main.ts` (e.g. the compiled binary). */
  command?: string[];
  /** Send stdout to this file instead of keeping lines in memory (benchmarks: thousands of fire lines a second). */
  logFile?: string;
  timeoutMs?: number;
}

export async function startInstance(args: string[], env: Record<string, string> = {}, timeoutMs = 10_000, opts: StartOptions = {}): Promise<Instance> {
  const command = opts.command ?? ["bun", join(ROOT, "src/main.ts")];
  const proc = Bun.spawn([...command, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, CRONHOOK_LOG_LEVEL: "info", ...env },
    stdin: "ignore",
    stdout: opts.logFile ? Bun.file(opts.logFile) : "pipe",
    stderr: "pipe",
  }) as Subprocess<"ignore", "pipe", "pipe">;
  if (opts.logFile) {
    const file = opts.logFile;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await Bun.file(file).text().catch(() => "");
      const m = text.match(/"msg":"listening"[^\n]*"url":"([^"]+)"/);
      if (m) return { url: m[1]!, proc, lines: [], kill: (sig = "SIGKILL") => proc.kill(sig), exited: proc.exited };
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill(9);
        throw new Error(`instance did not start: ${await new Response(proc.stderr).text()}\n${text.slice(-2000)}`);
      }
      await Bun.sleep(10);
    }
  }
  const lines: string[] = [];
  let url: string | null = null;
  const reader = (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (!url && line.includes('"listening"')) {
          try {
            url = JSON.parse(line).url;
          } catch {}
        }
      }
    }
  })();
  void reader;
  const errLines: string[] = [];
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr) errLines.push(dec.decode(chunk));
  })();
  const deadline = Date.now() + timeoutMs;
  while (!url) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill(9);
      await Bun.sleep(50);
      throw new Error(`instance did not start: ${errLines.join("")}\n${lines.join("\n")}`);
    }
    await Bun.sleep(20);
  }
  return { url, proc, lines, kill: (s = "SIGKILL") => proc.kill(s), exited: proc.exited };
}
