// Job and run shapes (zod, named for OpenAPI): what the API accepts and returns.
import { z } from "@hono/zod-openapi";
import { TriggerInput, TriggerOut } from "./trigger-schema.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export const MAX_TARGET_BODY = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_GRACE_MS = 10_000;

const isoInstant = z.string().max(50).openapi({ format: "date-time", example: "2026-12-01T00:00:00Z" });

export const RetryPolicy = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(20).optional().openapi({ description: "Attempts per fire, 1 = no retry. Default 1." }),
    backoffMs: z.number().int().min(0).max(3_600_000).optional().openapi({ description: "Delay before the 2nd attempt; doubles each attempt. Default 1000." }),
    maxBackoffMs: z.number().int().min(0).max(86_400_000).optional().openapi({ description: "Default 60000." }),
  })
  .openapi("RetryPolicy");

const StatusMatcher = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, 'a status code or a class like "2xx"'),
]);

const targetFields = {
  url: z.string().min(1).max(2048).openapi({ example: "https://example.test/hook" }),
  method: z.enum(HTTP_METHODS).openapi({ description: "Default GET." }),
  headers: z
    .record(z.string().min(1).max(256), z.string().max(8192))
    .openapi({ example: { "content-type": "application/json" } }),
  body: z.string().max(MAX_TARGET_BODY).openapi({ description: `Request body, at most ${MAX_TARGET_BODY} bytes.` }),
  timeoutMs: z.number().int().min(100).max(600_000).openapi({ description: `Default ${DEFAULT_TIMEOUT_MS}.` }),
  retry: RetryPolicy,
  successStatus: z.array(StatusMatcher).min(1).max(50).openapi({
    description: 'Statuses that count as success, e.g. [200, "3xx"]. Default: any 2xx.',
  }),
};

export const TargetInput = z
  .strictObject({
    url: targetFields.url,
    method: targetFields.method.optional(),
    headers: targetFields.headers.optional(),
    body: targetFields.body.optional(),
    timeoutMs: targetFields.timeoutMs.optional(),
    retry: targetFields.retry.optional(),
    successStatus: targetFields.successStatus.optional(),
  })
  .openapi("TargetInput");
/** PATCH of a target: the fields named replace the old ones; nothing is defaulted. */
export const TargetPatch = z
  .strictObject({
    url: targetFields.url.optional(),
    method: targetFields.method.optional(),
    headers: targetFields.headers.optional(),
    body: targetFields.body.nullable().optional(),
    timeoutMs: targetFields.timeoutMs.optional(),
    retry: RetryPolicy.partial().optional(),
    successStatus: targetFields.successStatus.nullable().optional(),
  })
  .openapi("TargetPatch");
export type TargetInput = z.input<typeof TargetInput>;
export type Target = z.output<typeof TargetInput>;

export const MisfirePolicy = z
  .strictObject({
    policy: z.enum(["once", "skip", "all"]).optional().openapi({
      description:
        "What to do with fires missed by more than graceMs (downtime, scheduler pause): once = send the latest one and record the rest as missed; skip = record all as missed; all = send every one.",
    }),
    graceMs: z.number().int().min(0).max(7 * 86_400_000).optional().openapi({ description: `Default ${DEFAULT_GRACE_MS}.` }),
  })
  .openapi("MisfirePolicy");

const labelsSchema = z
  .record(z.string().min(1).max(100), z.string().max(500))
  .refine((o) => Object.keys(o).length <= 50, "at most 50 labels")
  .openapi({ example: { team: "qa" } });

const jobFields = {
  name: z.string().min(1).max(200).optional().openapi({ description: "Group label. Default: \"default\".", example: "reports" }),
  description: z.string().max(2000).optional(),
  labels: labelsSchema.optional(),
  trigger: TriggerInput,
  target: TargetInput,
  state: z.enum(["active", "paused"]).optional().openapi({ description: "Create the job paused. Default active." }),
  startAt: isoInstant.optional().openapi({ description: "No fire before this instant." }),
  endAt: isoInstant.optional().openapi({ description: "No fire after this instant; then the job is completed." }),
  maxRuns: z.number().int().min(1).max(1_000_000_000).optional(),
  jitterMs: z.number().int().min(0).max(3_600_000).optional().openapi({ description: "Delay each fire by a random 0..jitterMs." }),
  misfire: MisfirePolicy.optional(),
  overlap: z.enum(["skip", "queue", "allow"]).optional().openapi({
    description: "A fire due while the previous run of this job is in flight: skip (default) records it skipped, queue sends it after, allow sends it at once.",
  }),
};

/** Body of PUT /v1/jobs/{id} (the id comes from the path). */
export const JobSpec = z.strictObject(jobFields).openapi("JobSpec");
export type JobSpec = z.input<typeof JobSpec>;

/** Body of POST /v1/jobs: a spec with an optional id. */
export const JobCreate = z
  .strictObject({ id: z.string().optional().openapi({ description: "Your id for the job; generated (UUIDv7) if absent.", example: "nightly-report" }), ...jobFields })
  .openapi("JobCreate", {
    example: {
      id: "nightly-report",
      name: "reports",
      trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "Asia/Shanghai" },
      target: { url: "https://example.test/hook", method: "POST", timeoutMs: 30000 },
    },
  });
export type JobCreate = z.input<typeof JobCreate>;

/** Body of PATCH: every field optional; nested objects replace what they name. */
export const JobPatch = z
  .strictObject({
    name: jobFields.name,
    description: z.string().max(2000).nullable().optional(),
    labels: labelsSchema.nullable().optional(),
    trigger: TriggerInput.optional(),
    target: TargetPatch.optional(),
    startAt: isoInstant.nullable().optional(),
    endAt: isoInstant.nullable().optional(),
    maxRuns: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
    jitterMs: z.number().int().min(0).max(3_600_000).optional(),
    misfire: MisfirePolicy.optional(),
    overlap: jobFields.overlap,
  })
  .openapi("JobPatch", { example: { target: { timeoutMs: 10000 } } });
export type JobPatch = z.input<typeof JobPatch>;

export const JobState = z.enum(["active", "paused", "completed"]).openapi("JobState");
export type JobState = z.infer<typeof JobState>;

export const Job = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    trigger: TriggerOut,
    target: z.object({
      url: z.string(),
      method: z.enum(HTTP_METHODS),
      headers: z.record(z.string(), z.string()),
      body: z.string().nullable(),
      timeoutMs: z.number().int(),
      retry: z.object({ maxAttempts: z.number().int(), backoffMs: z.number().int(), maxBackoffMs: z.number().int() }),
      successStatus: z.array(z.union([z.number(), z.string()])).nullable(),
    }),
    state: JobState,
    pausedReason: z.string().nullable(),
    startAt: z.string().nullable(),
    endAt: z.string().nullable(),
    maxRuns: z.number().int().nullable(),
    jitterMs: z.number().int(),
    misfire: z.object({ policy: z.enum(["once", "skip", "all"]), graceMs: z.number().int() }),
    overlap: z.enum(["skip", "queue", "allow"]),
    nextFireAt: z.string().nullable(),
    lastFireAt: z.string().nullable(),
    runCount: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Job");
export type Job = z.infer<typeof Job>;

export const RUN_STATUSES = ["pending", "running", "succeeded", "failed", "timed_out", "skipped", "missed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "timed_out", "skipped", "missed"]);
export const RUN_TRIGGERS = ["schedule", "manual", "catchup", "retry", "recovery"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const Run = z
  .object({
    id: z.string(),
    jobId: z.string(),
    jobName: z.string(),
    trigger: z.enum(RUN_TRIGGERS),
    scheduledAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    attempts: z.number().int(),
    httpStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    response: z.string().nullable(),
    error: z.string().nullable(),
    instanceId: z.string().nullable(),
  })
  .openapi("Run", {
    example: {
      id: "0193b7c2-7a3e-7000-8000-1234567890ab",
      jobId: "nightly-report",
      jobName: "reports",
      trigger: "schedule",
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
    },
  });
export type Run = z.infer<typeof Run>;
