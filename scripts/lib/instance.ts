// Starts `cronhook serve` as a real child process (tests, chaos harness, benchmarks) and reads its URL from the JSON log.
import { join } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "..", "..");

export interface Instance {
  url: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  lines: string[];
  kill(signal?: NodeJS.Signals | number): void;
  exited: Promise<number>;
}

export async function startInstance(args: string[], env: Record<string, string> = {}, timeoutMs = 10_000): Promise<Instance> {
  const proc = Bun.spawn(["bun", join(ROOT, "src/main.ts"), "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, CRONHOOK_LOG_LEVEL: "info", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
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
