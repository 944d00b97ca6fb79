// Run history statements of the store on a real libSQL database.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { Store } from "../../src/store/store.ts";

let store: Store;
beforeEach(async () => {
  store = await Store.open({ url: ":memory:" });
  await store.migrate(0);
  const rows: [string, string, string, number, string][] = [
    ["r1", "a", "g1", 100, "succeeded"],
    ["r2", "a", "g1", 200, "failed"],
    ["r3", "b", "g2", 50, "succeeded"],
    ["r4", "a", "g1", 10, "pending"],
    ["r5", "b", "g2", 300, "missed"],
  ];
  for (const [id, jobId, jobName, scheduledAt, status] of rows) await store.insertRun({ id, jobId, jobName, trigger: "schedule", scheduledAt, status, attempts: 0 });
});
afterEach(() => store.close());

const ids = async () => (await store.listRuns({ limit: 50 })).map((r) => r.id).sort();

test("clearRuns with a limit deletes the oldest finished runs first and never a pending one", async () => {
  expect(await store.clearRuns({ limit: 2 })).toBe(2);
  expect(await ids()).toEqual(["r2", "r4", "r5"]); // r3 (50) and r1 (100) were the oldest finished
});

test("clearRuns filters by group name and time", async () => {
  expect(await store.clearRuns({ name: "g1", before: 150 })).toBe(1);
  expect(await ids()).toEqual(["r2", "r3", "r4", "r5"]);
  expect(await store.clearRuns({ jobId: "b" })).toBe(2);
  expect(await ids()).toEqual(["r2", "r4"]);
});
