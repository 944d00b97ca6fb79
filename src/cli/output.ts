// Human output for the client commands: aligned tables, key/value blocks, short times; and the JSON printer.
import type { Job, Run, SchedulerStatus } from "../client/index.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const consoleIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export function keyValues(pairs: [string, string][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${(k + ":").padEnd(w + 1)}  ${v}`).join("\n");
}

/** ISO instant without milliseconds, or "-". */
export function time(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace(/\.\d+Z$/, "Z");
}

export function triggerText(t: Job["trigger"]): string {
  switch (t.type) {
    case "cron":
      return `cron "${t.expr}"${t.timezone && t.timezone !== "UTC" ? ` ${t.timezone}` : ""}`;
    case "interval":
      return `every ${t.every}`;
    case "date":
      return `at ${time(t.at)}`;
    default: {
      // A trigger type added to the API after this CLI (e.g. APScheduler fields): its plain fields as k=v.
      const { type, timezone, ...rest } = t as { type: string; timezone?: unknown } & Record<string, unknown>;
      const fields = Object.entries(rest)
        .filter(([, v]) => typeof v === "string" || typeof v === "number")
        .map(([k, v]) => `${k}=${v}`);
      return [type, ...fields, ...(typeof timezone === "string" && timezone !== "UTC" ? [timezone] : [])].join(" ");
    }
  }
}

export function jobsTable(jobs: Job[]): string {
  return table(
    ["ID", "NAME", "STATE", "TRIGGER", "NEXT FIRE", "LAST FIRE", "RUNS"],
    jobs.map((j) => [j.id, j.name, j.state, triggerText(j.trigger), time(j.nextFireAt), time(j.lastFireAt), String(j.runCount)]),
  );
}

export function jobDetail(j: Job): string {
  const pairs: [string, string][] = [
    ["id", j.id],
    ["name", j.name],
    ["state", j.state + (j.pausedReason ? ` (${j.pausedReason})` : "")],
    ["trigger", triggerText(j.trigger)],
    ["target", `${j.target.method} ${j.target.url}`],
    ["next fire", time(j.nextFireAt)],
    ["last fire", time(j.lastFireAt)],
    ["runs", String(j.runCount)],
    ["version", String(j.version)],
  ];
  if (j.description) pairs.splice(2, 0, ["description", j.description]);
  const labels = Object.entries(j.labels);
  if (labels.length) pairs.push(["labels", labels.map(([k, v]) => `${k}=${v}`).join(", ")]);
  return keyValues(pairs);
}

export function runsTable(runs: Run[]): string {
  return table(
    ["ID", "JOB", "TRIGGER", "SCHEDULED", "STATUS", "HTTP", "MS", "ATTEMPTS"],
    runs.map((r) => [
      r.id,
      r.jobId,
      r.trigger,
      time(r.scheduledAt),
      r.status,
      r.httpStatus === null ? "-" : String(r.httpStatus),
      r.durationMs === null ? "-" : String(r.durationMs),
      String(r.attempts),
    ]),
  );
}

export function runDetail(r: Run): string {
  const pairs: [string, string][] = [
    ["id", r.id],
    ["job", `${r.jobId} (${r.jobName})`],
    ["trigger", r.trigger],
    ["status", r.status],
    ["scheduled", time(r.scheduledAt)],
    ["started", time(r.startedAt)],
    ["finished", time(r.finishedAt)],
    ["attempts", String(r.attempts)],
    ["http status", r.httpStatus === null ? "-" : String(r.httpStatus)],
    ["duration", r.durationMs === null ? "-" : `${r.durationMs} ms`],
  ];
  if (r.error) pairs.push(["error", r.error]);
  if (r.response) pairs.push(["response", oneLine(r.response, 200)]);
  if (r.instanceId) pairs.push(["instance", r.instanceId]);
  return keyValues(pairs);
}

export function schedulerDetail(s: SchedulerStatus): string {
  return keyValues([
    ["state", s.state],
    ["instance", `${s.instanceId}${s.isLeader ? " (leader)" : ""}`],
    ["leader", s.leader ? `${s.leader.instanceId} until ${time(s.leader.expiresAt)}` : "none"],
    ...(s.shards.length > 1 ? [["shards", s.shards.map((x) => `${x.shard}: ${x.leader?.instanceId ?? "none"}`).join(", ")] as [string, string]] : []),
    ["next wakeup", time(s.nextWakeupAt)],
    ["jobs", `${s.jobs.active} active, ${s.jobs.paused} paused, ${s.jobs.completed} completed`],
    ["in flight", String(s.inFlight)],
    ["version", s.version],
    ["instances", s.instances.map((i) => i.instanceId).join(", ") || "-"],
  ]);
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
