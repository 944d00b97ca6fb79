// Every SQL statement of cronhook: jobs CRUD, run history, and the engine's claim/lease/recovery statements.
import { and, asc, count, eq, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import type { Client, InStatement } from "@libsql/client";
import { jobs, leases, runs, settings, instances } from "./schema.ts";
import { openClient, withBusyRetry, isFileUrl, type DbOptions } from "./client.ts";
import { WalCheckpointer, type CheckpointStats } from "./wal.ts";
import { migrate, isMigrated } from "./migrate.ts";
import { jobJson, runJson } from "./mapping.ts";
import type { RunUpdate } from "../domain/fire.ts";

export type { RunUpdate };

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;
export type LeaseRow = typeof leases.$inferSelect;
export type InstanceRow = typeof instances.$inferSelect;

export interface JobQuery {
  name?: string;
  state?: string;
  labels?: { key: string; value: string }[];
  q?: string;
  limit: number;
  afterId?: string;
}

export interface RunQuery {
  jobId?: string;
  name?: string;
  status?: string;
  from?: number;
  to?: number;
  limit: number;
  beforeId?: string;
}

/** One slot the engine wants to claim for a job: the CAS key and what the job row becomes. */
export interface ClaimItem {
  jobId: string;
  due: number; // the job's next_fire_at as read (compare-and-set key)
  next: number | null; // next_fire_at after the claim
  lastFireAt: number | null;
  addRuns: number; // fires sent by this claim (run_count increment)
  state: string; // state after the claim (active | completed)
  runs: NewRunRow[]; // pending / missed rows to insert if, and only if, the CAS succeeds
}


export const SCHEDULER_LEASE = "scheduler";

/** A scheduler lease as held: the name (one per shard), the holder and the fencing token. */
export interface LeaseRef {
  name: string;
  holder: string;
  token: number;
}

/** Which jobs and runs a shard owns: those whose slot is `index` modulo `count` (count 1: all). */
export interface ShardRef {
  index: number;
  count: number;
}

const ALL: ShardRef = { index: 0, count: 1 };
/** The SQL condition on a table's slot column for a shard, or null for a single shard. Integers only, never user input. */
function shardCondition(column: string, shard: ShardRef): string | null {
  if (shard.count <= 1) return null;
  if (!Number.isInteger(shard.index) || !Number.isInteger(shard.count)) throw new Error("shard index and count must be integers");
  return `(${column} % ${shard.count}) = ${shard.index}`;
}
/** The same, to append to a WHERE clause ("" for a single shard). */
function andShard(column: string, shard: ShardRef): string {
  const c = shardCondition(column, shard);
  return c ? ` AND ${c}` : "";
}
const CHUNK = 200;
const INSERT_BATCH = 200;

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

export class Store {
  private _client: Client;
  private _db: LibSQLDatabase;
  private reopening: Promise<void> | null = null;
  private checkpointer: WalCheckpointer | null = null;
  private constructor(
    client: Client,
    private opts: DbOptions,
  ) {
    this._client = client;
    this._db = drizzle(client);
  }

  /**
   * Opens the database. With `checkpointer` (the server does; tests and one-shot commands need not), a local
   * file's WAL is checkpointed by a thread of its own and this connection's automatic checkpoints are off.
   */
  static async open(opts: DbOptions & { checkpointer?: boolean }): Promise<Store> {
    const { checkpointer, ...dbOpts } = opts;
    const client = await openClient(dbOpts);
    const store = new Store(client, dbOpts);
    if (checkpointer && dbOpts.url.startsWith("file:") && !dbOpts.url.includes(":memory:")) await store.startCheckpointer();
    return store;
  }

  private async startCheckpointer(): Promise<void> {
    const cp = new WalCheckpointer();
    const ok = await cp.start({
      url: this.opts.url,
      authToken: this.opts.authToken,
      busyTimeoutMs: this.opts.busyTimeoutMs,
      onLost: () => {
        this.checkpointer = null;
        this.opts = { ...this.opts, walAutocheckpoint: 1000 };
        void this.client.execute("PRAGMA wal_autocheckpoint = 1000").catch(() => {});
      },
    });
    if (!ok) {
      this.checkpointerError = cp.error;
      return;
    }
    await this.client.execute("PRAGMA wal_autocheckpoint = 0");
    this.opts = { ...this.opts, walAutocheckpoint: 0 };
    this.checkpointer = cp;
  }

  /** Why the checkpointer thread could not start (its automatic checkpoints then stay on), or null. */
  checkpointerError: string | null = null;

  /** The checkpointer thread's counts, or null when this connection checkpoints by itself. */
  checkpointStats(): CheckpointStats | null {
    return this.checkpointer?.stats() ?? null;
  }

  get client(): Client {
    return this._client;
  }
  get db(): LibSQLDatabase {
    return this._db;
  }
  get url(): string {
    return this.opts.url;
  }

  /** Replaces the connection after a BUSY_SNAPSHOT error (a stale WAL snapshot). Not for :memory:. */
  private async reopen(): Promise<void> {
    if (this.url.includes(":memory:") || !isFileUrl(this.url)) return;
    if (this.reopening) return this.reopening;
    this.reopening = (async () => {
      const old = this._client;
      this._client = await openClient(this.opts);
      this._db = drizzle(this._client);
      setTimeout(() => old.close(), 5000); // let statements already sent on it finish
    })().finally(() => (this.reopening = null));
    return this.reopening;
  }

  private retry<T>(fn: () => Promise<T>, attempts?: number): Promise<T> {
    return withBusyRetry(fn, attempts, () => this.reopen());
  }

  get isLocal(): boolean {
    return isFileUrl(this.url);
  }

  migrate(now: number): Promise<string[]> {
    return migrate(this.client, now);
  }

  isMigrated(): Promise<boolean> {
    return isMigrated(this.client);
  }

  async ping(): Promise<void> {
    await this.client.execute("SELECT 1");
  }

  close(): void {
    // The thread takes a last checkpoint on its own connection; the WAL is whole either way.
    void this.checkpointer?.stop();
    this.checkpointer = null;
    this.client.close();
  }

  // ---- jobs -------------------------------------------------------------------------------

  async getJob(id: string): Promise<JobRow | null> {
    // Raw SQL and one JSON column: drizzle's builder and the client's per-column reads cost more than the query.
    const r = await this.client.execute({ sql: `SELECT ${jobJson.select} AS r FROM jobs WHERE id = ?`, args: [id] });
    const row = r.rows[0];
    return row ? jobJson.read(row.r) : null;
  }

  async getJobs(ids: string[]): Promise<JobRow[]> {
    if (ids.length === 0) return [];
    const out: JobRow[] = [];
    for (const c of chunks([...new Set(ids)], 500)) out.push(...(await this.db.select().from(jobs).where(inArray(jobs.id, c))));
    return out;
  }

  /**
   * Inserts a job; false when the id exists. Inserts arriving together (concurrent API calls) share one
   * multi-row statement and one commit: a commit writes every touched index page to the WAL, so 32
   * creations in one commit cost little more than one.
   */
  insertJob(row: NewJobRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.insertQueue.push({ row, resolve, reject });
      if (this.insertQueue.length >= INSERT_BATCH) void this.flushInserts();
      else if (this.insertQueue.length === 1) setImmediate(() => void this.flushInserts());
    });
  }

  private insertQueue: { row: NewJobRow; resolve: (ok: boolean) => void; reject: (err: unknown) => void }[] = [];

  private async flushInserts(): Promise<void> {
    const batch = this.insertQueue.splice(0, INSERT_BATCH);
    if (batch.length === 0) return;
    try {
      // The rows travel as one JSON parameter (json_each): a short statement that is cheap to prepare, where
      // drizzle's multi-row VALUES cost ~1 ms per 200 rows to build and as much again to prepare.
      const rows = JSON.stringify(batch.map((b) => jobJson.encode(b.row)));
      const inserted = await this.retry(async () => {
        const r = await this.client.execute({ sql: `${jobJson.insertSelect} ON CONFLICT DO NOTHING RETURNING id`, args: [rows] });
        return new Set(r.rows.map((x) => String(x.id)));
      });
      // With the same id twice in one batch only the first is inserted.
      for (const b of batch) {
        const ok = inserted.delete(b.row.id);
        b.resolve(ok);
      }
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
    if (this.insertQueue.length > 0) void this.flushInserts();
  }

  /**
   * Replaces a job's definition when its version is still `expectedVersion`, and in the same
   * transaction cancels the runs it had claimed but not started (they were planned from the old definition).
   */
  async updateJob(id: string, expectedVersion: number, set: Partial<NewJobRow>, cancel?: { reason: string; now: number }): Promise<JobRow | null> {
    return this.retry(async () => {
      const upd = this.db
        .update(jobs)
        .set(set)
        .where(and(eq(jobs.id, id), eq(jobs.version, expectedVersion)))
        .returning();
      if (!cancel) return (await upd)[0] ?? null;
      const [rows] = await this.db.batch([upd, this.cancelPendingStatement(id, cancel.reason, cancel.now, expectedVersion + 1)]);
      return rows[0] ?? null;
    });
  }

  private cancelPendingStatement(jobId: string, reason: string, now: number, requireVersion: number) {
    // Only when the job update above went through (the job now has the new version).
    return this.db
      .update(runs)
      .set({ status: "skipped", error: reason, finishedAt: now })
      .where(
        and(
          eq(runs.jobId, jobId),
          eq(runs.status, "pending"),
          isNotNull(runs.leaseToken),
          sql`${runs.trigger} <> 'manual'`,
          sql`EXISTS (SELECT 1 FROM jobs WHERE jobs.id = ${jobId} AND jobs.version = ${requireVersion})`,
        ),
      );
  }

  /** Deletes a job and cancels its unstarted runs; false when it did not exist. */
  async deleteJob(id: string, now: number): Promise<boolean> {
    return this.retry(async () => {
      const [, deleted] = await this.db.batch([
        this.db
          .update(runs)
          .set({ status: "skipped", error: "cancelled: job deleted", finishedAt: now })
          .where(and(eq(runs.jobId, id), eq(runs.status, "pending"))),
        this.db.delete(jobs).where(eq(jobs.id, id)).returning({ id: jobs.id }),
      ]);
      return deleted.length === 1;
    });
  }

  async listJobs(q: JobQuery): Promise<JobRow[]> {
    // Raw SQL and one JSON column per row (see jobJson): a 51-row page costs half as much as through drizzle.
    // Plans: id order on the primary key; with name or state, on (name, id) / (state, id), which also serve the
    // keyset. With labels, the first one drives: its (key, value, job_id) range of job_labels in id order, each
    // further label a lookup in the same index. q filters the rows walked in id order (no index can serve it).
    const conds: string[] = [];
    const args: (string | number)[] = [];
    const [first, ...more] = q.labels ?? [];
    const idCol = first ? "l0.job_id" : "id";
    if (first) conds.push("l0.key = ? AND l0.value = ?"), args.push(first.key, first.value);
    for (const l of more) {
      conds.push("EXISTS (SELECT 1 FROM job_labels lx WHERE lx.key = ? AND lx.value = ? AND lx.job_id = jobs.id)");
      args.push(l.key, l.value);
    }
    if (q.name !== undefined) conds.push("name = ?"), args.push(q.name);
    if (q.state !== undefined) conds.push("state = ?"), args.push(q.state);
    if (q.afterId !== undefined) conds.push(`${idCol} > ?`), args.push(q.afterId);
    if (q.q) {
      const pat = `%${escapeLike(q.q)}%`;
      conds.push("(id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR coalesce(description, '') LIKE ? ESCAPE '\\')");
      args.push(pat, pat, pat);
    }
    args.push(q.limit);
    const r = await this.client.execute({
      sql: `SELECT ${jobJson.select} AS r FROM ${first ? "job_labels l0 JOIN jobs ON jobs.id = l0.job_id" : "jobs"}${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} ORDER BY ${idCol} LIMIT ?`,
      args,
    });
    return r.rows.map((row) => jobJson.read(row.r));
  }

  async countJobsByState(): Promise<Record<string, number>> {
    const r = await this.db.select({ state: jobs.state, n: count() }).from(jobs).groupBy(jobs.state);
    return Object.fromEntries(r.map((x) => [x.state, x.n]));
  }

  /** The earliest next_fire_at of any job (for status), or null. */
  async earliestNextFire(): Promise<number | null> {
    const r = await this.client.execute("SELECT min(next_fire_at) AS t FROM jobs WHERE next_fire_at IS NOT NULL");
    const t = r.rows[0]?.t;
    return typeof t === "number" ? t : null;
  }

  // ---- runs -------------------------------------------------------------------------------

  async insertRun(row: NewRunRow): Promise<void> {
    await this.retry(() => this.db.insert(runs).values(row));
  }

  async getRun(id: string): Promise<RunRow | null> {
    const r = await this.db.select().from(runs).where(eq(runs.id, id)).limit(1);
    return r[0] ?? null;
  }

  async listRuns(q: RunQuery): Promise<RunRow[]> {
    // As listJobs: raw SQL, one JSON column per row.
    const conds: string[] = [];
    const args: (string | number)[] = [];
    if (q.jobId !== undefined) conds.push("job_id = ?"), args.push(q.jobId);
    if (q.name !== undefined) conds.push("job_name = ?"), args.push(q.name);
    if (q.status !== undefined) conds.push("status = ?"), args.push(q.status);
    if (q.from !== undefined) conds.push("scheduled_at >= ?"), args.push(q.from);
    if (q.to !== undefined) conds.push("scheduled_at < ?"), args.push(q.to);
    if (q.beforeId !== undefined) conds.push("id < ?"), args.push(q.beforeId);
    args.push(q.limit);
    const r = await this.client.execute({
      sql: `SELECT ${runJson.select} AS r FROM runs${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
      args,
    });
    return r.rows.map((row) => runJson.read(row.r));
  }

  /**
   * Deletes finished runs (never pending/running ones, which the engine still owns), oldest first
   * when `limit` is given. One statement.
   */
  async clearRuns(opts: { jobId?: string; name?: string; before?: number; limit?: number }): Promise<number> {
    const conds: SQL[] = [sql`${runs.status} NOT IN ('pending','running')`];
    if (opts.jobId !== undefined) conds.push(eq(runs.jobId, opts.jobId));
    if (opts.name !== undefined) conds.push(eq(runs.jobName, opts.name));
    if (opts.before !== undefined) conds.push(lt(runs.scheduledAt, opts.before));
    return this.retry(async () => {
      if (opts.limit === undefined) return (await this.db.delete(runs).where(and(...conds))).rowsAffected;
      const oldest = this.db.select({ id: runs.id }).from(runs).where(and(...conds)).orderBy(asc(runs.scheduledAt), asc(runs.id)).limit(opts.limit);
      return (await this.db.delete(runs).where(inArray(runs.id, oldest))).rowsAffected;
    });
  }

  // ---- engine: claim ----------------------------------------------------------------------

  /** Jobs of a shard due by `until`, earliest first. */
  async dueJobs(until: number, limit: number, shard: ShardRef = ALL): Promise<JobRow[]> {
    return this.db
      .select()
      .from(jobs)
      // next_fire_at is null unless the job is active: the partial index on (next_fire_at, shard) is the
      // whole queue, and the shard's slots are picked on the index entries, before any row is read.
      .where(and(isNotNull(jobs.nextFireAt), sql`${jobs.nextFireAt} <= ${until}`, shard.count > 1 ? sql.raw(shardCondition("jobs.shard", shard)!) : undefined))
      .orderBy(asc(jobs.nextFireAt))
      .limit(limit);
  }

  /**
   * Claims slots: per job a compare-and-set of next_fire_at, guarded by the lease (holder + fencing
   * token), and the run rows of exactly the jobs whose CAS succeeded, all in one write transaction.
   * Returns the ids of the jobs claimed.
   */
  async claim(items: ClaimItem[], lease: LeaseRef, claimId: string): Promise<Set<string>> {
    const claimed = new Set<string>();
    // The rows travel as one JSON parameter read with json_each: the statement text stays short and the
    // same whatever the batch size, so preparing it costs microseconds (a VALUES list of thousands of
    // placeholders cost milliseconds per prepare on the JS thread).
    for (const part of chunks(items, CHUNK)) {
      const batchId = `${claimId}:${claimed.size}:${part[0]!.jobId}`;
      const staying = part.filter((it) => it.state === "active");
      const ending = part.filter((it) => it.state !== "active");
      const jobRows = (items: ClaimItem[]) => JSON.stringify(items.map((it) => [it.jobId, it.due, it.next, it.lastFireAt, it.addRuns, it.state]));
      const runRows = JSON.stringify(
        part.flatMap((it) =>
          it.runs.map((r) => [r.id, r.jobId, r.jobName, r.trigger, r.scheduledAt, r.status, r.instanceId ?? null, r.leaseToken ?? null, r.error ?? null, r.finishedAt ?? null, r.shard ?? 0]),
        ),
      );
      // The compare-and-set. A job that stays active does not name `state` in its SET: a column that is set
      // counts as changed, and SQLite would rewrite its entry in jobs_state_idx for every fire of every job.
      const cas = (setState: boolean, rows: string): InStatement => ({
        sql: `WITH c AS MATERIALIZED (SELECT value->>0 AS id, value->>1 AS due, value->>2 AS nxt, value->>3 AS last, value->>4 AS add_runs, value->>5 AS st FROM json_each(?))
              UPDATE jobs SET next_fire_at = c.nxt, last_fire_at = coalesce(c.last, jobs.last_fire_at),
                run_count = jobs.run_count + c.add_runs,${setState ? " state = c.st," : ""} claim_id = ?
              FROM c
              WHERE jobs.id = c.id AND jobs.next_fire_at = c.due AND +jobs.state = 'active' -- '+': never drive the plan by state
                AND EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND token = ?)
              RETURNING jobs.id`,
        args: [rows, batchId, lease.name, lease.holder, lease.token],
      });
      const stmts: InStatement[] = [
        cas(false, jobRows(staying)),
        ...(ending.length > 0 ? [cas(true, jobRows(ending))] : []),
        {
          sql: `INSERT INTO runs (id, job_id, job_name, trigger, scheduled_at, status, instance_id, lease_token, error, finished_at, shard)
                SELECT v.value->>0, v.value->>1, v.value->>2, v.value->>3, v.value->>4, v.value->>5, v.value->>6, v.value->>7, v.value->>8, v.value->>9, v.value->>10
                FROM json_each(?) v
                JOIN jobs j ON j.id = v.value->>1 AND j.claim_id = ?`,
          args: [runRows, batchId],
        },
      ];
      const res = await this.retry(() => this.client.batch(stmts, "write"));
      for (const rs of res.slice(0, -1)) for (const row of rs.rows) claimed.add(String(row.id)); // the compare-and-sets
    }
    return claimed;
  }

  /** Takes a shard's manual runs that no leader has picked up yet (run-now through any instance). */
  async takeManualRuns(lease: LeaseRef, limit: number, shard: ShardRef = ALL): Promise<RunRow[]> {
    const open = `status = 'pending' AND lease_token IS NULL${andShard("shard", shard)}`;
    // Asked every tick: a read first, so that an idle tick takes no write lock (peers share the file).
    const any = await this.client.execute(`SELECT 1 FROM runs WHERE ${open} LIMIT 1`);
    if (any.rows.length === 0) return [];
    const r = await this.retry(() =>
      this.client.execute({
        sql: `UPDATE runs SET lease_token = ?, instance_id = ?
              WHERE id IN (SELECT id FROM runs WHERE ${open} ORDER BY id LIMIT ?)
                AND EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND token = ?)
              RETURNING ${runJson.select} AS r`,
        args: [lease.token, lease.holder, limit, lease.name, lease.holder, lease.token],
      }),
    );
    return r.rows.map((row) => runJson.read(row.r));
  }

  /**
   * Takes over a shard's runs left pending/running under an earlier token. Tokens come from one sequence
   * across all shard leases (acquireLease), so a lower token is always an earlier holder's.
   */
  async takeOrphanRuns(lease: LeaseRef, limit: number, shard: ShardRef = ALL): Promise<RunRow[]> {
    const r = await this.retry(() =>
      this.client.execute({
        sql: `UPDATE runs SET lease_token = ?, instance_id = ?, trigger = 'recovery'
              WHERE id IN (SELECT id FROM runs WHERE status IN ('pending','running') AND lease_token IS NOT NULL AND lease_token < ?${andShard("shard", shard)} ORDER BY id LIMIT ?)
                AND EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND token = ?)
              RETURNING ${runJson.select} AS r`,
        args: [lease.token, lease.holder, lease.token, limit, lease.name, lease.holder, lease.token],
      }),
    );
    return r.rows.map((row) => runJson.read(row.r));
  }

  /** Writes run progress/results in one statement per chunk; a row owned by a newer lease is left alone. */
  async writeRunUpdates(updates: RunUpdate[]): Promise<void> {
    for (const part of chunks(updates, 500)) {
      const rows = JSON.stringify(part.map((u) => [u.id, u.token, u.status, u.attempts, u.startedAt, u.finishedAt, u.httpStatus, u.durationMs, u.response, u.error]));
      await this.retry(() =>
        this.client.execute({
          sql: `WITH u AS MATERIALIZED (SELECT value->>0 AS id, value->>1 AS tok, value->>2 AS st, value->>3 AS att, value->>4 AS sa, value->>5 AS fa,
                                  value->>6 AS hs, value->>7 AS dm, value->>8 AS resp, value->>9 AS err FROM json_each(?))
                UPDATE runs SET status = u.st, attempts = u.att, started_at = coalesce(u.sa, runs.started_at),
                  finished_at = u.fa, http_status = u.hs, duration_ms = u.dm, response = u.resp, error = u.err
                FROM u WHERE runs.id = u.id AND (u.tok IS NULL OR runs.lease_token IS NULL OR runs.lease_token <= u.tok)`,
          args: [rows],
        }),
      );
    }
  }

  /** How many runs are pending or running (tests). */
  async openRunCount(): Promise<number> {
    const r = await this.client.execute("SELECT count(*) AS n FROM runs WHERE status IN ('pending','running')");
    return Number(r.rows[0]?.n ?? 0);
  }

  // ---- engine: lease, instances, settings -----------------------------------------------------

  /**
   * Takes the lease if it is free, expired, or held under our own holder id (a restart of this
   * instance). Every acquisition takes a new fencing token, so runs claimed under the previous
   * token, even by an earlier process with our id, are recovered and can never be claimed again.
   * Tokens come from one sequence across all leases (the highest issued, plus one): a run's token
   * then orders it against any later holder of its shard, whatever the shard count was.
   * Renewal is renewLease. Returns the lease row when we hold it.
   */
  async acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<LeaseRow | null> {
    const r = await this.retry(() =>
      this.client.execute({
        sql: `INSERT INTO leases (name, holder, token, expires_at, renewed_at)
              VALUES (?, ?, (SELECT coalesce(max(token), 0) + 1 FROM leases), ?, ?)
              ON CONFLICT(name) DO UPDATE SET
                token = (SELECT max(token) + 1 FROM leases),
                holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at
              WHERE leases.expires_at <= ? OR leases.holder = excluded.holder
              RETURNING *`,
        args: [name, holder, now + ttlMs, now, now],
      }),
    );
    const row = r.rows[0];
    return row ? rowToLease(row) : null;
  }

  /** Extends our lease if we still hold it with this token and it has not expired. */
  async renewLease(name: string, holder: string, token: number, now: number, ttlMs: number): Promise<boolean> {
    const r = await this.retry(
      () =>
        this.client.execute({
          sql: `UPDATE leases SET expires_at = ?, renewed_at = ? WHERE name = ? AND holder = ? AND token = ? AND expires_at > ?`,
          args: [now + ttlMs, now, name, holder, token, now],
        }),
      2,
    );
    return r.rowsAffected === 1;
  }

  async releaseLease(name: string, holder: string, token: number, now: number): Promise<void> {
    await this.client.execute({
      sql: `UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND token = ?`,
      args: [now, name, holder, token],
    });
  }

  async getLease(name: string): Promise<LeaseRow | null> {
    const r = await this.db.select().from(leases).where(eq(leases.name, name)).limit(1);
    return r[0] ?? null;
  }

  /** Every lease row (one per shard ever led: a handful). */
  async listLeases(): Promise<LeaseRow[]> {
    return this.db.select().from(leases).orderBy(asc(leases.name));
  }

  async heartbeat(row: InstanceRow): Promise<void> {
    await this.retry(() =>
      this.db
        .insert(instances)
        .values(row)
        .onConflictDoUpdate({ target: instances.id, set: { lastSeenAt: row.lastSeenAt, version: row.version, host: row.host } }),
    );
  }

  async removeInstance(id: string): Promise<void> {
    await this.db.delete(instances).where(eq(instances.id, id));
  }

  async liveInstances(since: number): Promise<InstanceRow[]> {
    return this.db.select().from(instances).where(gte(instances.lastSeenAt, since)).orderBy(asc(instances.id));
  }

  async getSetting(key: string): Promise<string | null> {
    const r = await this.db.select().from(settings).where(eq(settings.key, key)).limit(1);
    return r[0]?.value ?? null;
  }

  async setSetting(key: string, value: string, now: number): Promise<void> {
    await this.retry(() =>
      this.db.insert(settings).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } }),
    );
  }
}

function rowToLease(r: Record<string, unknown>): LeaseRow {
  return {
    name: String(r.name),
    holder: String(r.holder),
    token: Number(r.token),
    expiresAt: Number(r.expires_at),
    renewedAt: Number(r.renewed_at),
  };
}
