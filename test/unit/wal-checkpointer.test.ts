// The WAL checkpointer thread: a server's store checkpoints its local file from a thread of its own, with the main
// connection's automatic checkpoints off; without it (tests, one-shot commands) SQLite's own stay on. Real files.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { until } from "../helpers/runtime.ts";

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(checkpointer: boolean): Promise<{ store: Store; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), "cronhook-wal-"));
  dirs.push(dir);
  const file = join(dir, "db.sqlite");
  const store = await Store.open({ url: `file:${file}`, checkpointer });
  stores.push(store);
  await store.migrate(Date.now());
  return { store, file };
}

const autocheckpoint = async (s: Store) => Number((await s.client.execute("PRAGMA wal_autocheckpoint")).rows[0]![0]);

test("with the checkpointer, the main connection never checkpoints and the thread copies the WAL into the file", async () => {
  const { store, file } = await open(true);
  expect(await autocheckpoint(store)).toBe(0);
  const before = statSync(file).size;
  // About 4 MB through the WAL: SQLite's own threshold (1000 pages) would have checkpointed on this connection.
  const blob = "x".repeat(4000);
  for (let i = 0; i < 10; i++) {
    await store.client.execute({ sql: "INSERT INTO settings (key, value, updated_at) SELECT 'k' || ? || '-' || value, ?, 0 FROM json_each(?)", args: [i, blob, JSON.stringify(Array.from({ length: 100 }, (_, j) => j))] });
  }
  const stats = await until(async () => {
    const st = store.checkpointStats();
    return st && st.frames > 500 ? st : null;
  }, 5000, "the checkpointer to copy the WAL");
  expect(stats.running).toBe(true);
  expect(stats.failures).toBe(0);
  expect(statSync(file).size).toBeGreaterThan(before + 3_000_000);
});

test("without it, SQLite's automatic checkpoints stay on and there is no thread", async () => {
  const { store } = await open(false);
  expect(await autocheckpoint(store)).toBe(1000);
  expect(store.checkpointStats()).toBeNull();
});

test(":memory: has no WAL and no checkpointer", async () => {
  const store = await Store.open({ url: ":memory:", checkpointer: true });
  stores.push(store);
  expect(store.checkpointStats()).toBeNull();
  expect(store.checkpointerError).toBeNull();
});
