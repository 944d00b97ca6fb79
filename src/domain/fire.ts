// What the engine hands to dispatch (a claimed fire) and what dispatch reports back (run progress/results).
import type { JobDefinition } from "./definition.ts";
import type { RunStatus, RunTrigger } from "./job.ts";

export type FireDef = Pick<JobDefinition, "target" | "overlap">;

/** The part of a definition that travels with its fires. */
export function fireDef(def: JobDefinition): FireDef {
  return { target: def.target, overlap: def.overlap };
}

/** One claimed fire waiting for its time. */
export interface Fire {
  due: number; // when to send (scheduledAt + jitter, or now for manual/recovered-late)
  runId: string;
  jobId: string;
  jobName: string;
  scheduledAt: number;
  trigger: RunTrigger;
  attempt: number; // the attempt number to send first (recovery continues the count)
  token: number; // the lease token it was claimed under
  /** What sending needs of the job: its target and overlap policy (not the whole definition: fires cross threads). */
  def: FireDef;
}

/** A result or progress write for one run, guarded by the lease token that owns it. */
export interface RunUpdate {
  id: string;
  token: number | null;
  status: string;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  httpStatus: number | null;
  durationMs: number | null;
  response: string | null;
  error: string | null;
}

export interface RunFinished {
  runId: string;
  jobId: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** Scheduled time to the first request sent (ms). */
  lateMs: number;
  /** Attempts this process sent for the run. */
  attempts: number;
  durationMs: number;
}

export function runUpdate(id: string, token: number | null, u: Partial<RunUpdate> & { status: string; attempts: number }): RunUpdate {
  return {
    id, token, status: u.status, attempts: u.attempts, startedAt: u.startedAt ?? null, finishedAt: u.finishedAt ?? null,
    httpStatus: u.httpStatus ?? null, durationMs: u.durationMs ?? null, response: u.response ?? null, error: u.error ?? null,
  };
}
