// The exactly-once harness at length: `bun scripts/chaos.ts [--kills 10] [--seconds 70] [--instances 3] [--jobs 25] [--ttl 1500] [--shards 1]`.
// Prints duplicates, gaps and failover times (leader SIGKILLed -> first fire by the next leader) and writes bench-results/chaos.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChaos } from "./lib/chaos.ts";

const args = process.argv.slice(2);
const num = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const kills = num("kills", 10);
const opts = {
  instances: num("instances", 3),
  jobsPerPolicy: num("jobs", 25),
  durationMs: num("seconds", 6 * (kills + 1)) * 1000,
  kills,
  leaseTtlMs: num("ttl", 1500),
  restartAfterMs: 500,
  shards: num("shards", 1),
  log: (m: string) => console.log(m),
};
console.log(`chaos: ${opts.instances} instances, ${opts.jobsPerPolicy} jobs per misfire policy firing every second, ${kills} leader kills over ${opts.durationMs / 1000} s, lease TTL ${opts.leaseTtlMs} ms, ${opts.shards} shard(s)`);
const r = await runChaos(opts);
const sorted = [...r.failoverMs].sort((a, b) => a - b);
const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
console.log(`\n| policy | slots | delivered | missed recorded | duplicates | gaps | resends (same key) |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const [name, s] of [["all", r.all], ["once", r.once]] as const)
  console.log(`| ${name} | ${s.slots} | ${s.delivered} | ${s.missedRecorded} | ${s.duplicates} | ${s.gaps} | ${s.resends} |`);
for (const [name, s] of [["all", r.all], ["once", r.once]] as const) if (s.gapSamples.length) console.log(`gaps (${name}), e.g.: ${s.gapSamples.join(" ")}`);
console.log(`\nfailover (kill -> first fire by the next leader) over ${r.kills} kills: p50 ${p50} ms, max ${sorted[sorted.length - 1]} ms; all: ${sorted.join(", ")}`);
mkdirSync(join(import.meta.dir, "..", "bench-results"), { recursive: true });
writeFileSync(join(import.meta.dir, "..", "bench-results", "chaos.json"), JSON.stringify({ options: { ...opts, log: undefined }, ...r, failoverP50Ms: p50 }, null, 2));
