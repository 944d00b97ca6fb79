// Benchmark: fire lateness (scheduled time -> arrival at a local target) for N jobs firing every second.
// Usage: npm run bench [-- --jobs 100 --seconds 15 --db file|memory]. Prints a table and writes bench-results/lateness.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const JOBS = Number(opt("jobs", "100"));
const SECONDS = Number(opt("seconds", args.includes("--quick") ? "6" : "15"));
const DB = opt("db", "file");
// --spread: interval jobs with anchors spread over the second (a steady rate); default: all on the second.
const SPREAD = args.includes("--spread");
const anchor = Math.floor(Date.now() / 1000) * 1000;
const ROOT = join(import.meta.dir, "..");

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const arrivals: { key: string; scheduledAt: number; at: number }[] = [];
const target = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const at = Date.now();
    arrivals.push({ key: req.headers.get("idempotency-key") ?? "", scheduledAt: Date.parse(req.headers.get("x-cronhook-scheduled-at") ?? ""), at });
    return new Response("ok");
  },
});

const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
const dbUrl = DB === "memory" ? ":memory:" : `file:${join(dir, "bench.db")}`;
// --profile DIR: the server writes a CPU profile (markdown) there when it exits.
const profile = args.includes("--profile") ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${opt("profile", "bench-results/profile")}`] : [];
const proc = Bun.spawn(["bun", ...profile, join(ROOT, "src/main.ts"), "serve", "--port", "0", "--db", dbUrl, ...(args.includes("--") ? args.slice(args.indexOf("--") + 1) : [])], {
  cwd: ROOT,
  stdout: "pipe",
  stderr: "inherit",
  env: { ...process.env, CRONHOOK_LOG_LEVEL: "info" },
});
let base = "";
try {
  // One reader for the whole run: the log must keep draining or the server blocks on a full pipe.
  let sawUrl: (u: string) => void = () => {};
  const urlSeen = new Promise<string>((r) => (sawUrl = r));
  void (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of proc.stdout) {
      if (base) continue;
      buf += dec.decode(chunk);
      const m = buf.match(/"url":"(http:[^"]+)"/);
      if (m) sawUrl(m[1]!);
    }
  })();
  base = await Promise.race([urlSeen, Bun.sleep(15_000).then(() => Promise.reject(new Error("server did not start")))]);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: JOBS }, (_, i) =>
      fetch(`${base}/v1/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: `bench-${i}`, trigger: SPREAD ? { type: "interval", every: "1s", anchorAt: new Date(anchor + Math.floor((i * 1000) / JOBS)).toISOString() } : { type: "cron", expr: "* * * * * *" }, target: { url: `http://127.0.0.1:${target.port}/hit`, method: "POST" } }),
      }).then((r) => {
        if (r.status !== 201) throw new Error(`create failed: ${r.status}`);
      }),
    ),
  );
  const createMs = performance.now() - t0;
  const warmup = Date.now() + 2000;
  await Bun.sleep(2000 + SECONDS * 1000);
  const end = Date.now() - 1000;
  const rss = (await fetch(`${base}/v1/scheduler`).then((r) => r.json())) as { inFlight: number; isLeader: boolean };
  const window = arrivals.filter((a) => a.scheduledAt >= warmup && a.scheduledAt < end);
  const late = window.map((a) => a.at - a.scheduledAt).sort((a, b) => a - b);
  const keys = new Set(window.map((a) => a.key));
  const expected = JOBS * (Math.floor((end - 1) / 1000) - Math.ceil(warmup / 1000) + 1);
  const result = {
    jobs: JOBS,
    seconds: SECONDS,
    db: DB,
    createMs: Math.round(createMs),
    fires: window.length,
    expectedFires: expected,
    duplicates: window.length - keys.size,
    latenessMs: { p50: pct(late, 50), p90: pct(late, 90), p99: pct(late, 99), max: late[late.length - 1] ?? NaN },
    scheduler: { inFlight: rss.inFlight, isLeader: rss.isLeader },
  };
  console.log(`cronhook lateness bench: ${JOBS} jobs every second for ${SECONDS} s (${DB} database)`);
  console.log(`| fires | expected | duplicates | lateness p50 | p90 | p99 | max |`);
  console.log(`|---|---|---|---|---|---|---|`);
  console.log(`| ${result.fires} | ${result.expectedFires} | ${result.duplicates} | ${result.latenessMs.p50} ms | ${result.latenessMs.p90} ms | ${result.latenessMs.p99} ms | ${result.latenessMs.max} ms |`);
  mkdirSync(join(ROOT, "bench-results"), { recursive: true });
  writeFileSync(join(ROOT, "bench-results", "lateness.json"), JSON.stringify(result, null, 2));
} finally {
  proc.kill("SIGTERM");
  await proc.exited;
  target.stop(true);
  rmSync(dir, { recursive: true, force: true });
}
