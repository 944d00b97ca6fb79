// Registers every operation; one file per operation under routes/<resource>/<verb>.ts.
import type { ApiDeps, App } from "../context.ts";
import { registerHealthz } from "./health/healthz.ts";
import { registerReadyz } from "./health/readyz.ts";
import { registerMetrics } from "./health/metrics.ts";
import { registerCreateJob } from "./jobs/create.ts";
import { registerDeleteJob } from "./jobs/delete.ts";
import { registerGetJob } from "./jobs/get.ts";
import { registerListJobRuns } from "./jobs/list-runs.ts";
import { registerListJobs } from "./jobs/list.ts";
import { registerPatchJob } from "./jobs/patch.ts";
import { registerPauseJob } from "./jobs/pause.ts";
import { registerPutJob } from "./jobs/put.ts";
import { registerResumeJob } from "./jobs/resume.ts";
import { registerRunJob } from "./jobs/run.ts";
import { registerClearRuns } from "./runs/clear.ts";
import { registerGetRun } from "./runs/get.ts";
import { registerListRuns } from "./runs/list.ts";
import { registerGetScheduler } from "./scheduler/get.ts";
import { registerPauseScheduler } from "./scheduler/pause.ts";
import { registerResumeScheduler } from "./scheduler/resume.ts";
import { registerWakeupScheduler } from "./scheduler/wakeup.ts";
import { registerPreviewTrigger } from "./triggers/preview.ts";

export function registerRoutes(app: App, deps: ApiDeps): void {
  registerCreateJob(app, deps);
  registerListJobs(app, deps);
  registerGetJob(app, deps);
  registerPutJob(app, deps);
  registerPatchJob(app, deps);
  registerDeleteJob(app, deps);
  registerPauseJob(app, deps);
  registerResumeJob(app, deps);
  registerRunJob(app, deps);
  registerListJobRuns(app, deps);

  registerListRuns(app, deps);
  registerGetRun(app, deps);
  registerClearRuns(app, deps);

  registerPreviewTrigger(app, deps);

  registerGetScheduler(app, deps);
  registerWakeupScheduler(app, deps);
  registerPauseScheduler(app, deps);
  registerResumeScheduler(app, deps);

  registerHealthz(app, deps);
  registerReadyz(app, deps);
  registerMetrics(app, deps);
}
