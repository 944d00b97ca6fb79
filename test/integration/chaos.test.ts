// Exactly-once across instances: three processes on one database file, a leader SIGKILLed twice; with one shard
// (a single leader) and with two (the killed one is a shard leader).
import { expect, test } from "bun:test";
import { runChaos } from "../../scripts/lib/chaos.ts";

for (const shards of [1, 2]) {
  const who = shards === 1 ? "the leader" : `a shard leader (${shards} shards, 3 instances)`;
  test(`with ${who} killed twice, every slot arrives exactly once (all) or once-or-missed (once)`, async () => {
    // The harness's log (kills, warnings and errors of the instances, what the history says of a gap) goes to the output.
    const r = await runChaos({ instances: 3, jobsPerPolicy: 25, durationMs: 18_000, kills: 2, leaseTtlMs: 1500, restartAfterMs: 500, shards, log: (m) => console.log(m) });
    console.log(JSON.stringify(r));
    expect(r.kills).toBe(2);
    expect(r.windowSeconds).toBeGreaterThanOrEqual(15);
    // misfire "all": every slot delivered, none under two run ids
    expect(r.all.duplicates).toBe(0);
    expect(r.all.gaps).toBe(0);
    expect(r.all.delivered).toBe(r.all.slots);
    // misfire "once": no slot twice, and every slot has a delivery or a missed record
    expect(r.once.duplicates).toBe(0);
    expect(r.once.gaps).toBe(0);
  }, 60_000);
}
