// A fresh, migrated in-memory store per test, and a complete job row to insert straight into it.
import { afterEach, beforeEach } from "bun:test";
import { Store, type JobRow } from "../../src/store/store.ts";

/** Opens a migrated `:memory:` store before each test of the file and closes it after; call the result for it. */
export function memoryStorePerTest(): () => Store {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open({ url: ":memory:" });
    await store.migrate(0);
  });
  afterEach(() => store.close());
  return () => store;
}

/** The instant the rows of jobRow are created at (and due a minute after). */
export const ROW_T = 1_790_000_000_123;

/** A complete jobs row (a yearly cron job, active, due a minute after ROW_T), with `over` on top. */
export function jobRow(id: string, over: Partial<JobRow> = {}): JobRow {
  return {
    id, name: "default", description: null, labels: "{}",
    trigger: JSON.stringify({ type: "cron", expr: "0 0 1 1 *", timezone: "UTC" }),
    target: JSON.stringify({ url: "http://127.0.0.1:9/x", method: "GET", headers: {}, body: null }),
    startAt: null, endAt: null, maxRuns: null, jitterMs: 0, misfirePolicy: "once", misfireGraceMs: 10_000, overlap: "skip",
    state: "active", pausedReason: null, nextFireAt: ROW_T + 60_000, lastFireAt: null, runCount: 0, version: 1, claimId: null, shard: 0,
    createdAt: ROW_T, updatedAt: ROW_T, ...over,
  };
}
