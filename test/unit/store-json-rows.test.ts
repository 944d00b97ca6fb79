// Job and run rows read and written as one JSON array per row (store/mapping.ts jsonRowCodec) keep every value exactly.
import { expect, test } from "bun:test";
import { getTableColumns } from "drizzle-orm";
import { type JobRow, type NewJobRow } from "../../src/store/store.ts";
import { ROW_T, jobRow, memoryStorePerTest } from "../helpers/store.ts";
import { jobs, runs } from "../../src/store/schema.ts";

const store = memoryStorePerTest();
const T = ROW_T;
const job = jobRow;

test("a job row with awkward text and large numbers reads back unchanged from getJob and listJobs", async () => {
  const row = job("ünï/cødé \"quoted\" \\ back\nline 🎉", {
    name: "g'1",
    description: 'tab\there, a "quote", a NUL-free \u2028 separator and 中文',
    labels: JSON.stringify({ "k:1": "v\"2", emoji: "🎉" }),
    startAt: 0,
    endAt: 8_640_000_000_000_000,
    maxRuns: 1_000_000_000,
    jitterMs: 3_600_000,
    state: "paused",
    pausedReason: "maintenance 'window'",
    nextFireAt: null,
    lastFireAt: T - 1,
    runCount: 123_456_789,
    version: 42,
    claimId: "i:1:x:9",
  });
  expect(await store().insertJob(row)).toBe(true);
  expect(await store().getJob(row.id)).toEqual(row);
  expect(await store().listJobs({ limit: 10 })).toEqual([row]);
  expect(await store().listJobs({ limit: 10, name: "g'1", state: "paused", labels: [{ key: "k:1", value: 'v"2' }], q: "中文" })).toEqual([row]);
  expect(await store().getJob("absent")).toBeNull();
});

test("every schema column is read, with its drizzle key", async () => {
  await store().insertJob(job("a"));
  const got = (await store().getJob("a"))!;
  expect(Object.keys(got).sort()).toEqual(Object.keys(getTableColumns(jobs)).sort());
});

test("an insert without the columns that have defaults takes the schema defaults, as drizzle's insert did", async () => {
  const { runCount, version, jitterMs, labels, misfirePolicy, overlap, shard, claimId, ...rest } = job("d");
  void [runCount, version, jitterMs, labels, misfirePolicy, overlap, shard, claimId];
  expect(await store().insertJob(rest as NewJobRow)).toBe(true);
  expect(await store().getJob("d")).toMatchObject({ runCount: 0, version: 1, jitterMs: 0, labels: "{}", misfirePolicy: "once", overlap: "skip", shard: 0, claimId: null });
});

test("concurrent inserts share a commit; a taken id, also within one batch, answers false", async () => {
  expect(await store().insertJob(job("taken"))).toBe(true);
  const results = await Promise.all([job("n1"), job("taken"), job("n2"), job("n1")].map((r) => store().insertJob(r)));
  expect(results).toEqual([true, false, true, false]);
  expect((await store().listJobs({ limit: 10 })).map((r) => r.id)).toEqual(["n1", "n2", "taken"]);
});

test("listJobs pages in id order after a cursor", async () => {
  await Promise.all(["c", "a", "e", "b", "d"].map((id) => store().insertJob(job(id))));
  expect((await store().listJobs({ limit: 2 })).map((r) => r.id)).toEqual(["a", "b"]);
  expect((await store().listJobs({ limit: 2, afterId: "b" })).map((r) => r.id)).toEqual(["c", "d"]);
  expect((await store().listJobs({ limit: 2, afterId: "e" })).map((r) => r.id)).toEqual([]);
});

test("run rows read back unchanged from listRuns, newest id first, with every schema column", async () => {
  const a = { id: "0001", jobId: "j", jobName: "g", trigger: "manual", scheduledAt: T, status: "succeeded", attempts: 2, startedAt: T + 1, finishedAt: T + 2, httpStatus: 200, durationMs: 1, response: 'body "with" quotes\n', error: null, instanceId: "host-a", leaseToken: 7 };
  const b = { id: "0002", jobId: "j", jobName: "g", trigger: "schedule", scheduledAt: T + 5, status: "pending", attempts: 0, leaseToken: null };
  await store().insertRun(a);
  await store().insertRun(b);
  const got = await store().listRuns({ limit: 10 });
  expect(got.map((r) => r.id)).toEqual(["0002", "0001"]);
  expect(got[1]).toMatchObject(a);
  expect(got[0]).toMatchObject({ ...b, startedAt: null, finishedAt: null, httpStatus: null, response: null, error: null, instanceId: null });
  expect(Object.keys(got[0]!).sort()).toEqual(Object.keys(getTableColumns(runs)).sort());
  expect((await store().listRuns({ limit: 10, jobId: "j", status: "succeeded", from: T, to: T + 1, beforeId: "0002" })).map((r) => r.id)).toEqual(["0001"]);
});
