// cronhook benchmark: starts cronhook (from source, or --binary dist/cronhook) and a local target that
// records arrivals, runs the scenarios, prints a table (figure beside target) and writes bench-results/bench.json.
//
//   npm run bench                 full run (several minutes)
//   npm run bench -- --quick      reduced set, under a minute
//   npm run bench -- --only steady-1k,burst   chosen scenarios
//   npm run bench -- --binary     use dist/cronhook (npm run build first)
//
// Lateness = arrival at the target minus the fire's scheduled time (X-Cronhook-Scheduled-At).
// Duplicates = slots that arrived under two or more run ids; gaps = expected slots that never arrived.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInstance, ROOT, type Instance } from "./lib/instance.ts";
import { Store } from "../src/store/store.ts";
import { defineJob } from "../src/domain/definition.ts";
import { definitionColumns } from "../src/store/mapping.ts";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const ONLY = flag("only")?.split(",");
const BINARY = argv.includes("--binary") ? join(ROOT, "dist", "cronhook") : null;
if (BINARY && !existsSync(BINARY)) throw new Error("dist/cronhook is missing: run npm run build first");

// ---- helpers --------------------------------------------------------------------------------------

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Arrival {
  jobId: string;
  scheduledAt: number;
  key: string;
  at: number;
}

function startTarget() {
  const arrivals: Arrival[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      arrivals.push({
        jobId: req.headers.get("x-cronhook-job-id") ?? "",
        scheduledAt: Date.parse(req.headers.get("x-cronhook-scheduled-at") ?? ""),
        key: req.headers.get("idempotency-key") ?? "",
        at: Date.now(),
      });
      return new Response("ok");
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hit`, arrivals, stop: () => server.stop(true) };
}

function procStats(pid: number): { rssMb: number; cpuMs: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, in clock ticks (100/s)
    return { rssMb: Math.round(rss), cpuMs: ticks * 10 };
  } catch {
    return { rssMb: NaN, cpuMs: NaN };
  }
}

const PROFILE = flag("profile"); // a directory: the server writes a CPU profile (markdown) there on exit

// Servers started by this run: killed if the bench itself is stopped (Ctrl-C, a timeout), so none is left running.
const children = new Set<Instance>();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(130);
  });
}
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

async function server(dir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Instance> {
  const command = BINARY ? [BINARY] : PROFILE ? ["bun", "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${PROFILE}`, join(ROOT, "src/main.ts")] : undefined;
  const inst = await startInstance(["--db", `file:${join(dir, "bench.db")}`, ...extra], { CRONHOOK_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info", ...env }, 30_000, {
    command,
    logFile: join(dir, `server-${Date.now()}.log`),
  });
  children.add(inst);
  void inst.exited.then(() => children.delete(inst));
  return inst;
}

async function stop(inst: Instance): Promise<void> {
  inst.kill("SIGTERM");
  await Promise.race([inst.exited, Bun.sleep(10_000)]);
  inst.kill("SIGKILL");
}

/** Runs `fn` for items with `concurrency` workers; returns per-call latencies (ms) and the wall time. */
async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>): Promise<{ lat: number[]; ms: number }> {
  const lat: number[] = [];
  let i = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) {
        const x = items[i++]!;
        const s = performance.now();
        await fn(x);
        lat.push(performance.now() - s);
      }
    }),
  );
  return { lat: lat.sort((a, b) => a - b), ms: performance.now() - t0 };
}

async function createJobs(base: string, bodies: { id: string; body: unknown }[], concurrency = 32) {
  return pool(bodies, concurrency, async ({ id, body }) => {
    const r = await fetch(`${base}/v1/jobs/${encodeURIComponent(id)}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (r.status !== 201 && r.status !== 200) throw new Error(`PUT ${id}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  });
}

function slotReport(arrivals: Arrival[], from: number, to: number, expectedPerSecond: number) {
  const inWindow = arrivals.filter((a) => a.scheduledAt >= from && a.scheduledAt < to);
  const late = inWindow.map((a) => a.at - a.scheduledAt).sort((a, b) => a - b);
  const bySlot = new Map<string, Set<string>>();
  for (const a of inWindow) {
    const k = `${a.jobId}@${a.scheduledAt}`;
    (bySlot.get(k) ?? bySlot.set(k, new Set()).get(k)!).add(a.key);
  }
  let duplicates = 0;
  for (const keys of bySlot.values()) if (keys.size > 1) duplicates++;
  const expected = Math.round(((to - from) / 1000) * expectedPerSecond);
  return {
    fires: inWindow.length,
    firesPerSec: Math.round(inWindow.length / ((to - from) / 1000)),
    expected,
    gaps: Math.max(0, expected - bySlot.size),
    duplicates,
    p50: pct(late, 50),
    p99: pct(late, 99),
    max: late[late.length - 1] ?? NaN,
  };
}

// ---- scenarios ------------------------------------------------------------------------------------

type Row = Record<string, unknown> & { scenario: string };
const rows: Row[] = [];
const log = (m: string) => console.error(`[bench] ${m}`);

/** N interval jobs every second, anchors spread over the second: a steady N fires/s. */
async function steady(n: number, seconds: number, extra: string[] = []): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  const target = startTarget();
  const inst = await server(dir, extra);
  try {
    const anchor = Math.floor(Date.now() / 1000) * 1000 - 60_000; // a past anchor: firing starts at the next slot
    const bodies = Array.from({ length: n }, (_, i) => ({
      id: `steady-${i}`,
      body: { trigger: { type: "interval", every: "1s", anchorAt: new Date(anchor + Math.floor((i * 1000) / n)).toISOString() }, target: { url: target.url, method: "POST" } },
    }));
    const created = await createJobs(inst.url, bodies);
    log(`steady ${n}: created in ${Math.round(created.ms)} ms`);
    await Bun.sleep(3000); // warm-up
    const from = Math.ceil(Date.now() / 1000) * 1000;
    const before = procStats(inst.proc.pid);
    await Bun.sleep(seconds * 1000 + 1000);
    const to = from + seconds * 1000;
    const after = procStats(inst.proc.pid);
    await Bun.sleep(1500);
    const r = slotReport(target.arrivals, from, to, n);
    return { scenario: `steady-${n >= 1000 ? `${n / 1000}k` : n}`, ...r, rssMb: after.rssMb, cpuPct: Math.round(((after.cpuMs - before.cpuMs) / ((seconds + 1) * 1000)) * 100) };
  } finally {
    await stop(inst);
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fires that reached a final status, from an instance's /metrics (cronhook_fires_total, all labels). */
async function firesTotal(inst: Instance): Promise<number> {
  const text = await (await fetch(`${inst.url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^cronhook_fires_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) n += Number(m[1]);
  return n;
}

/**
 * `instances` processes on one database file with `--shards shards`, N interval jobs every second: fires/s,
 * lateness, and the split of the fires between the instances (from each one's /metrics over the window).
 */
async function multi(n: number, seconds: number, instances: number, shards: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  const target = startTarget();
  const nodes: Instance[] = [];
  try {
    for (let i = 0; i < instances; i++) nodes.push(await server(dir, ["--instance-id", `node-${i}`, "--shards", String(shards)]));
    const anchor = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const bodies = Array.from({ length: n }, (_, i) => ({
      id: `multi-${i}`,
      body: { trigger: { type: "interval", every: "1s", anchorAt: new Date(anchor + Math.floor((i * 1000) / n)).toISOString() }, target: { url: target.url, method: "POST" } },
    }));
    await createJobs(nodes[0]!.url, bodies);
    await Bun.sleep(4000); // warm-up; the instances share out the shards
    const from = Math.ceil(Date.now() / 1000) * 1000;
    const before = await Promise.all(nodes.map(firesTotal));
    const cpuBefore = nodes.map((x) => procStats(x.proc.pid).cpuMs);
    await Bun.sleep(seconds * 1000 + 1000);
    const after = await Promise.all(nodes.map(firesTotal));
    const cpuAfter = nodes.map((x) => procStats(x.proc.pid).cpuMs);
    await Bun.sleep(1500);
    const r = slotReport(target.arrivals, from, from + seconds * 1000, n);
    const split = after.map((a, i) => a - before[i]!);
    const total = split.reduce((a, b) => a + b, 0) || 1;
    return {
      scenario: `multi-${instances}x${shards}-${n >= 1000 ? `${n / 1000}k` : n}`,
      ...r,
      split: split.map((x) => `${Math.round((x / total) * 100)}%`).join("/"),
      cpuPct: cpuAfter.map((c, i) => Math.round(((c - cpuBefore[i]!) / ((seconds + 1) * 1000)) * 100)).join("/"),
      rssMb: nodes.map((x) => procStats(x.proc.pid).rssMb).join("/"),
    };
  } finally {
    await Promise.all(nodes.map(stop));
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N cron jobs `* * * * * *`: every one of them due on the same instant, every second. */
async function everySecond(n: number, seconds: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  const target = startTarget();
  const inst = await server(dir);
  try {
    const bodies = Array.from({ length: n }, (_, i) => ({ id: `sec-${i}`, body: { trigger: { type: "cron", expr: "* * * * * *" }, target: { url: target.url, method: "POST" } } }));
    await createJobs(inst.url, bodies);
    await Bun.sleep(3000);
    const from = Math.ceil(Date.now() / 1000) * 1000;
    await Bun.sleep(seconds * 1000 + 1500);
    const r = slotReport(target.arrivals, from, from + seconds * 1000, n);
    return { scenario: `cron-${n}`, ...r, rssMb: procStats(inst.proc.pid).rssMb };
  } finally {
    await stop(inst);
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N one-shot jobs due at the same instant. */
async function burst(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  const target = startTarget();
  const inst = await server(dir);
  try {
    const at = Math.ceil((Date.now() + 4000 + n * 0.5) / 1000) * 1000;
    const bodies = Array.from({ length: n }, (_, i) => ({ id: `burst-${i}`, body: { trigger: { type: "date", at: new Date(at).toISOString() }, target: { url: target.url, method: "POST" } } }));
    const created = await createJobs(inst.url, bodies);
    if (Date.now() > at - 1500) log(`burst: creation (${Math.round(created.ms)} ms) ran into the due time`);
    await Bun.sleep(Math.max(0, at - Date.now()) + 3000);
    const deadline = Date.now() + 10_000;
    while (target.arrivals.length < n && Date.now() < deadline) await Bun.sleep(100);
    const r = slotReport(target.arrivals, at, at + 1, n);
    return { scenario: `burst-${n / 1000}k`, delivered: target.arrivals.length, expected: n, duplicates: r.duplicates, p50: r.p50, p99: r.p99, max: r.max, rssMb: procStats(inst.proc.pid).rssMb };
  } finally {
    await stop(inst);
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N jobs registered (far in the future): start-up, memory, list/get latency, claim cost. */
async function size(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  try {
    const url = `file:${join(dir, "bench.db")}`;
    const store = await Store.open({ url });
    await store.migrate(Date.now());
    const now = Date.now();
    const def = defineJob({ trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: "http://127.0.0.1:9/never" } }, now);
    const cols = definitionColumns(def);
    const t0 = performance.now();
    const CH = 500;
    for (let i = 0; i < n; i += CH) {
      const vals: string[] = [];
      const args: (string | number | null)[] = [];
      for (let j = i; j < Math.min(n, i + CH); j++) {
        vals.push("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        args.push(`job-${String(j).padStart(8, "0")}`, cols.name, cols.labels, cols.trigger, cols.target, cols.jitterMs, cols.misfirePolicy, cols.misfireGraceMs, cols.overlap, "active", now + 86_400_000 * 30 + (j % 100_000) * 1000, 0, 1, now, now);
      }
      await store.client.execute({
        sql: `INSERT INTO jobs (id, name, labels, trigger, target, jitter_ms, misfire_policy, misfire_grace_ms, overlap, state, next_fire_at, run_count, version, created_at, updated_at)
              SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9, column10, column11, column12, column13, column14, column15 FROM (VALUES ${vals.join(",")})`,
        args,
      });
    }
    // claim cost per tick with nothing due: the due-jobs query the leader runs every tick
    const q: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await store.dueJobs(Date.now() + 1500, 1000);
      q.push(performance.now() - s);
    }
    q.sort((a, b) => a - b);
    store.close();
    log(`size ${n}: inserted in ${Math.round(performance.now() - t0)} ms`);
    const started = performance.now();
    const inst = await server(dir);
    let startupMs = NaN;
    for (;;) {
      const r = await fetch(`${inst.url}/readyz`).catch(() => null);
      if (r?.status === 200) {
        startupMs = Math.round(performance.now() - started);
        break;
      }
      await Bun.sleep(5);
    }
    await Bun.sleep(2000);
    const rss = procStats(inst.proc.pid).rssMb;
    // list pages at random cursors, and gets of random ids, 8 clients
    const ids = Array.from({ length: QUICK ? 500 : 2000 }, () => `job-${String(Math.floor(Math.random() * n)).padStart(8, "0")}`);
    const listPage = async (id: string) => {
      const cursor = Buffer.from(id, "utf8").toString("base64url");
      const r = await fetch(`${inst.url}/v1/jobs?limit=50&cursor=${cursor}`);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`list: ${r.status}`);
    };
    const list = await pool(ids, 8, listPage);
    const getPage = async (id: string) => {
      const r = await fetch(`${inst.url}/v1/jobs/${id}`);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`get: ${r.status}`);
    };
    const get = await pool(ids, 8, getPage);
    // The same again on a warm process: the first pass includes the JIT warm-up of server and client (on two
    // shared cores the first ~200 requests run 2-3x slower and set the p99); this pass is the steady state.
    const ids2 = ids.map(() => `job-${String(Math.floor(Math.random() * n)).padStart(8, "0")}`);
    const listWarm = await pool(ids2, 8, listPage);
    const getWarm = await pool(ids2, 8, getPage);
    await stop(inst);
    return {
      scenario: `size-${n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`}`,
      jobs: n,
      startupMs,
      rssMb: rss,
      listP50: +pct(list.lat, 50).toFixed(2),
      listP99: +pct(list.lat, 99).toFixed(2),
      getP50: +pct(get.lat, 50).toFixed(2),
      getP99: +pct(get.lat, 99).toFixed(2),
      listWarmP99: +pct(listWarm.lat, 99).toFixed(2),
      getWarmP99: +pct(getWarm.lat, 99).toFixed(2),
      claimQueryP50: +pct(q, 50).toFixed(3),
      claimQueryP99: +pct(q, 99).toFixed(3),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Job creation by 32 concurrent clients; then list and get under the same load. */
async function api(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-"));
  const inst = await server(dir);
  try {
    const bodies = Array.from({ length: n }, (_, i) => ({ id: `api-${i}`, trigger: { type: "cron", expr: "0 0 1 1 *" }, target: { url: "http://127.0.0.1:9/never" } }));
    const serverCpu0 = procStats(inst.proc.pid).cpuMs;
    const clientCpu0 = process.cpuUsage();
    const create = await pool(bodies, 32, async (b) => {
      const r = await fetch(`${inst.url}/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`create: ${r.status}`);
    });
    // CPU during the creations (100 = one core): the client shares the machine's cores with the server.
    const serverCpuPct = Math.round(((procStats(inst.proc.pid).cpuMs - serverCpu0) / create.ms) * 100);
    const clientCpu = process.cpuUsage(clientCpu0);
    const clientCpuPct = Math.round(((clientCpu.user + clientCpu.system) / 1000 / create.ms) * 100);
    const ids = Array.from({ length: QUICK ? 1000 : 5000 }, (_, i) => `api-${(i * 7919) % n}`);
    const mixed = await pool(ids, 32, async (id) => {
      const r = await fetch(id.endsWith("0") ? `${inst.url}/v1/jobs?limit=50` : `${inst.url}/v1/jobs/${id}`);
      await r.arrayBuffer();
    });
    return {
      scenario: "api",
      created: n,
      createPerSec: Math.round(n / (create.ms / 1000)),
      createP50: +pct(create.lat, 50).toFixed(2),
      createP99: +pct(create.lat, 99).toFixed(2),
      serverCpuPct,
      clientCpuPct,
      readPerSec: Math.round(ids.length / (mixed.ms / 1000)),
      readP99: +pct(mixed.lat, 99).toFixed(2),
    };
  } finally {
    await stop(inst);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main -----------------------------------------------------------------------------------------

const plan: [string, () => Promise<Row>][] = QUICK
  ? [
      ["cron-100", () => everySecond(100, 3)],
      ["steady-1k", () => steady(1000, 5)],
      ["burst", () => burst(2000)],
      ["size", () => size(50_000)],
      ["api", () => api(5000)],
      ["multi", () => multi(1000, 3, 2, 2)],
    ]
  : [
      ["cron-100", () => everySecond(100, 10)],
      ["steady-1k", () => steady(1000, 10)],
      ["steady-n", () => steady(Number(process.env.BENCH_STEADY_N ?? 3000), 6)],
      ["steady-10k", () => steady(10_000, 10)],
      ["steady-20k", () => steady(20_000, 10)],
      ["burst", () => burst(10_000)],
      ["size-10k", () => size(10_000)],
      ["size", () => size(1_000_000)],
      ["api", () => api(20_000)],
      ["multi-1", () => multi(3000, 10, 1, 1)],
      ["multi-2", () => multi(3000, 10, 2, 2)],
    ];

const started = Date.now();
for (const [name, run] of plan) {
  if (ONLY && !ONLY.some((o) => name.startsWith(o))) continue;
  log(`running ${name}`);
  try {
    const row = await run();
    rows.push(row);
    console.log(JSON.stringify(row));
  } catch (err) {
    rows.push({ scenario: name, error: String(err) });
    console.log(JSON.stringify({ scenario: name, error: String(err) }));
  }
}

const TARGETS: Record<string, string> = {
  "cron-100": "(issue 2: report p50/p99)",
  "steady-1k": "lateness p99 <= 5 ms",
  "steady-10k": "all recorded, p99 <= 50 ms",
  "steady-20k": ">= 20,000 fires/s, p99 <= 50 ms",
  "burst-10k": "all delivered, p99 <= 250 ms, no duplicates",
  "size-1M": "RSS <= 300 MB, list p99 <= 20 ms, start-up <= 2 s",
  api: ">= 10,000 creations/s",
  "multi-1x1-3k": "one instance: the baseline for the next row",
  "multi-2x2-3k": "two instances, 2 shards: the split of work",
};
console.log(`\ncronhook bench (${QUICK ? "quick" : "full"}, ${BINARY ? "binary" : "source"}), ${Math.round((Date.now() - started) / 1000)} s\n`);
console.log("| scenario | figures | target |");
console.log("|---|---|---|");
for (const r of rows) {
  const { scenario, ...rest } = r;
  console.log(`| ${scenario} | ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(", ")} | ${TARGETS[scenario] ?? ""} |`);
}
mkdirSync(join(ROOT, "bench-results"), { recursive: true });
writeFileSync(join(ROOT, "bench-results", QUICK ? "bench-quick.json" : "bench.json"), JSON.stringify({ at: new Date().toISOString(), binary: !!BINARY, rows }, null, 2));
