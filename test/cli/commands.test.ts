// The client commands as a script sees them: exit codes, --json shapes, problem details on stderr, run --wait, --help.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { JOB_COMMANDS } from "../../src/cli/commands/jobs.ts";
import { RUN_COMMANDS } from "../../src/cli/commands/runs.ts";
import { SCHEDULER_COMMANDS } from "../../src/cli/commands/scheduler.ts";
import { TRIGGER_COMMANDS } from "../../src/cli/commands/trigger.ts";
import { startTarget, type Target } from "../helpers/target.ts";
import { cli, startServe, startServer, type TestServer } from "./helpers.ts";

let server: TestServer;
let ok: Target;
let failing: Target;
const dir = mkdtempSync(join(tmpdir(), "cronhook-cli-"));

beforeAll(async () => {
  server = await startServer();
  ok = startTarget(() => new Response("all good"));
  failing = startTarget(() => new Response("broken", { status: 500 }));
});
afterAll(async () => {
  await server.stop();
  ok.stop();
  failing.stop();
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => cli([...args, "--server", server.url]);
const json = async (...args: string[]) => {
  const r = await run(...args, "--json");
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

describe("jobs", () => {
  test("create from flags, then get, list and delete, each with its --json shape", async () => {
    const created = await json("jobs", "create", "--id", "c-1", "--name", "grp", "--url", `${ok.url}/hook`, "--cron", "0 0 1 1 *", "--tz", "Europe/Berlin", "--label", "team=qa", "--header", "X-A: 1", "--method", "post", "--body", "{}");
    expect(created).toMatchObject({
      id: "c-1",
      name: "grp",
      labels: { team: "qa" },
      trigger: { type: "cron", expr: "0 0 1 1 *", timezone: "Europe/Berlin" },
      target: { url: `${ok.url}/hook`, method: "POST", headers: { "X-A": "1" }, body: "{}" },
      state: "active",
      version: 1,
    });
    expect(await json("jobs", "get", "c-1")).toEqual(created);
    const page = await json("jobs", "list", "--name", "grp");
    expect(Object.keys(page).sort()).toEqual(["items", "nextCursor"]);
    expect(page.items).toEqual([created]);
    expect(page.nextCursor).toBeNull();

    const human = await run("jobs", "list", "--name", "grp");
    expect(human.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+STATE\s+TRIGGER\s+NEXT FIRE\s+LAST FIRE\s+RUNS$/);
    expect(human.stdout).toContain(`c-1  grp   active  cron "0 0 1 1 *" Europe/Berlin`);

    expect(await json("jobs", "delete", "c-1")).toEqual({ id: "c-1", deleted: true });
    expect((await run("jobs", "get", "c-1")).code).toBe(3);
  });

  test("create -f takes a job as YAML, pause and resume change its state", async () => {
    const f = join(dir, "one.yaml");
    writeFileSync(f, `id: f-1\ntrigger: { type: interval, every: 1h }\ntarget: { url: "${ok.url}/f" }\n`);
    expect((await run("jobs", "create", "-f", f)).code).toBe(0);
    const paused = await json("jobs", "pause", "f-1", "--reason", "maintenance");
    expect(paused.state).toBe("paused");
    expect(paused.pausedReason).toBe("maintenance");
    expect((await json("jobs", "resume", "f-1")).state).toBe("active");
    const clash = await run("jobs", "create", "-f", f, "--url", "http://x.test");
    expect(clash.code).toBe(2);
  });

  test("list pages with --limit and --cursor, and --all follows every page", async () => {
    for (const i of [1, 2, 3]) expect((await run("jobs", "create", "--id", `pg-${i}`, "--name", "paging", "--url", ok.url, "--every", "1h")).code).toBe(0);
    const first = await json("jobs", "list", "--name", "paging", "--limit", "2");
    expect(first.items.map((j: { id: string }) => j.id)).toEqual(["pg-1", "pg-2"]);
    expect(typeof first.nextCursor).toBe("string");
    const second = await json("jobs", "list", "--name", "paging", "--limit", "2", "--cursor", first.nextCursor);
    expect(second.items.map((j: { id: string }) => j.id)).toEqual(["pg-3"]);
    const all = await json("jobs", "list", "--name", "paging", "--all");
    expect(all.items).toHaveLength(3);
    expect(all.nextCursor).toBeNull();
  });
});

describe("jobs run --wait", () => {
  test("exits 0 when the run succeeds and prints the ended run", async () => {
    expect((await run("jobs", "create", "--id", "w-ok", "--url", `${ok.url}/w`, "--cron", "0 0 1 1 *")).code).toBe(0);
    const r = await run("jobs", "run", "w-ok", "--wait", "--json");
    expect(r.code).toBe(0);
    const ran = JSON.parse(r.stdout);
    expect(ran).toMatchObject({ jobId: "w-ok", trigger: "manual", status: "succeeded", httpStatus: 200, attempts: 1 });
    expect(ok.hits.some((h) => h.path === "/w")).toBe(true);
  });

  test("exits 1 when the run fails, with the run on stdout and the reason on stderr", async () => {
    expect((await run("jobs", "create", "--id", "w-bad", "--url", `${failing.url}/w`, "--cron", "0 0 1 1 *")).code).toBe(0);
    const r = await run("jobs", "run", "w-bad", "--wait", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ jobId: "w-bad", status: "failed", httpStatus: 500 });
    expect(r.stderr).toMatch(/run \S+ failed \(HTTP 500\)/);
    const human = await run("jobs", "run", "w-bad", "--wait");
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/status:\s+failed/);
  });

  test("without --wait it answers at once with the pending run; runs list and runs get show it", async () => {
    const started = await json("jobs", "run", "w-ok");
    expect(started).toMatchObject({ jobId: "w-ok", trigger: "manual" });
    const got = await json("runs", "get", started.id);
    expect(got.id).toBe(started.id);
    const page = await json("runs", "list", "--job", "w-ok");
    expect(Object.keys(page).sort()).toEqual(["items", "nextCursor"]);
    expect(page.items.some((r: { id: string }) => r.id === started.id)).toBe(true);
    expect((await run("runs", "get", "no-such-run")).code).toBe(3);
  });
});

describe("scheduler and trigger", () => {
  test("scheduler status, pause and resume print the SchedulerStatus", async () => {
    const s = await json("scheduler", "status");
    expect(s).toMatchObject({ instanceId: "cli-test", isLeader: true, state: "running" });
    expect((await json("scheduler", "pause")).state).toBe("paused");
    expect((await json("scheduler", "resume")).state).toBe("running");
  });

  test("trigger preview lists fire times; a bad expression prints the server's field error and exits 1", async () => {
    const p = await json("trigger", "preview", "0 30 9 * * MON-FRI", "--tz", "Europe/Berlin", "--count", "3", "--from", "2026-01-01T00:00:00Z");
    expect(p).toEqual({ fireTimes: ["2026-01-01T08:30:00.000Z", "2026-01-02T08:30:00.000Z", "2026-01-05T08:30:00.000Z"] });
    const human = await run("trigger", "preview", "--every", "90s", "--count", "2", "--anchor-at", "2026-01-01T00:00:00Z", "--from", "2026-01-01T00:00:00Z");
    expect(human.stdout.trim().split("\n")).toEqual(["2026-01-01T00:01:30.000Z", "2026-01-01T00:03:00.000Z"]);
    const bad = await run("trigger", "preview", "0 0 0 31 2 * *", "--tz", "Mars/Olympus");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("trigger.timezone");
    expect(bad.stderr).toMatch(/\(invalid_trigger|validation_failed, HTTP 400\)/);
  });
});

describe("exit codes", () => {
  test("2 for usage errors: unknown command, unknown flag, missing argument, bad value", async () => {
    for (const args of [["jobs", "frob"], ["jobs", "list", "--nope"], ["jobs", "get"], ["jobs", "list", "--limit", "x"], ["frob"], ["jobs"]]) {
      const r = await run(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).not.toBe("");
    }
  });

  test("3 for an unknown job, with the server's problem detail", async () => {
    const r = await run("jobs", "get", "does-not-exist");
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('cronhook: no job with id "does-not-exist" (job_not_found, HTTP 404)\n');
  });

  test("1 when the server refuses the operation (409 on an existing id)", async () => {
    expect((await run("jobs", "create", "--id", "dup", "--url", ok.url, "--every", "1h")).code).toBe(0);
    const r = await run("jobs", "create", "--id", "dup", "--url", ok.url, "--every", "1h");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("job_exists, HTTP 409");
  });

  test("4 without the right token, 0 with it; --token and CRONHOOK_TOKEN both work", async () => {
    const locked = await startServer({ apiTokens: ["s3cret-token"] });
    try {
      const none = await cli(["jobs", "list", "--server", locked.url]);
      expect(none.code).toBe(4);
      expect(none.stderr).toContain("A bearer token is required");
      expect((await cli(["jobs", "list", "--server", locked.url, "--token", "wrong"])).code).toBe(4);
      expect((await cli(["jobs", "list", "--server", locked.url, "--token", "s3cret-token"])).code).toBe(0);
      expect((await cli(["jobs", "list"], { env: { CRONHOOK_SERVER: locked.url, CRONHOOK_TOKEN: "s3cret-token" } })).code).toBe(0);
    } finally {
      await locked.stop();
    }
  });

  test("5 when the server cannot be reached", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const closed = `http://127.0.0.1:${probe.port}`;
    await probe.stop(true);
    const r = await cli(["jobs", "list", "--server", closed]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`cannot reach ${closed}`);
    expect((await cli(["scheduler", "status"], { env: { CRONHOOK_SERVER: closed } })).code).toBe(5);
  });

  test("2 for a server URL that is not http(s)", async () => {
    const r = await cli(["jobs", "list", "--server", "ftp://x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--server: must be an http:// or https:// URL");
  });
});

describe("help", () => {
  test("--help on every command prints its usage and exits 0", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
    for (const c of [...JOB_COMMANDS, ...RUN_COMMANDS, ...SCHEDULER_COMMANDS, ...TRIGGER_COMMANDS, { name: "apply" }]) {
      out.length = 0;
      const code = await runCli([...c.name.split(" "), "--help"], { io });
      expect({ name: c.name, code }).toEqual({ name: c.name, code: 0 });
      expect(out.join("\n")).toContain(`Usage: cronhook ${c.name}`);
      expect(out.join("\n")).toContain("Exit codes:");
    }
    for (const g of ["jobs", "runs", "scheduler", "trigger"]) {
      out.length = 0;
      expect(await runCli([g, "--help"], { io })).toBe(0);
      expect(out.join("\n")).toContain(`Usage: cronhook ${g} <command>`);
    }
  });

  test("the top-level, serve, migrate and openapi commands have --help too", async () => {
    for (const args of [["--help"], ["serve", "--help"], ["migrate", "--help"], ["openapi", "--help"]]) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout).toContain("Usage:");
    }
    const v = await cli(["--version"]);
    expect(v.stdout).toMatch(/^cronhook \d+\.\d+\.\d+ \(commit dev, bun \d/);
  });
});

describe("serve --jobs", () => {
  test("loads the jobs file at start (PUT semantics), and refuses to start on a job the server rejects", async () => {
    const f = join(dir, "start.yaml");
    writeFileSync(f, `jobs:\n  - { id: boot-1, name: boot, trigger: { type: cron, expr: "0 0 1 1 *" }, target: { url: "${ok.url}/b" } }\n`);
    const db = `file:${join(dir, "boot.db")}`;
    const inst = await startServe(["--db", db, "--jobs", f]);
    try {
      expect(inst.lines.some((l) => l.includes('"jobs file loaded"') && l.includes('"created":1'))).toBe(true);
      const job = await (await fetch(`${inst.url}/v1/jobs/boot-1`)).json();
      expect(job).toMatchObject({ id: "boot-1", name: "boot", state: "active", version: 1 });
      const again = await cli(["apply", "-f", f, "--server", inst.url]);
      expect(again.stdout).toContain("No changes");
    } finally {
      expect(await inst.stop()).toBe(0);
    }
    // Started again on the same database with the same file: the job is found and left as it was.
    const restarted = await startServe(["--db", db, "--jobs", f]);
    try {
      expect(restarted.lines.some((l) => l.includes('"jobs file loaded"') && l.includes('"created":0') && l.includes('"existing":1'))).toBe(true);
      expect(((await (await fetch(`${restarted.url}/v1/jobs/boot-1`)).json()) as { version: number }).version).toBe(1);
    } finally {
      expect(await restarted.stop()).toBe(0);
    }
    const bad = join(dir, "bad-start.yaml");
    writeFileSync(bad, `jobs:\n  - { id: boot-bad, trigger: { type: cron, expr: "nope" }, target: { url: "${ok.url}/b" } }\n`);
    const r = await cli(["serve", "--port", "0", "--db", ":memory:", "--jobs", bad, "--log-level", "silent"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--jobs ${bad}: 1 job(s) refused: boot-bad: trigger.expr`);
    const missing = await cli(["serve", "--port", "0", "--db", ":memory:", "--jobs", join(dir, "none.yaml"), "--log-level", "silent"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
  });
});
