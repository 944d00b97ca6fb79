// The one API that api/ and cli/ call: use cases over domain, store and engine.
import type { z } from "@hono/zod-openapi";
import type { Job, JobCreate, JobPatch, JobSpec, JobState, Run, RunStatus } from "../domain/job.ts";
import type { TriggerInput } from "../domain/trigger-schema.ts";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface JobListFilter {
  name?: string;
  state?: JobState;
  /** `key:value` pairs; every one must match. */
  labels?: { key: string; value: string }[];
  /** Substring of id, name or description. */
  q?: string;
  limit: number;
  cursor?: string;
}

export interface RunListFilter {
  jobId?: string;
  name?: string;
  status?: RunStatus;
  /** scheduledAt >= from (epoch ms). */
  from?: number;
  /** scheduledAt < to (epoch ms). */
  to?: number;
  limit: number;
  cursor?: string;
}

export interface ShardLeader {
  instanceId: string;
  token: number;
  expiresAt: string;
}

export interface SchedulerStatus {
  instanceId: string;
  isLeader: boolean;
  /** The leader of shard 0 (with one shard, the leader). */
  leader: ShardLeader | null;
  /** Every shard (one unless CRONHOOK_SHARDS is set) and who leads it. */
  shards: { shard: number; leader: ShardLeader | null }[];
  state: "running" | "paused";
  nextWakeupAt: string | null;
  jobs: { active: number; paused: number; completed: number };
  inFlight: number;
  version: string;
  instances: { instanceId: string; host: string; version: string; startedAt: string; lastSeenAt: string }[];
}

export interface RunNowResult {
  run: Run;
  /** True when the run reached a final status before the answer (only with wait). */
  done: boolean;
}

export interface JobsService {
  create(input: z.output<typeof JobCreate> | JobCreate): Promise<Job>;
  put(id: string, spec: JobSpec): Promise<{ job: Job; created: boolean }>;
  patch(id: string, patch: JobPatch, ifMatch?: number): Promise<Job>;
  get(id: string): Promise<Job>;
  remove(id: string): Promise<void>;
  list(filter: JobListFilter): Promise<Page<Job>>;
  pause(id: string, reason?: string): Promise<Job>;
  resume(id: string): Promise<Job>;
  runNow(id: string, opts: { wait: boolean; timeoutMs?: number }): Promise<RunNowResult>;
}

export interface RunsService {
  list(filter: RunListFilter): Promise<Page<Run>>;
  get(id: string): Promise<Run>;
  /**
   * Deletes finished runs matching every filter given: `jobId`, `name` (the job's group at the
   * time of the run), `before` (scheduled before, epoch ms). With `limit`, the oldest `limit` of them only.
   */
  clear(opts: { jobId?: string; before?: number; name?: string; limit?: number }): Promise<{ deleted: number }>;
}

export interface TriggersService {
  preview(input: { trigger: TriggerInput; count?: number; from?: string }): { fireTimes: string[] };
}

export interface SchedulerService {
  status(): Promise<SchedulerStatus>;
  /** The scheduler's clock (epoch ms): for callers that show or compute times relative to now. */
  now(): number;
  wakeup(): Promise<SchedulerStatus>;
  pause(): Promise<SchedulerStatus>;
  resume(): Promise<SchedulerStatus>;
}

export interface HealthService {
  ready(): Promise<{ ok: boolean; detail: string }>;
}

export interface MetricsService {
  /** Prometheus text format. */
  render(): Promise<string>;
  observeRequest(method: string, status: number): void;
}

export interface Services {
  jobs: JobsService;
  runs: RunsService;
  triggers: TriggersService;
  scheduler: SchedulerService;
  health: HealthService;
  metrics: MetricsService;
}
