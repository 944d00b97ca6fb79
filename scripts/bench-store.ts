// The engine's database work per fire, in process and without HTTP: the claim (compare-and-set of the job and its
// pending run, in batches of 1,000) and the result write, on a fresh file with N interval jobs all due each second.
// Runs with the WAL checkpointer thread (as the server does) and without it (checkpoints on this connection).
//   bun scripts/bench-store.ts [--jobs 5000] [--rounds 8]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineJob } from "../src/domain/definition.ts";
import { jobSlot } from "../src/domain/shard.ts";
import { definitionColumns } from "../src/store/mapping.ts";
import { Store, type ClaimItem } from "../src/store/store.ts";

const argv = process.argv.slice(2);
const num = (name: string, def: number) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : def);
const N = num("jobs", 5000);
const ROUNDS = num("rounds", 8);

async function run(checkpointer: boolean): Promise<{ claimUs: number; resultUs: number; readUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-bench-store-"));
  const store = await Store.open({ url: `file:${join(dir, "b.db")}`, checkpointer });
  try {
    const t0 = Date.now();
    await store.migrate(t0);
    const def = defineJob({ trigger: { type: "interval", every: "1s" }, target: { url: "http://127.0.0.1:9/x", method: "POST" } }, t0);
    const cols = definitionColumns(def);
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        store.insertJob({ id: `job-${i}`, ...cols, state: "active", pausedReason: null, nextFireAt: t0 + 1000, lastFireAt: null, runCount: 0, version: 1, claimId: null, shard: jobSlot(`job-${i}`), createdAt: t0, updatedAt: t0 }),
      ),
    );
    await store.acquireLease("scheduler", "bench", t0, 3_600_000);
    const lease = { name: "scheduler", holder: "bench", token: 1 };
    let due = t0 + 1000;
    let readMs = 0;
    let claimMs = 0;
    let resultMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ids: string[] = [];
      for (let b = 0; ; b++) {
        let t = performance.now();
        const part = await store.dueJobs(due, 1000);
        readMs += performance.now() - t;
        if (part.length === 0) break;
        const items: ClaimItem[] = part.map((r) => {
          const id = Bun.randomUUIDv7();
          ids.push(id);
          return {
            jobId: r.id, due: r.nextFireAt!, next: r.nextFireAt! + 1000, lastFireAt: r.nextFireAt!, addRuns: 1, state: "active",
            runs: [{ id, jobId: r.id, jobName: r.name, trigger: "schedule", scheduledAt: r.nextFireAt!, status: "pending", instanceId: "bench", leaseToken: 1, shard: r.shard }],
          };
        });
        t = performance.now();
        await store.claim(items, lease, `c${round}-${b}`);
        claimMs += performance.now() - t;
      }
      const t = performance.now();
      for (let b = 0; b < ids.length; b += 500) {
        await store.writeRunUpdates(
          ids.slice(b, b + 500).map((id) => ({ id, token: 1, status: "succeeded", attempts: 1, startedAt: due, finishedAt: due + 2, httpStatus: 200, durationMs: 2, response: "ok", error: null })),
        );
      }
      resultMs += performance.now() - t;
      due += 1000;
    }
    const per = (ms: number) => (ms * 1000) / (ROUNDS * N);
    return { claimUs: per(claimMs), resultUs: per(resultMs), readUs: per(readMs) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${N} jobs due every second, ${ROUNDS} rounds; microseconds of the calling thread per fire:`);
for (const checkpointer of [true, false, true, false]) {
  const r = await run(checkpointer);
  console.log(
    `  ${checkpointer ? "checkpointer thread " : "checkpoints in-line "}  due read ${r.readUs.toFixed(1)}  claim ${r.claimUs.toFixed(1)}  result write ${r.resultUs.toFixed(1)}`,
  );
}
