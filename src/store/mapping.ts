// Maps between store rows and domain shapes: job rows <-> definitions, rows -> API Job/Run objects.
import type { JobDefinition, NormalTarget } from "../domain/definition.ts";
import type { Job, JobState, Run, RunStatus, RunTrigger } from "../domain/job.ts";
import { triggerToOut, type Trigger } from "../domain/trigger.ts";
import type { JobRow, RunRow } from "./store.ts";

const iso = (t: number | null | undefined): string | null => (t === null || t === undefined ? null : new Date(t).toISOString());

export function rowToDefinition(row: JobRow): JobDefinition {
  return {
    name: row.name,
    description: row.description,
    labels: JSON.parse(row.labels) as Record<string, string>,
    trigger: JSON.parse(row.trigger) as Trigger,
    target: JSON.parse(row.target) as NormalTarget,
    startAt: row.startAt,
    endAt: row.endAt,
    maxRuns: row.maxRuns,
    jitterMs: row.jitterMs,
    misfire: { policy: row.misfirePolicy as JobDefinition["misfire"]["policy"], graceMs: row.misfireGraceMs },
    overlap: row.overlap as JobDefinition["overlap"],
  };
}

/** The definition's columns (everything a user sets). */
type DefinitionColumns = Pick<
  JobRow,
  "name" | "description" | "labels" | "trigger" | "target" | "startAt" | "endAt" | "maxRuns" | "jitterMs" | "misfirePolicy" | "misfireGraceMs" | "overlap"
>;

export function definitionColumns(def: JobDefinition): DefinitionColumns {
  return {
    name: def.name,
    description: def.description,
    labels: JSON.stringify(def.labels),
    trigger: JSON.stringify(def.trigger),
    target: JSON.stringify(def.target),
    startAt: def.startAt,
    endAt: def.endAt,
    maxRuns: def.maxRuns,
    jitterMs: def.jitterMs,
    misfirePolicy: def.misfire.policy,
    misfireGraceMs: def.misfire.graceMs,
    overlap: def.overlap,
  };
}

export function rowToJob(row: JobRow): Job {
  const def = rowToDefinition(row);
  return {
    id: row.id,
    name: def.name,
    description: def.description,
    labels: def.labels,
    trigger: triggerToOut(def.trigger),
    target: def.target,
    state: row.state as JobState,
    pausedReason: row.pausedReason,
    startAt: iso(def.startAt),
    endAt: iso(def.endAt),
    maxRuns: def.maxRuns,
    jitterMs: def.jitterMs,
    misfire: def.misfire,
    overlap: def.overlap,
    nextFireAt: iso(row.nextFireAt),
    lastFireAt: iso(row.lastFireAt),
    runCount: row.runCount,
    version: row.version,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function rowToRunOut(r: RunRow): Run {
  return {
    id: r.id,
    jobId: r.jobId,
    jobName: r.jobName,
    trigger: r.trigger as RunTrigger,
    scheduledAt: iso(r.scheduledAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    status: r.status as RunStatus,
    attempts: r.attempts,
    httpStatus: r.httpStatus,
    durationMs: r.durationMs,
    response: r.response,
    error: r.error,
    instanceId: r.instanceId,
  };
}
