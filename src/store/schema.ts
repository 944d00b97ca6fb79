// Drizzle schema: jobs (the queue), runs (history), leases (coordination), instances (heartbeats), settings.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description"),
    labels: text("labels").notNull().default("{}"), // JSON object
    trigger: text("trigger").notNull(), // JSON: normalized trigger
    target: text("target").notNull(), // JSON: normalized target
    startAt: integer("start_at"),
    endAt: integer("end_at"),
    maxRuns: integer("max_runs"),
    jitterMs: integer("jitter_ms").notNull().default(0),
    misfirePolicy: text("misfire_policy").notNull().default("once"),
    misfireGraceMs: integer("misfire_grace_ms").notNull(),
    overlap: text("overlap").notNull().default("skip"),
    state: text("state").notNull(), // active | paused | completed
    pausedReason: text("paused_reason"),
    nextFireAt: integer("next_fire_at"), // null while paused or finished
    lastFireAt: integer("last_fire_at"),
    runCount: integer("run_count").notNull().default(0),
    version: integer("version").notNull().default(1),
    claimId: text("claim_id"), // the claim batch that last moved next_fire_at
    shard: integer("shard").notNull().default(0), // the id's slot (domain/shard.ts): shard = slot % K
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // The queue: a shard's claim-ahead filters slots on the index itself, before reading any job row.
    index("jobs_due_idx").on(t.nextFireAt, t.shard).where(sql`${t.nextFireAt} IS NOT NULL`),
    index("jobs_name_idx").on(t.name, t.id),
    index("jobs_state_idx").on(t.state, t.id),
  ],
);

/**
 * One row per label of a job, kept by triggers on jobs (drizzle/0003): `GET /v1/jobs?label=k:v` (and the
 * compatibility APIs, which find their jobs by label) walk this index in id order instead of every job.
 */
export const jobLabels = sqliteTable(
  "job_labels",
  {
    key: text("key").notNull(),
    value: text("value").notNull(),
    jobId: text("job_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.value, t.jobId] }), index("job_labels_job_idx").on(t.jobId)],
);

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(), // UUIDv7: sorts by creation time
    jobId: text("job_id").notNull(),
    jobName: text("job_name").notNull(),
    trigger: text("trigger").notNull(), // schedule | manual | catchup | retry | recovery
    scheduledAt: integer("scheduled_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    httpStatus: integer("http_status"),
    durationMs: integer("duration_ms"),
    response: text("response"),
    error: text("error"),
    instanceId: text("instance_id"),
    leaseToken: integer("lease_token"), // null for a manual run not yet taken by a leader
    shard: integer("shard").notNull().default(0), // the job's slot: which shard's leader sends and recovers it
  },
  (t) => [
    index("runs_job_idx").on(t.jobId, t.id),
    index("runs_name_idx").on(t.jobName, t.id),
    index("runs_open_idx").on(t.status).where(sql`${t.status} IN ('pending','running')`),
  ],
);

export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  token: integer("token").notNull(),
  expiresAt: integer("expires_at").notNull(),
  renewedAt: integer("renewed_at").notNull(),
});

export const instances = sqliteTable("instances", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  version: text("version").notNull(),
  startedAt: integer("started_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
});

/** Cluster-wide switches (scheduler paused), key/value. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
