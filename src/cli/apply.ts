// Jobs as code against a server: read the server's side of a plan, then carry it out with PUT and DELETE.
import { ApiError, call, type CronhookClient, type Job } from "../client/index.ts";
import type { FileJob } from "./jobs-file.ts";
import { buildPlan, groupOf, type Plan, type PlanItem } from "./plan.ts";

const PAGE = 500;

/** Every job of a group, following cursors. */
async function listGroup(client: CronhookClient, name: string): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(client.GET("/v1/jobs", { params: { query: { name, limit: PAGE, ...(cursor ? { cursor } : {}) } } }));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function getJob(client: CronhookClient, id: string): Promise<Job | null> {
  try {
    return await call(client.GET("/v1/jobs/{id}", { params: { path: { id } } }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Runs `fn` over `items` with at most `n` in flight, keeping order. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Reads what the plan needs from the server: the jobs of the file's groups and any file id outside them. */
export async function planAgainst(client: CronhookClient, file: FileJob[], prune: boolean): Promise<Plan> {
  const groups = [...new Set(file.map((f) => groupOf(f.spec)))];
  const inGroups = (await mapLimit(groups, 4, (g) => listGroup(client, g))).flat();
  const existing = new Map<string, Job>();
  const ids = new Set(file.map((f) => f.id));
  for (const j of inGroups) if (ids.has(j.id)) existing.set(j.id, j);
  // A file job may exist under another group (its name is about to change): look those up one by one.
  const missing = file.filter((f) => !existing.has(f.id)).map((f) => f.id);
  const found = await mapLimit(missing, 8, (id) => getJob(client, id));
  for (const j of found) if (j) existing.set(j.id, j);
  return buildPlan(file, existing, inGroups, prune);
}

export interface ApplyFailure {
  id: string;
  action: PlanItem["action"];
  status: number | null;
  code: string | null;
  detail: string;
  errors: { path: string; message: string }[];
}

export interface ApplyResult {
  created: string[];
  changed: string[];
  deleted: string[];
  failed: ApplyFailure[];
}

/**
 * Carries out a plan: PUT for create and change, then DELETE for prune. A job the server
 * refuses does not stop the others; it is reported in `failed`. Network failures propagate.
 */
export async function executePlan(client: CronhookClient, plan: Plan, file: FileJob[]): Promise<ApplyResult> {
  const specs = new Map(file.map((f) => [f.id, f.spec]));
  const result: ApplyResult = { created: [], changed: [], deleted: [], failed: [] };
  const ordered = [...plan.items.filter((i) => i.action !== "delete"), ...plan.items.filter((i) => i.action === "delete")];
  for (const item of ordered) {
    try {
      if (item.action === "delete") {
        await call(client.DELETE("/v1/jobs/{id}", { params: { path: { id: item.id } } }));
        result.deleted.push(item.id);
      } else {
        await call(client.PUT("/v1/jobs/{id}", { params: { path: { id: item.id } }, body: specs.get(item.id)! }));
        (item.action === "create" ? result.created : result.changed).push(item.id);
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // A 404 on delete means someone else removed it first: the goal is reached.
      if (item.action === "delete" && err.status === 404) {
        result.deleted.push(item.id);
        continue;
      }
      result.failed.push({
        id: item.id,
        action: item.action,
        status: err.status,
        code: err.problem?.code ?? null,
        detail: err.message,
        errors: err.problem?.errors ?? [],
      });
    }
  }
  return result;
}
