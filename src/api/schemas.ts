// Schemas that only the HTTP layer needs: path/query parameters, pages, scheduler status, and examples.
import { z } from "@hono/zod-openapi";
import { Job, JobState, RUN_STATUSES, Run } from "../domain/job.ts";
import { jobIdProblem, JOB_ID_MAX } from "../domain/ids.ts";

// --- instants ---------------------------------------------------------------

// A date, or a date-time with Z or an offset: a time without a zone would depend on the server's zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** Epoch ms of an ISO-8601 instant, or null when the text is not one. */
export function parseInstant(s: string): number | null {
  if (!ISO_INSTANT.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

const instantQuery = (description: string) =>
  z
    .string()
    .refine((s) => parseInstant(s) !== null, "must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z")
    .optional()
    .openapi({ format: "date-time", description, example: "2026-01-01T00:00:00Z" });

/** The value of an instant already checked by a schema above. */
export const instantMs = (s: string | undefined): number | undefined => (s === undefined ? undefined : (parseInstant(s) ?? undefined));

// --- path parameters --------------------------------------------------------

const jobIdSchema = z
  .string()
  .superRefine((id, ctx) => {
    const problem = jobIdProblem(id);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    param: { name: "id", in: "path" },
    description: `Job id (1-${JOB_ID_MAX} characters). URL-encode it: unicode is fine, a slash travels as %2F.`,
    example: "nightly-report",
  });

export const JobIdParams = z.object({ id: jobIdSchema });

export const RunIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, description: "Run id (UUIDv7).", example: "0193b7c2-7a3e-7000-8000-1234567890ab" }),
});

// --- pagination ---------------------------------------------------------------

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const limitQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .default(DEFAULT_LIMIT)
  .openapi({ description: `Page size, 1-${MAX_LIMIT}.`, example: 50 });

const cursorQuery = z
  .string()
  .min(1)
  .max(1000)
  .optional()
  .openapi({ description: "The nextCursor of the previous page; absent for the first page." });

const nextCursor = z.string().nullable().openapi({ description: "Pass as ?cursor= for the next page; null on the last page." });

export const JobPage = z.object({ items: z.array(Job), nextCursor }).openapi("JobPage");
export const RunPage = z.object({ items: z.array(Run), nextCursor }).openapi("RunPage");

// --- list queries -----------------------------------------------------------------

const asArray = (v: unknown) => (typeof v === "string" ? [v] : v);

export const JobListQuery = z.object({
  name: z.string().min(1).max(200).optional().openapi({ description: "Only jobs of this group.", example: "reports" }),
  state: JobState.optional(),
  label: z
    .preprocess(asArray, z.array(z.string().regex(/^[^:]+:/, 'must be "key:value"')).max(50))
    .optional()
    .openapi({ description: "key:value; repeat the parameter to require several labels.", example: ["team:qa"] }),
  q: z.string().min(1).max(200).optional().openapi({ description: "Substring of id, name or description.", example: "report" }),
  limit: limitQuery,
  cursor: cursorQuery,
});

/** `k:v` strings (already checked by JobListQuery) to label filters; the value may itself contain ':'. */
export function parseLabels(labels: readonly string[] | undefined): { key: string; value: string }[] | undefined {
  if (!labels) return undefined;
  return labels.map((l) => {
    const i = l.indexOf(":");
    return { key: l.slice(0, i), value: l.slice(i + 1) };
  });
}

const runFilterFields = {
  name: z.string().min(1).max(200).optional().openapi({ description: "Only runs of jobs in this group.", example: "reports" }),
  status: z.enum(RUN_STATUSES).optional().openapi({ description: "Only runs with this status." }),
  from: instantQuery("Only runs scheduled at or after this instant."),
  to: instantQuery("Only runs scheduled before this instant."),
  limit: limitQuery,
  cursor: cursorQuery,
};

export const RunListQuery = z.object({
  jobId: z.string().min(1).max(JOB_ID_MAX).optional().openapi({ description: "Only runs of this job.", example: "nightly-report" }),
  ...runFilterFields,
});

export const JobRunListQuery = z.object(runFilterFields);

export const RunClearQuery = z.object({
  jobId: z.string().min(1).max(JOB_ID_MAX).optional().openapi({ description: "Only runs of this job (its history stays after the job is deleted).", example: "nightly-report" }),
  before: instantQuery("Only runs scheduled before this instant."),
});

// --- scheduler --------------------------------------------------------------------

const ShardLeader = z
  .object({ instanceId: z.string(), token: z.number().int().openapi({ description: "The lease's fencing token." }), expiresAt: z.string() })
  .openapi("ShardLeader");

export const SchedulerStatus = z
  .object({
    instanceId: z.string(),
    isLeader: z.boolean().openapi({ description: "This instance leads at least one shard." }),
    leader: ShardLeader.nullable().openapi({ description: "The leader of shard 0: with one shard (the default), the leader." }),
    shards: z
      .array(z.object({ shard: z.number().int(), leader: ShardLeader.nullable() }))
      .openapi({ description: "Every shard (CRONHOOK_SHARDS, default 1) and the instance that leads it; null while it has no live leader." }),
    state: z.enum(["running", "paused"]),
    nextWakeupAt: z.string().nullable(),
    jobs: z.object({ active: z.number().int(), paused: z.number().int(), completed: z.number().int() }),
    inFlight: z.number().int(),
    version: z.string(),
    instances: z.array(
      z.object({ instanceId: z.string(), host: z.string(), version: z.string(), startedAt: z.string(), lastSeenAt: z.string() }),
    ),
  })
  .openapi("SchedulerStatus", {
    example: {
      instanceId: "host-a",
      isLeader: true,
      leader: { instanceId: "host-a", token: 7, expiresAt: "2026-11-23T08:01:15.000Z" },
      shards: [{ shard: 0, leader: { instanceId: "host-a", token: 7, expiresAt: "2026-11-23T08:01:15.000Z" } }],
      state: "running",
      nextWakeupAt: "2026-11-23T08:05:00.000Z",
      jobs: { active: 12, paused: 1, completed: 3 },
      inFlight: 0,
      version: "0.1.0",
      instances: [
        { instanceId: "host-a", host: "host-a", version: "0.1.0", startedAt: "2026-11-23T07:00:00.000Z", lastSeenAt: "2026-11-23T08:01:12.000Z" },
      ],
    },
  });

// --- examples ---------------------------------------------------------------------

export const jobExample: z.infer<typeof Job> = {
  id: "nightly-report",
  name: "reports",
  description: "Send the nightly report",
  labels: { team: "qa" },
  trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "Asia/Shanghai" },
  target: {
    url: "https://example.test/hook",
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"hello":"world"}',
    timeoutMs: 30000,
    retry: { maxAttempts: 1, backoffMs: 1000, maxBackoffMs: 60000 },
    successStatus: null,
  },
  state: "active",
  pausedReason: null,
  startAt: null,
  endAt: null,
  maxRuns: null,
  jitterMs: 0,
  misfire: { policy: "once", graceMs: 10000 },
  overlap: "skip",
  nextFireAt: "2026-11-23T18:00:00.000Z",
  lastFireAt: null,
  runCount: 0,
  version: 1,
  createdAt: "2026-11-23T08:01:12.345Z",
  updatedAt: "2026-11-23T08:01:12.345Z",
};

export const runExample: z.infer<typeof Run> = {
  id: "0193b7c2-7a3e-7000-8000-1234567890ab",
  jobId: "nightly-report",
  jobName: "reports",
  trigger: "manual",
  scheduledAt: "2026-11-23T02:00:00.000Z",
  startedAt: "2026-11-23T02:00:00.001Z",
  finishedAt: "2026-11-23T02:00:00.013Z",
  status: "succeeded",
  attempts: 1,
  httpStatus: 200,
  durationMs: 12,
  response: "ok",
  error: null,
  instanceId: "host-a",
};

export const jobSpecExample = {
  name: "reports",
  labels: { team: "qa" },
  trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "Asia/Shanghai" },
  target: { url: "https://example.test/hook", method: "POST", headers: { "content-type": "application/json" }, body: '{"hello":"world"}' },
};

/** Header values and links the job routes send. */
export const jobLocation = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}`;
export const runLocation = (id: string): string => `/v1/runs/${encodeURIComponent(id)}`;
/** Weak: the version changes on edits, not on every fire (runCount, nextFireAt move without it). */
export const jobEtag = (version: number): string => `W/"${version}"`;

export const etagHeader = { ETag: { description: 'The job version as a weak tag, e.g. W/"3"; send it back in If-Match.', schema: { type: "string" as const } } };
export const locationHeader = { Location: { description: "URL of the created resource.", schema: { type: "string" as const } } };
