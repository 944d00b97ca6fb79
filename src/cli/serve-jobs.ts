// `serve --jobs FILE`: loads a jobs file into the starting server through its own API in-process (PUT semantics, no prune).
import { ConfigError } from "../config/config.ts";
import { createCronhookClient } from "../client/index.ts";
import { executePlan, planAgainst } from "./apply.ts";
import { JobsFileError, readJobsFile } from "./jobs-file.ts";

export interface LoadedJobs {
  created: number;
  changed: number;
  unchanged: number;
}

/**
 * Creates or replaces every job of the file by calling the app's own routes (no socket), so
 * the file gets exactly the validation and semantics of `cronhook apply`. Any refusal is a
 * ConfigError naming the job and the field: the server does not start on a bad file.
 */
export async function loadJobsFile(
  path: string,
  app: { fetch(req: Request): Response | Promise<Response> },
  token: string | undefined,
): Promise<LoadedJobs> {
  let file;
  try {
    file = await readJobsFile(path);
  } catch (err) {
    if (err instanceof JobsFileError) throw new ConfigError(`--jobs ${err.message}`);
    throw err;
  }
  const client = createCronhookClient({ baseUrl: "http://cronhook.internal", token, fetch: async (req) => app.fetch(req) });
  const plan = await planAgainst(client, file, false);
  const result = await executePlan(client, plan, file);
  if (result.failed.length) {
    const lines = result.failed.map((f) => {
      const extra = f.errors.map((e) => `${e.path}: ${e.message}`).filter((t) => !f.detail.includes(t));
      return `${f.id}: ${f.detail}${extra.length ? ` [${extra.join("; ")}]` : ""}`;
    });
    throw new ConfigError(`--jobs ${path}: ${result.failed.length} job(s) refused: ${lines.join("; ")}`);
  }
  return { created: result.created.length, changed: result.changed.length, unchanged: plan.unchanged.length };
}
