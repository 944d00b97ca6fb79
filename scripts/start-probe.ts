// Start-up probe: starts a cronhook binary N times and polls /healthz every millisecond from process
// start; prints the median time to the first 200. `bun scripts/start-probe.ts [dist/cronhook] [--runs 10] [--db file] [--path /readyz]`
// (/healthz answers as soon as the process listens; /readyz once the database is migrated and the app loaded.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const given = args.find((a, i) => !a.startsWith("--") && !["--runs", "--db", "--path"].includes(args[i - 1] ?? ""));
const bin = resolve(given ?? join(import.meta.dir, "..", "dist", "cronhook"));
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
const probePath = args.includes("--path") ? args[args.indexOf("--path") + 1]! : "/healthz";
const useFile = args.includes("--db") && args[args.indexOf("--db") + 1] === "file";

async function freePort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const p = s.port!;
  s.stop(true);
  return p;
}

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cronhook-probe-"));
  const db = useFile ? `file:${join(dir, "probe.db")}` : ":memory:";
  const t0 = performance.now();
  const p = Bun.spawn([bin, "serve", "--port", String(port), "--db", db, "--log-level", "warn"], { stdout: "ignore", stderr: "ignore", cwd: dir });
  let t = NaN;
  while (performance.now() - t0 < 10_000) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}${probePath}`);
      if (r.status === 200) {
        t = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    await Bun.sleep(1);
  }
  times.push(t);
  p.kill();
  await p.exited;
  rmSync(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
console.log(`${bin} (${useFile ? "fresh file" : ":memory:"}): first ${probePath} 200 after process start, median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms over ${runs} starts (${times.map((x) => x.toFixed(0)).join(" ")} ms)`);
