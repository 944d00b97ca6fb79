// Measures process start -> first 200 on /healthz of the compiled binary, median of N starts (a figure, not a test).
//
//   bun scripts/smoke-start.ts [--bin dist/cronhook]... [--runs 10] [--jobs FILE]
//
// Prints one line per executable and database kind (":memory:", and a fresh file in a temp
// directory). With several --bin, the starts are interleaved, so that a busy machine slows
// every executable alike and the medians compare.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { bin: { type: "string", multiple: true, default: ["dist/cronhook"] }, runs: { type: "string", default: "10" }, jobs: { type: "string" } },
});
const bins = values.bin!.map((b) => resolve(b));
const runs = Number(values.runs);

/**
 * One start: spawn, read stdout until the `listening` log line (written right after the socket is
 * bound, so no request could be answered earlier), then GET /healthz. Polling the port instead
 * would add the poller's own CPU use to the figure on a 2-core machine.
 */
async function once(bin: string, db: string, cwd: string): Promise<{ listening: number; healthz: number }> {
  const args = [bin, "serve", "--port", "0", "--db", db, "--log-level", "info", ...(values.jobs ? ["--jobs", resolve(values.jobs)] : [])];
  const t0 = performance.now();
  const proc = Bun.spawn(args, { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  try {
    const dec = new TextDecoder();
    let buf = "";
    let url: string | null = null;
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(buf);
      if (m) {
        url = m[1]!;
        break;
      }
      if (performance.now() - t0 > 10_000) break;
    }
    const listening = performance.now() - t0;
    if (!url) throw new Error(`no listening line (exit ${proc.exitCode}): ${await new Response(proc.stderr).text()}`);
    const res = await fetch(`${url}/healthz`);
    await res.text();
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    return { listening, healthz: performance.now() - t0 };
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "cronhook-start-"));
try {
  for (const kind of [":memory:", "file"] as const) {
    const healthz = bins.map((): number[] => []);
    const listening = bins.map((): number[] => []);
    for (let i = 0; i < runs; i++) {
      for (const [b, bin] of bins.entries()) {
        const db = kind === "file" ? `file:${join(dir, `start-${b}-${i}.db`)}` : ":memory:";
        const t = await once(bin, db, dir);
        healthz[b]!.push(t.healthz);
        listening[b]!.push(t.listening);
      }
    }
    const fmt = (n: number) => n.toFixed(1);
    for (const [b, bin] of bins.entries()) {
      const h = healthz[b]!;
      console.log(
        `${kind.padEnd(8)} start -> first /healthz: median ${fmt(median(h))} ms (min ${fmt(Math.min(...h))}, max ${fmt(Math.max(...h))}); ` +
          `-> listening line: median ${fmt(median(listening[b]!))} ms  [${runs} starts${values.jobs ? `, --jobs ${values.jobs}` : ""}; ${bin}]`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
