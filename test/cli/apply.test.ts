// `cronhook apply`: plans (create, change, prune, no-op), dry runs, refusals and the JSON shape, against a real server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, startServer, type TestServer } from "./helpers.ts";

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), "cronhook-apply-"));

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function file(text: string, ext = "yaml"): string {
  const p = join(dir, `jobs-${++n}.${ext}`);
  writeFileSync(p, text);
  return p;
}

const apply = (...args: string[]) => cli(["apply", "--server", server.url, ...args]);
const api = async (path: string) => (await fetch(server.url + path)).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Each describe uses its own group names, so the tests share one server without seeing each other's jobs.
describe("apply", () => {
  const v1 = `jobs:
  - id: rep-a
    name: reports
    trigger: { type: cron, expr: "0 0 2 * * *", timezone: Asia/Shanghai }
    target: { url: "https://example.test/a", method: POST, headers: { content-type: application/json }, body: '{"x":1}' }
  - id: rep-b
    name: reports
    labels: { team: qa }
    trigger: { type: interval, every: 90s }
    target: { url: "https://example.test/b", retry: { maxAttempts: 3 } }
  - id: rep-c
    name: reports
    trigger: { type: date, at: "2030-01-01T08:00:00+08:00" }
    target: { url: "https://example.test/c" }
    startAt: "2029-01-01T00:00:00+01:00"
`;

  test("creates the jobs of a file and prints a + line for each", async () => {
    const r = await apply("-f", file(v1));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ rep-a (reports)");
    expect(r.stdout).toContain("+ rep-b (reports)");
    expect(r.stdout).toContain("+ rep-c (reports)");
    expect(r.stdout).toContain("Applied: 3 created, 0 changed, 0 deleted.");
    const page = await api("/v1/jobs?name=reports");
    expect(page.items.map((j: { id: string }) => j.id)).toEqual(["rep-a", "rep-b", "rep-c"]);
  });

  test("applying the same file twice changes nothing and says so", async () => {
    const p = file(v1);
    const before = await api("/v1/jobs/rep-b");
    const r = await apply("-f", p);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes: 3 jobs already up to date");
    expect(r.stdout).not.toContain("Applied");
    const after = await api("/v1/jobs/rep-b");
    expect(after.version).toBe(before.version);
    expect(after.updatedAt).toBe(before.updatedAt);
  });

  test("the same jobs written as JSON, with instants in another offset, are no change either", async () => {
    const json = {
      jobs: [
        { id: "rep-a", name: "reports", trigger: { type: "cron", expr: "0 0 2 * * *", timezone: "Asia/Shanghai" }, target: { url: "https://example.test/a", method: "POST", headers: { "content-type": "application/json" }, body: '{"x":1}' } },
        { id: "rep-b", name: "reports", labels: { team: "qa" }, trigger: { type: "interval", every: "90s" }, target: { url: "https://example.test/b", retry: { maxAttempts: 3, backoffMs: 1000 } } },
        { id: "rep-c", name: "reports", trigger: { type: "date", at: "2030-01-01T00:00:00Z" }, target: { url: "https://example.test/c", method: "GET", timeoutMs: 30000 }, startAt: "2028-12-31T23:00:00.000Z" },
      ],
    };
    const r = await apply("-f", file(JSON.stringify(json), "json"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes");
  });

  test("a changed file shows ~ with each changed field, server value -> file value, and applies it", async () => {
    const v2 = v1.replace("team: qa", "team: ops").replace("every: 90s", "every: 2m").replace(`body: '{"x":1}'`, `body: '{"x":2}'`);
    const r = await apply("-f", file(v2));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("~ rep-a (reports)");
    expect(r.stdout).toContain(`target.body: "{\\"x\\":1}" -> "{\\"x\\":2}"`);
    expect(r.stdout).toContain("~ rep-b (reports)");
    expect(r.stdout).toContain(`labels.team: "qa" -> "ops"`);
    expect(r.stdout).toContain(`trigger.every: "90s" -> "2m"`);
    expect(r.stdout).not.toContain("rep-c");
    expect(r.stdout).toContain("Plan: 0 to create, 2 to change, 0 to delete, 1 unchanged.");
    expect((await api("/v1/jobs/rep-b")).labels).toEqual({ team: "ops" });
    expect((await apply("-f", file(v2))).stdout).toContain("No changes");
  });

  test("a field left out of the file counts as its default, so a value set elsewhere is a change", async () => {
    await fetch(`${server.url}/v1/jobs/rep-c`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "set by hand", jitterMs: 500 }),
    });
    const r = await apply("-f", file(v1), "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("~ rep-c (reports)");
    expect(r.stdout).toContain(`description: "set by hand" -> null`);
    expect(r.stdout).toContain("jitterMs: 500 -> 0");
  });

  test("--dry-run prints the plan and changes nothing", async () => {
    const before = await api("/v1/jobs/rep-c");
    const r = await apply("-f", file(v1), "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Dry run: nothing was changed.");
    expect(r.stdout).not.toContain("Applied");
    expect((await api("/v1/jobs/rep-c")).version).toBe(before.version);
  });
});

describe("apply --prune", () => {
  test("deletes only jobs absent from the file that share a group with a job in it", async () => {
    const first = `jobs:
  - { id: p-1, name: etl, trigger: { type: cron, expr: "0 3 * * *" }, target: { url: "https://example.test/1" } }
  - { id: p-2, name: etl, trigger: { type: cron, expr: "0 4 * * *" }, target: { url: "https://example.test/2" } }
  - { id: p-3, name: billing, trigger: { type: cron, expr: "0 5 * * *" }, target: { url: "https://example.test/3" } }
`;
    expect((await apply("-f", file(first))).code).toBe(0);
    // Another team's job in a group this file does not mention.
    const other = file(`jobs:\n  - { id: p-other, name: marketing, trigger: { type: cron, expr: "0 6 * * *" }, target: { url: "https://example.test/o" } }\n`);
    expect((await apply("-f", other)).code).toBe(0);

    // p-2 leaves the file; etl and billing stay owned by it.
    const second = first.replace(/ {2}- \{ id: p-2.*\n/, "");
    const kept = await apply("-f", file(second));
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain("No changes");
    expect(kept.stdout).toContain("1 job of these groups not in the file, kept: p-2 (--prune deletes them).");
    expect((await fetch(`${server.url}/v1/jobs/p-2`)).status).toBe(200);

    const dry = await apply("-f", file(second), "--prune", "--dry-run");
    expect(dry.stdout).toContain("- p-2 (etl)");
    expect((await fetch(`${server.url}/v1/jobs/p-2`)).status).toBe(200);

    const pruned = await apply("-f", file(second), "--prune");
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain("- p-2 (etl)");
    expect(pruned.stdout).not.toContain("p-other");
    expect(pruned.stdout).toContain("Applied: 0 created, 0 changed, 1 deleted.");
    expect((await fetch(`${server.url}/v1/jobs/p-2`)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/jobs/p-other`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/jobs/p-1`)).status).toBe(200);

    const again = await apply("-f", file(second), "--prune");
    expect(again.stdout).toContain("No changes: 2 jobs already up to date");
  });
});

describe("apply semantics", () => {
  test("a job paused on the server stays paused when the file does not say state, and is no change", async () => {
    const p = file(`jobs:\n  - { id: s-1, name: states, trigger: { type: cron, expr: "0 3 * * *" }, target: { url: "https://example.test/s" } }\n`);
    expect((await apply("-f", p)).code).toBe(0);
    await fetch(`${server.url}/v1/jobs/s-1/pause`, { method: "POST" });
    const r = await apply("-f", p);
    expect(r.stdout).toContain("No changes");
    expect((await api("/v1/jobs/s-1")).state).toBe("paused");
    const active = await apply("-f", file(`jobs:\n  - { id: s-1, name: states, state: active, trigger: { type: cron, expr: "0 3 * * *" }, target: { url: "https://example.test/s" } }\n`));
    expect(active.stdout).toContain(`state: "paused" -> "active"`);
    expect((await api("/v1/jobs/s-1")).state).toBe("active");
  });

  test("a fields (APScheduler) trigger given with numbers, which the server echoes as text, is no change on the second apply", async () => {
    const p = file(`jobs:\n  - { id: aps-1, name: aps, trigger: { type: fields, day_of_week: mon-fri, hour: 3, minute: 30, timezone: Europe/Berlin }, target: { url: "https://example.test/a" } }\n`);
    expect((await apply("-f", p)).stdout).toContain("+ aps-1 (aps)");
    expect((await apply("-f", p)).stdout).toContain("No changes");
    const moved = await apply("-f", file(`jobs:\n  - { id: aps-1, name: aps, trigger: { type: fields, day_of_week: mon-fri, hour: 4, minute: 30 }, target: { url: "https://example.test/a" } }\n`), "--dry-run");
    expect(moved.stdout).toContain(`trigger.hour: "3" -> 4`);
    expect(moved.stdout).toContain(`trigger.timezone: "Europe/Berlin" -> "UTC"`);
  });

  test("reads the file from standard input with -f -", async () => {
    const r = await cli(["apply", "--server", server.url, "-f", "-"], {
      stdin: `jobs:\n  - { id: stdin-1, name: stdin, trigger: { type: interval, every: 1h }, target: { url: "https://example.test/i" } }\n`,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ stdin-1 (stdin)");
  });

  test("a job the server refuses fails the command (exit 1) with the server's detail; the other jobs are applied", async () => {
    const r = await apply(
      "-f",
      file(`jobs:
  - { id: bad-1, name: refuse, trigger: { type: cron, expr: "61 * * * *" }, target: { url: "https://example.test/x" } }
  - { id: ok-1, name: refuse, trigger: { type: cron, expr: "0 * * * *" }, target: { url: "https://example.test/y" } }
`),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("create bad-1 failed: trigger.expr");
    expect(r.stderr).toContain("(validation_failed, HTTP 400)");
    expect(r.stdout).toContain("Applied: 1 created, 0 changed, 0 deleted, 1 failed.");
    expect((await fetch(`${server.url}/v1/jobs/ok-1`)).status).toBe(200);
  });

  test("a misspelt field, a missing id or a malformed file is a usage error (exit 2) and nothing is sent", async () => {
    const typo = await apply("-f", file(`jobs:\n  - { id: t-1, trigger: { type: cron, expr: "0 * * * *" }, target: { url: "https://example.test/t", timeout: 5 } }\n`));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`jobs[0] (t-1): unknown field "target.timeout"`);
    const noId = await apply("-f", file(`jobs:\n  - { trigger: { type: cron, expr: "0 * * * *" }, target: { url: "https://example.test/t" } }\n`));
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain(`"id" is required`);
    const bad = await apply("-f", file(`{"jobs": [`, "json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not valid JSON");
    const badYaml = await apply("-f", file("jobs:\n  - id: y-1\n   trigger: { type: cron }\n"));
    expect(badYaml.code).toBe(2);
    expect(badYaml.stderr).toMatch(/not valid YAML: .* at line 3, column \d+/);
    const missing = await apply("-f", join(dir, "nope.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
    expect((await fetch(`${server.url}/v1/jobs/t-1`)).status).toBe(404);
  });

  test("--json prints the plan and the outcome", async () => {
    const p = file(`jobs:
  - { id: j-1, name: jsonplan, trigger: { type: cron, expr: "0 3 * * *" }, target: { url: "https://example.test/1" } }
  - { id: j-2, name: jsonplan, trigger: { type: cron, expr: "0 4 * * *" }, target: { url: "https://example.test/2" } }
`);
    const first = await apply("-f", p, "--json");
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    expect(a).toEqual({
      file: p,
      server: server.url,
      dryRun: false,
      prune: false,
      changes: [
        { action: "create", id: "j-1", name: "jsonplan", fields: [] },
        { action: "create", id: "j-2", name: "jsonplan", fields: [] },
      ],
      unchanged: [],
      notInFile: [],
      applied: { created: ["j-1", "j-2"], changed: [], deleted: [] },
      failed: [],
    });
    const changed = file(`jobs:\n  - { id: j-1, name: jsonplan, trigger: { type: cron, expr: "0 5 * * *" }, target: { url: "https://example.test/1" } }\n`);
    const b = JSON.parse((await apply("-f", changed, "--json", "--dry-run", "--prune")).stdout);
    expect(b.dryRun).toBe(true);
    expect(b.applied).toBeNull();
    expect(b.changes).toEqual([
      { action: "change", id: "j-1", name: "jsonplan", fields: [{ path: "trigger.expr", from: "0 3 * * *", to: "0 5 * * *" }] },
      { action: "delete", id: "j-2", name: "jsonplan", fields: [] },
    ]);
    const c = JSON.parse((await apply("-f", p, "--json")).stdout);
    expect(c.changes).toEqual([]);
    expect(c.unchanged).toEqual(["j-1", "j-2"]);
    expect(c.applied).toBeNull();
  });
});
