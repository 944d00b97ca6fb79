// The label index (job_labels, kept by triggers on jobs): label filters find exactly the jobs whose labels match,
// through every write path, page by page, and for jobs that existed before the index did.
import { expect, test } from "bun:test";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { Store, type JobRow } from "../../src/store/store.ts";
import { jobRow, memoryStorePerTest } from "../helpers/store.ts";

const store = memoryStorePerTest();
const T = 1_790_000_000_000;

function job(id: string, labels: Record<string, string>, over: Partial<JobRow> = {}): JobRow {
  return jobRow(id, { labels: JSON.stringify(labels), ...over });
}

const ids = async (labels: { key: string; value: string }[], extra: { afterId?: string; limit?: number; name?: string } = {}) =>
  (await store().listJobs({ labels, limit: extra.limit ?? 100, ...extra })).map((j) => j.id);

test("a label filter finds the jobs with that label, several labels all of them, in id order", async () => {
  for (const [id, labels] of [
    ["j3", { team: "qa", env: "prod" }],
    ["j1", { team: "qa" }],
    ["j2", { team: "ops", env: "prod" }],
    ["j4", {}],
  ] as const)
    expect(await store().insertJob(job(id, labels))).toBe(true);
  expect(await ids([{ key: "team", value: "qa" }])).toEqual(["j1", "j3"]);
  expect(await ids([{ key: "env", value: "prod" }])).toEqual(["j2", "j3"]);
  expect(await ids([{ key: "team", value: "qa" }, { key: "env", value: "prod" }])).toEqual(["j3"]);
  expect(await ids([{ key: "team", value: "nobody" }])).toEqual([]);
  expect(await ids([{ key: "team", value: "qa" }], { name: "other" })).toEqual([]);
});

test("pages through a label with the id cursor", async () => {
  for (let i = 0; i < 25; i++) await store().insertJob(job(`job-${String(i).padStart(2, "0")}`, { group: i % 2 ? "odd" : "even" }));
  const page1 = await ids([{ key: "group", value: "odd" }], { limit: 5 });
  expect(page1).toEqual(["job-01", "job-03", "job-05", "job-07", "job-09"]);
  const page2 = await ids([{ key: "group", value: "odd" }], { limit: 5, afterId: page1.at(-1)! });
  expect(page2).toEqual(["job-11", "job-13", "job-15", "job-17", "job-19"]);
});

test("follows changed labels and deleted jobs; keys and values may hold quotes, dots and unicode", async () => {
  const odd = { 'a."b': "x'y", "团队": "质量" };
  await store().insertJob(job("u1", odd));
  expect(await ids([{ key: 'a."b', value: "x'y" }])).toEqual(["u1"]);
  expect(await ids([{ key: "团队", value: "质量" }])).toEqual(["u1"]);
  const row = (await store().getJob("u1"))!;
  expect(await store().updateJob("u1", row.version, { labels: JSON.stringify({ team: "qa" }), version: row.version + 1, updatedAt: T + 1 })).not.toBeNull();
  expect(await ids([{ key: "团队", value: "质量" }])).toEqual([]);
  expect(await ids([{ key: "team", value: "qa" }])).toEqual(["u1"]);
  // A write that leaves labels out of its SET (a claim, a pause) keeps them.
  await store().updateJob("u1", row.version + 1, { state: "paused", version: row.version + 2, updatedAt: T + 2 });
  expect(await ids([{ key: "team", value: "qa" }])).toEqual(["u1"]);
  await store().deleteJob("u1", T + 3);
  expect(await ids([{ key: "team", value: "qa" }])).toEqual([]);
  expect(Number((await store().client.execute("SELECT count(*) AS n FROM job_labels")).rows[0]!.n)).toBe(0);
});

test("jobs stored before the label index existed are found once the migration has run", async () => {
  const old = await Store.open({ url: ":memory:" });
  try {
    // The database as the releases before job_labels left it: the first two migrations only.
    await old.client.execute("CREATE TABLE __cronhook_migrations (tag TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const m of MIGRATIONS.slice(0, 2)) {
      for (const stmt of m.sql.split("--> statement-breakpoint").map((x) => x.trim()).filter(Boolean)) await old.client.execute(stmt);
      await old.client.execute({ sql: "INSERT INTO __cronhook_migrations (tag, applied_at) VALUES (?, 0)", args: [m.tag] });
    }
    await old.insertJob(job("before-1", { team: "qa" }));
    await old.insertJob(job("before-2", { team: "ops" }));
    expect(await old.migrate(1)).toEqual(MIGRATIONS.slice(2).map((m) => m.tag));
    expect((await old.listJobs({ labels: [{ key: "team", value: "qa" }], limit: 10 })).map((j) => j.id)).toEqual(["before-1"]);
  } finally {
    old.close();
  }
});
