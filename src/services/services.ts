// Use cases: validate with domain, write via store, wake the engine. The one API that api/ and cli/ call.
import type { z } from "@hono/zod-openapi";
import type { Clock } from "../domain/clock.ts";
import { defineJob, patchJob, type JobDefinition } from "../domain/definition.ts";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "../domain/errors.ts";
import { jobIdProblem, uuidv7 } from "../domain/ids.ts";
import { jobSlot, shardLeaseName } from "../domain/shard.ts";
import { TERMINAL_STATUSES, type Job, type JobCreate, type JobPatch, type JobSpec, type Run } from "../domain/job.ts";
import { firstFire } from "../domain/schedule.ts";
import { nextFireAfter, normalizeTrigger, parseIsoInstant } from "../domain/trigger.ts";
import type { Engine } from "../engine/engine.ts";
import { definitionColumns, rowToDefinition, rowToJob, rowToRunOut } from "../store/mapping.ts";
import type { JobRow, Store } from "../store/store.ts";
import type { Services, SchedulerStatus } from "./types.ts";
import type { Metrics } from "../log/metrics.ts";

export interface ServiceDeps {
  metrics: Metrics;
  store: Store;
  engine: Engine;
  clock: Clock;
  instanceId: string;
  version: string;
  leaseTtlMs: number;
}

const MAX_WAIT_MS = 10 * 60_000;

function encodeCursor(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}
function decodeCursor(c: string | undefined, path = "cursor"): string | undefined {
  if (c === undefined || c === "") return undefined;
  const s = Buffer.from(c, "base64url").toString("utf8");
  if (!s || encodeCursor(s) !== c) throw Invalid.field("invalid_cursor", path, "is not a cursor this server gave out");
  return s;
}

function page<T, R>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => string) {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? encodeCursor(key(kept[kept.length - 1]!)) : null };
}

/** The next fire of a job from `now`, or null when it has nothing left to fire. */
function nextFor(def: JobDefinition, runCount: number, now: number): number | null {
  if (def.maxRuns !== null && runCount >= def.maxRuns) return null;
  return firstFire(def.trigger, { startAt: def.startAt, endAt: def.endAt, maxRuns: def.maxRuns }, now);
}

function sameDefinition(a: JobDefinition, b: JobDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function createServices(d: ServiceDeps): Services {
  const { store, engine, clock } = d;

  async function mustGet(id: string): Promise<JobRow> {
    const row = await store.getJob(id);
    if (!row) throw new NotFound("job_not_found", `no job with id ${JSON.stringify(id)}`);
    return row;
  }

  function checkId(id: string): void {
    const p = jobIdProblem(id);
    if (p) throw Invalid.field("invalid_id", "id", p);
  }

  async function insertNew(id: string, def: JobDefinition, paused: boolean, now: number): Promise<JobRow> {
    let next: number | null = null;
    if (!paused) {
      next = nextFor(def, 0, now);
      if (next === null)
        throw Invalid.field("invalid_trigger", def.endAt !== null ? "endAt" : "trigger", "the job would never fire (no fire time before endAt / within maxRuns)");
    }
    const row: JobRow = {
      id, ...definitionColumns(def),
      state: paused ? "paused" : "active", pausedReason: null, nextFireAt: next, lastFireAt: null, runCount: 0, version: 1,
      claimId: null, shard: jobSlot(id), createdAt: now, updatedAt: now,
    };
    if (!(await store.insertJob(row))) throw new Conflict("job_exists", `a job with id ${JSON.stringify(id)} already exists`);
    engine.wakeup(row.nextFireAt);
    return row;
  }

  /** Writes a changed definition/state, cancelling the job's claimed-but-unsent fires; retried once on a race. */
  async function rewrite(row: JobRow, set: Partial<JobRow>, reason: string): Promise<JobRow> {
    const now = clock.now();
    const updated = await store.updateJob(row.id, row.version, { ...set, version: row.version + 1, updatedAt: now }, { reason, now });
    if (!updated) throw new Conflict("concurrent_update", `job ${JSON.stringify(row.id)} was changed concurrently; retry`);
    engine.cancelJob(row.id);
    engine.wakeup(updated.nextFireAt);
    return updated;
  }

  /** For interval triggers without an explicit anchor, a replace keeps the old cadence. */
  function keepAnchor(spec: JobSpec, old: JobDefinition, def: JobDefinition): JobDefinition {
    if (spec.trigger.type === "interval" && spec.trigger.anchorAt === undefined && old.trigger.type === "interval" && def.trigger.type === "interval" && old.trigger.everyMs === def.trigger.everyMs)
      return { ...def, trigger: { ...def.trigger, anchorAt: old.trigger.anchorAt } };
    return def;
  }

  const jobs: Services["jobs"] = {
    async create(input) {
      const now = clock.now();
      const { id: givenId, state, ...spec } = input as z.output<typeof JobCreate>;
      const id = givenId ?? uuidv7(now);
      checkId(id);
      const def = defineJob(spec, now);
      return rowToJob(await insertNew(id, def, state === "paused", now));
    },

    async put(id, spec) {
      checkId(id);
      const now = clock.now();
      const { state, ...rest } = spec as z.output<typeof JobCreate>;
      let def = defineJob(rest, now);
      const row = await store.getJob(id);
      if (!row) {
        try {
          return { job: rowToJob(await insertNew(id, def, state === "paused", now)), created: true };
        } catch (err) {
          if (!(err instanceof Conflict)) throw err;
          return this.put(id, spec); // created concurrently: replace it
        }
      }
      const old = rowToDefinition(row);
      def = keepAnchor(spec, old, def);
      const paused = state === "paused" || (state === undefined && row.state === "paused");
      const wantState = paused ? "paused" : "active";
      if (sameDefinition(old, def) && (row.state === wantState || (row.state === "completed" && state === undefined)))
        return { job: rowToJob(row), created: false };
      const next = paused ? null : nextFor(def, row.runCount, now);
      const updated = await rewrite(
        row,
        { ...definitionColumns(def), state: paused ? "paused" : next === null ? "completed" : "active", nextFireAt: next, pausedReason: paused ? row.pausedReason : null },
        "cancelled: job was replaced before this fire",
      );
      return { job: rowToJob(updated), created: false };
    },

    async patch(id, patch, ifMatch) {
      const row = await mustGet(id);
      if (ifMatch !== undefined && ifMatch !== row.version)
        throw new PreconditionFailed("version_mismatch", `job ${JSON.stringify(id)} is at version ${row.version}, not ${ifMatch}`);
      const now = clock.now();
      const p = patch as z.output<typeof JobPatch>;
      const old = rowToDefinition(row);
      const def = patchJob(old, p, now);
      if (sameDefinition(old, def)) return rowToJob(row);
      const scheduleChanged = p.trigger !== undefined || p.startAt !== undefined || p.endAt !== undefined || p.maxRuns !== undefined;
      let set: Partial<JobRow> = definitionColumns(def);
      if (row.state === "active" || (row.state === "completed" && scheduleChanged)) {
        const next = nextFor(def, row.runCount, now);
        set = { ...set, nextFireAt: next, state: next === null ? "completed" : "active" };
      }
      return rowToJob(await rewrite(row, set, "cancelled: job was changed before this fire"));
    },

    async get(id) {
      return rowToJob(await mustGet(id));
    },

    async remove(id) {
      if (!(await store.deleteJob(id, clock.now()))) throw new NotFound("job_not_found", `no job with id ${JSON.stringify(id)}`);
      engine.cancelJob(id);
    },

    async list(f) {
      const rows = await store.listJobs({ name: f.name, state: f.state, labels: f.labels, q: f.q, limit: f.limit + 1, afterId: decodeCursor(f.cursor) });
      return page(rows, f.limit, rowToJob, (r) => r.id);
    },

    async pause(id, reason) {
      const row = await mustGet(id);
      if (row.state === "completed") throw new Conflict("job_completed", `job ${JSON.stringify(id)} has completed; there is nothing to pause`);
      if (row.state === "paused" && (reason === undefined || reason === row.pausedReason)) return rowToJob(row);
      return rowToJob(await rewrite(row, { state: "paused", nextFireAt: null, pausedReason: reason ?? row.pausedReason ?? null }, "cancelled: job was paused before this fire"));
    },

    async resume(id) {
      const row = await mustGet(id);
      if (row.state !== "paused") return rowToJob(row);
      const next = nextFor(rowToDefinition(row), row.runCount, clock.now());
      return rowToJob(await rewrite(row, { state: next === null ? "completed" : "active", nextFireAt: next, pausedReason: null }, "cancelled: job was resumed"));
    },

    async runNow(id, opts) {
      const row = await mustGet(id);
      const now = clock.now();
      const runId = uuidv7(now);
      let finished: Promise<void> | null = null;
      let off = () => {};
      if (opts.wait) finished = new Promise<void>((resolve) => (off = engine.onRunFinished((e) => e.runId === runId && resolve())));
      await store.insertRun({ id: runId, jobId: row.id, jobName: row.name, trigger: "manual", scheduledAt: now, status: "pending", attempts: 0, leaseToken: null, shard: row.shard });
      engine.wakeup();
      const toRun = async () => rowToRunOut((await store.getRun(runId))!);
      if (!opts.wait) return { run: await toRun(), done: false };
      const def = rowToDefinition(row);
      const budget = opts.timeoutMs ?? Math.min(MAX_WAIT_MS, def.target.retry.maxAttempts * (def.target.timeoutMs + def.target.retry.maxBackoffMs) + 10_000);
      const deadline = Date.now() + budget;
      try {
        // Local runs resolve at once through the engine's event; runs fired by another leader are polled.
        for (;;) {
          const run = await toRun();
          if (TERMINAL_STATUSES.has(run.status)) return { run, done: true };
          const left = deadline - Date.now();
          if (left <= 0) return { run, done: false };
          await Promise.race([finished, Bun.sleep(Math.min(250, left))]);
        }
      } finally {
        off();
      }
    },
  };

  const runs: Services["runs"] = {
    async list(f) {
      const rows = await store.listRuns({ jobId: f.jobId, name: f.name, status: f.status, from: f.from, to: f.to, limit: f.limit + 1, beforeId: decodeCursor(f.cursor) });
      return page(rows, f.limit, rowToRunOut, (r) => r.id);
    },
    async get(id) {
      const r = await store.getRun(id);
      if (!r) throw new NotFound("run_not_found", `no run with id ${JSON.stringify(id)}`);
      return rowToRunOut(r);
    },
    async clear(opts) {
      if (opts.limit !== undefined && opts.limit <= 0) return { deleted: 0 };
      return { deleted: await store.clearRuns(opts) };
    },
  };

  const triggers: Services["triggers"] = {
    preview({ trigger, count = 10, from }) {
      let start = clock.now();
      if (from !== undefined) {
        const t = parseIsoInstant(from);
        if (t === null) throw Invalid.field("invalid_time", "from", "must be an ISO-8601 date-time with an offset");
        start = t;
      }
      const t = normalizeTrigger(trigger, start);
      const fireTimes: string[] = [];
      let after = t.type === "date" ? t.at - 1 : start;
      for (let i = 0; i < count; i++) {
        const n = nextFireAfter(t, after);
        if (n === null) break;
        fireTimes.push(new Date(n).toISOString());
        after = n;
      }
      return { fireTimes };
    },
  };

  async function status(): Promise<SchedulerStatus> {
    const now = clock.now();
    const [leases, counts, instances, paused, earliest] = await Promise.all([
      store.listLeases(),
      store.countJobsByState(),
      store.liveInstances(now - 3 * d.leaseTtlMs),
      engine.isPausedInStore(),
      store.earliestNextFire(),
    ]);
    const e = engine.status();
    const byName = new Map(leases.map((l) => [l.name, l]));
    const shards = Array.from({ length: e.shardCount }, (_, index) => {
      const l = byName.get(shardLeaseName(index, e.shardCount));
      const live = l !== undefined && l.expiresAt > now;
      return { shard: index, leader: live ? { instanceId: l.holder, token: l.token, expiresAt: new Date(l.expiresAt).toISOString() } : null };
    });
    const lead = shards[0]!.leader;
    const nextWake = [e.nextWakeupAt, earliest].filter((x): x is number => x !== null);
    return {
      instanceId: d.instanceId,
      isLeader: e.isLeader,
      leader: lead,
      shards,
      state: paused ? "paused" : "running",
      nextWakeupAt: paused || nextWake.length === 0 ? null : new Date(Math.min(...nextWake)).toISOString(),
      jobs: { active: counts.active ?? 0, paused: counts.paused ?? 0, completed: counts.completed ?? 0 },
      inFlight: e.inFlight,
      version: d.version,
      instances: instances.map((i) => ({
        instanceId: i.id, host: i.host, version: i.version, startedAt: new Date(i.startedAt).toISOString(), lastSeenAt: new Date(i.lastSeenAt).toISOString(),
      })),
    };
  }

  const scheduler: Services["scheduler"] = {
    status,
    now: () => clock.now(),
    async wakeup() {
      engine.wakeup();
      return status();
    },
    async pause() {
      await engine.setPaused(true);
      return status();
    },
    async resume() {
      await engine.setPaused(false);
      return status();
    },
  };

  const health: Services["health"] = {
    async ready() {
      try {
        await store.ping();
        if (!(await store.isMigrated())) return { ok: false, detail: "database schema is not migrated" };
        return { ok: true, detail: "database reachable and migrated" };
      } catch (err) {
        void err; // the cause stays out of this unauthenticated answer
        return { ok: false, detail: "database unreachable" };
      }
    },
  };

  d.metrics.registry.onCollect(async () => {
    const counts = await store.countJobsByState().catch(() => null);
    if (counts) for (const st of ["active", "paused", "completed"]) d.metrics.jobs.set(counts[st] ?? 0, { state: st });
  });
  const metrics: Services["metrics"] = {
    render: () => d.metrics.registry.render(),
    observeRequest: (method, status) => d.metrics.requests.inc({ method, status: String(status) }),
  };

  return { jobs, runs, triggers, scheduler, health, metrics };
}

export type { Job, Run, JobPatch };
