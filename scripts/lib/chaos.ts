// The exactly-once harness: N instances on one database file, jobs firing every second at a local
// target, the leader killed (SIGKILL) or stopped (SIGSTOP) along the way; then every slot is checked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInstance, type Instance } from "./instance.ts";
import { jobSlot, shardOfSlot } from "../../src/domain/shard.ts";

export interface Arrival {
  jobId: string;
  scheduledAt: number;
  key: string;
  at: number;
}

export interface ChaosOptions {
  instances: number;
  /** Jobs per misfire policy ("all" and "once" each get this many). */
  jobsPerPolicy: number;
  durationMs: number;
  kills: number;
  leaseTtlMs: number;
  /** Restart a killed instance (same instance id) after this long; null = leave it dead. */
  restartAfterMs: number | null;
  /** CRONHOOK_SHARDS for every instance (default 1); each kill then takes a shard leader down. */
  shards?: number;
  log?: (msg: string) => void;
}

export interface SlotReport {
  slots: number; // (job, second) pairs in the checked window
  delivered: number; // slots that arrived at the target
  duplicates: number; // slots that arrived under two or more different run ids
  resends: number; // extra arrivals of one run id (at-least-once; a target deduping on Idempotency-Key drops them)
  gaps: number; // slots with no arrival and (for "once") no missed record
  missedRecorded: number;
  gapSamples: string[]; // a few "job@time" slots that had neither an arrival nor a missed record
  duplicateSamples: string[]; // a few slots that arrived under two run ids, with what the runs say of themselves
}

export interface ChaosReport {
  all: SlotReport;
  once: SlotReport;
  failoverMs: number[]; // kill -> first fire of the killed leader's shards sent by another instance
  kills: number;
  windowSeconds: number;
}

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "cronhook-chaos-"));
  const db = `file:${join(dir, "chaos.db")}`;
  const arrivals: Arrival[] = [];
  const target = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      arrivals.push({
        jobId: decodeURIComponent(req.headers.get("x-cronhook-job-id") ?? ""),
        scheduledAt: Date.parse(req.headers.get("x-cronhook-scheduled-at") ?? ""),
        key: req.headers.get("idempotency-key") ?? "",
        at: Date.now(),
      });
      return new Response("ok");
    },
  });
  const nodes = new Map<string, Instance>();
  const shards = o.shards ?? 1;
  const args = (id: string) => ["--db", db, "--instance-id", id, "--lease-ttl-ms", String(o.leaseTtlMs), "--tick-ms", "100", "--shards", String(shards)];
  const alive = () => [...nodes.values()].filter((n) => n.proc.exitCode === null && n.proc.signalCode === null);
  try {
    for (let i = 0; i < o.instances; i++) {
      const id = `node-${i}`;
      nodes.set(id, await startInstance(args(id), { CRONHOOK_LOG_LEVEL: "info" }));
    }
    const first = alive()[0]!;
    for (const policy of ["all", "once"]) {
      for (let j = 0; j < o.jobsPerPolicy; j++) {
        await json(`${first.url}/v1/jobs/${policy}-${j}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            trigger: { type: "cron", expr: "* * * * * *" },
            misfire: { policy, graceMs: policy === "once" ? 1000 : 60_000 },
            target: { url: `http://127.0.0.1:${target.port}/hit`, method: "POST", timeoutMs: 5000 },
          }),
        });
      }
    }
    const windowStart = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    const failoverMs: number[] = [];
    const killTimes: number[] = [];
    const gap = o.durationMs / (o.kills + 1);
    for (let k = 0; k < o.kills; k++) {
      await Bun.sleep(gap);
      const someone = alive()[0]!;
      const status = await json(`${someone.url}/v1/scheduler`);
      const leaderId: string | undefined = status.leader?.instanceId;
      const leader = leaderId ? nodes.get(leaderId) : undefined;
      if (!leader) {
        log(`kill ${k + 1}: no leader visible, skipped`);
        continue;
      }
      const killedAt = Date.now();
      killTimes.push(killedAt);
      leader.kill("SIGKILL");
      await leader.exited;
      const lost = new Set<number>(
        ((status.shards ?? []) as { shard: number; leader: { instanceId: string } | null }[]).filter((s) => s.leader?.instanceId === leaderId).map((s) => s.shard),
      );
      log(`kill ${k + 1}: SIGKILL ${leaderId} (token ${status.leader.token}, shards ${[...lost].join(",")} of ${shards})`);
      // Failover: the first fire of a job in the killed leader's shards, logged by another instance after the kill.
      const firstFire = () => {
        let min = Infinity;
        for (const n of alive())
          for (let i = n.lines.length - 1; i >= 0; i--) {
            const l = n.lines[i]!;
            if (!l.includes('"msg":"fire"')) continue;
            const rec = JSON.parse(l);
            const t = Date.parse(rec.firedAt);
            if (t <= killedAt) break;
            if (shards > 1 && !lost.has(shardOfSlot(jobSlot(rec.jobId), shards))) continue;
            min = Math.min(min, t);
          }
        return min;
      };
      const deadline = Date.now() + 5 * o.leaseTtlMs + 5000;
      while (firstFire() === Infinity && Date.now() < deadline) await Bun.sleep(20);
      await Bun.sleep(100);
      if (firstFire() !== Infinity) failoverMs.push(firstFire() - killedAt);
      if (o.restartAfterMs !== null) {
        await Bun.sleep(o.restartAfterMs);
        nodes.set(leaderId!, await startInstance(args(leaderId!), { CRONHOOK_LOG_LEVEL: "info" }));
      }
    }
    await Bun.sleep(gap);
    const windowEnd = Math.floor((Date.now() - 1000) / 1000) * 1000; // slots up to here must have been handled
    await Bun.sleep(Math.max(3000, 2 * o.leaseTtlMs)); // results and late catch-ups land
    const reporter = alive()[0]!;
    const problems = [...nodes.values()].flatMap((n) => n.lines.filter((l) => /"level":"(warn|error)"/.test(l))).sort(); // lines start with their time
    for (const p of problems.slice(0, 20)) log(`log: ${p.slice(0, 300)}`);
    log(`window ${new Date(windowStart).toISOString()} .. ${new Date(windowEnd).toISOString()}; kills at ${killTimes.map((t) => new Date(t).toISOString()).join(", ")}`);
    const missed = new Set<string>();
    let cursor: string | null = null;
    do {
      const q: string = `status=missed&from=${new Date(windowStart).toISOString()}&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await json(`${reporter.url}/v1/runs?${q}`);
      for (const r of page.items) missed.add(`${r.jobId}@${Date.parse(r.scheduledAt)}`);
      cursor = page.nextCursor;
    } while (cursor);
    const report = (policy: string): SlotReport => {
      const r: SlotReport = { slots: 0, delivered: 0, duplicates: 0, resends: 0, gaps: 0, missedRecorded: 0, gapSamples: [], duplicateSamples: [] };
      const byslot = new Map<string, Arrival[]>();
      for (const a of arrivals) {
        if (!a.jobId.startsWith(`${policy}-`)) continue;
        const k = `${a.jobId}@${a.scheduledAt}`;
        (byslot.get(k) ?? byslot.set(k, []).get(k)!).push(a);
      }
      for (let j = 0; j < o.jobsPerPolicy; j++) {
        for (let t = windowStart; t <= windowEnd; t += 1000) {
          r.slots++;
          const k = `${policy}-${j}@${t}`;
          const got = byslot.get(k) ?? [];
          const keys = new Set(got.map((a) => a.key));
          if (got.length > 0) r.delivered++;
          if (keys.size > 1) {
            r.duplicates++;
            if (r.duplicateSamples.length < 5) r.duplicateSamples.push(`${k}: ${[...keys].join(" ")}`);
          }
          r.resends += got.length - keys.size;
          if (missed.has(k)) r.missedRecorded++;
          if (got.length === 0 && !missed.has(k)) {
            r.gaps++;
            if (r.gapSamples.length < 5) r.gapSamples.push(`${policy}-${j}@${new Date(t).toISOString()}`);
          }
        }
      }
      return r;
    };
    const all = report("all");
    const once = report("once");
    for (const rep of [all, once]) {
      for (let i = 0; i < rep.duplicateSamples.length; i++) {
        const ids = rep.duplicateSamples[i]!.split(": ")[1]!.split(" ");
        const runs = await Promise.all(ids.map((id) => json(`${reporter.url}/v1/runs/${id}`).catch(() => null)));
        rep.duplicateSamples[i] += ` -> ${runs.map((x) => (x ? `${x.trigger}/${x.status}/${x.instanceId}/attempts ${x.attempts}` : "?")).join(" | ")}`;
      }
    }
    // A gap: what the history says of that slot (no run at all, or a run that never reached a final status).
    for (const rep of [all, once]) {
      for (let i = 0; i < rep.gapSamples.length; i++) {
        const [jobId, at] = rep.gapSamples[i]!.split("@");
        const t = Date.parse(at!);
        const page = await json(`${reporter.url}/v1/runs?jobId=${encodeURIComponent(jobId!)}&from=${new Date(t).toISOString()}&to=${new Date(t + 1).toISOString()}&limit=10`).catch(() => null);
        const runs = (page?.items ?? []) as { id: string; trigger: string; status: string; instanceId: string | null; attempts: number }[];
        rep.gapSamples[i] += ` -> ${runs.length === 0 ? "no run" : runs.map((x) => `${x.id.slice(-6)} ${x.trigger}/${x.status}/${x.instanceId}/attempts ${x.attempts}`).join(" | ")}`;
      }
    }
    log(`lease rows at the end: ${JSON.stringify((await json(`${reporter.url}/v1/scheduler`).catch(() => null))?.shards ?? null)}`);
    return { all, once, failoverMs, kills: failoverMs.length, windowSeconds: (windowEnd - windowStart) / 1000 + 1 };
  } finally {
    for (const n of nodes.values()) n.kill("SIGKILL");
    await Promise.all([...nodes.values()].map((n) => n.exited));
    target.stop(true);
    rmSync(dir, { recursive: true, force: true });
  }
}
