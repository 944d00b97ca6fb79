// `serve --jobs FILE`: loads a jobs file into the starting server through its own API in-process (PUT semantics, no prune).
import { ConfigError } from "../config/config.ts";
import { createCronhookClient } from "../client/index.ts";
import { JobsFileError, readJobsFile } from "./jobs-file.ts";

export interface LoadedJobs {
  /** Jobs that did not exist (201). */
  created: number;
  /** Jobs that existed (200): replaced, or left as they were when the file matches them (the server keeps their version). */
  existing: number;
}

/**
 * Sends `PUT /v1/jobs/{id}` for every job of the file to the app's own routes (no socket), so
 * the file gets exactly the validation and semantics of `cronhook apply` without its plan: at
 * start the plan's reads would only cost time, and PUT of an unchanged job changes nothing.
 * Any refusal is a ConfigError naming the job and the field: the server does not start on a bad file.
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
  const loaded: LoadedJobs = { created: 0, existing: 0 };
  const refused: string[] = [];
  for (const { id, spec } of file) {
    const { error, response } = await client.PUT("/v1/jobs/{id}", { params: { path: { id } }, body: spec });
    if (response.status === 201) loaded.created++;
    else if (response.ok) loaded.existing++;
    else {
      const detail = error?.detail ?? `HTTP ${response.status}`;
      const extra = (error?.errors ?? []).map((e) => `${e.path}: ${e.message}`).filter((t) => !detail.includes(t));
      refused.push(`${id}: ${detail}${extra.length ? ` [${extra.join("; ")}]` : ""}`);
    }
  }
  if (refused.length) throw new ConfigError(`--jobs ${path}: ${refused.length} job(s) refused: ${refused.join("; ")}`);
  return loaded;
}
