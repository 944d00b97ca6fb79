// Mounts the compatibility APIs CRONHOOK_COMPAT names: schedule-server (seldom), RuQi and Flask-APScheduler.
import type { ApiDeps, App } from "../context.ts";
import { registerApscheduler } from "./apscheduler/index.ts";
import { registerRuqi } from "./ruqi/index.ts";
import { registerSeldom } from "./seldom/index.ts";
import { compatGuards } from "./shared.ts";

export function registerCompat(app: App, deps: ApiDeps): void {
  const on = new Set(deps.config.compat);
  const paths: string[] = [];
  if (on.has("seldom") || on.has("apscheduler")) paths.push("/scheduler", "/scheduler/*");
  if (on.has("ruqi")) paths.push("/ruqi/*");
  if (paths.length === 0) return;
  compatGuards(app, paths, deps);
  if (on.has("seldom")) registerSeldom(app, deps);
  if (on.has("ruqi")) registerRuqi(app, deps);
  if (on.has("apscheduler")) registerApscheduler(app, deps);
}
