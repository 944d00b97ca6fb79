// Reads a jobs file (YAML or JSON: `jobs: [ {id, ...job as POST /v1/jobs takes it} ]`) for `apply` and `serve --jobs`.
import type { JobSpec } from "../client/index.ts";

export interface FileJob {
  id: string;
  /** The entry without its id: the body PUT /v1/jobs/{id} takes. */
  spec: JobSpec;
}

/** A file that cannot be read or does not have the jobs-file shape; the message names the file and the entry. */
export class JobsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobsFileError";
  }
}

// The properties of JobCreate and TargetInput in the OpenAPI document (a test keeps these lists in step with it).
// Checked here so that a misspelt field is an error instead of a silent "no changes".
export const JOB_FIELDS = ["id", "name", "description", "labels", "trigger", "target", "state", "startAt", "endAt", "maxRuns", "jitterMs", "misfire", "overlap"] as const;
export const TARGET_FIELDS = ["url", "method", "headers", "body", "timeoutMs", "retry", "successStatus"] as const;

/** Reads and checks a jobs file; `-` reads standard input. */
export async function readJobsFile(path: string, stdin: () => Promise<string> = () => Bun.stdin.text()): Promise<FileJob[]> {
  let text: string;
  try {
    text = path === "-" ? await stdin() : await Bun.file(path).text();
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new JobsFileError(`${path}: ${code === "ENOENT" ? "no such file" : err instanceof Error ? err.message : String(err)}`);
  }
  return parseJobsText(text, path);
}

/**
 * A JSON (by extension) or YAML document. YAML goes through Bun's built-in parser (about 0.5 ms
 * against 15 ms for loading and running the `yaml` package, which counts at `serve --jobs` start);
 * only when it fails is `yaml` loaded, for a message with the line and column.
 */
export async function parseDocument(text: string, name: string): Promise<unknown> {
  if (/\.json$/i.test(name)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new JobsFileError(`${name}: not valid JSON: ${firstLine(err)}`);
    }
  }
  try {
    return Bun.YAML.parse(text);
  } catch (err) {
    let detail = firstLine(err);
    try {
      const { parseDocument: yamlDocument } = await import("yaml");
      const e = yamlDocument(text, { prettyErrors: true }).errors[0];
      if (e) detail = firstLine(e);
    } catch {}
    throw new JobsFileError(`${name}: not valid YAML: ${detail}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
}

/** Checks one job entry's shape; `where` prefixes every message. The server checks the values. */
export function checkJob(entry: unknown, where: string, requireId: boolean): { id: string | undefined; spec: JobSpec } {
  if (!isObject(entry)) throw new JobsFileError(`${where}: must be a mapping (a job)`);
  const { id, ...spec } = entry;
  if (id !== undefined || requireId) {
    if (typeof id !== "string" || id.trim() === "")
      throw new JobsFileError(`${where}: "id" ${requireId ? "is required (a non-empty string); apply matches jobs by id" : "must be a non-empty string"}`);
    where = `${where} (${id})`;
  }
  for (const k of Object.keys(spec))
    if (!(JOB_FIELDS as readonly string[]).includes(k)) throw new JobsFileError(`${where}: unknown field ${JSON.stringify(k)} (known: ${JOB_FIELDS.join(", ")})`);
  if (!isObject(spec.trigger)) throw new JobsFileError(`${where}: "trigger" is required (e.g. { type: cron, expr: "0 * * * *" })`);
  if (!isObject(spec.target)) throw new JobsFileError(`${where}: "target" is required (e.g. { url: "https://example.test/hook" })`);
  for (const k of Object.keys(spec.target))
    if (!(TARGET_FIELDS as readonly string[]).includes(k))
      throw new JobsFileError(`${where}: unknown field "target.${k}" (known: ${TARGET_FIELDS.join(", ")})`);
  return { id: id as string | undefined, spec: spec as unknown as JobSpec };
}

export async function parseJobsText(text: string, name: string): Promise<FileJob[]> {
  const doc = await parseDocument(text, name);
  if (!isObject(doc) || !("jobs" in doc)) throw new JobsFileError(`${name}: expected a document with a "jobs" list at the top`);
  const extra = Object.keys(doc).filter((k) => k !== "jobs");
  if (extra.length) throw new JobsFileError(`${name}: unknown top-level field ${JSON.stringify(extra[0])} (only "jobs" is read)`);
  const jobs = doc.jobs;
  if (jobs === null) return [];
  if (!Array.isArray(jobs)) throw new JobsFileError(`${name}: "jobs" must be a list`);
  const seen = new Set<string>();
  return jobs.map((entry, i) => {
    const { id, spec } = checkJob(entry, `${name}: jobs[${i}]`, true);
    if (seen.has(id!)) throw new JobsFileError(`${name}: jobs[${i}] (${id}): duplicate id`);
    seen.add(id!);
    return { id: id!, spec };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
