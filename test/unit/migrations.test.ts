// The embedded migrations match drizzle/ (files and journal order), and applying them is idempotent.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { Store } from "../../src/store/store.ts";

const DRIZZLE = join(import.meta.dir, "../../drizzle");
const NOW = Date.parse("2026-01-01T00:00:00Z");

interface Journal {
  entries: { idx: number; tag: string }[];
}
const journal = JSON.parse(readFileSync(join(DRIZZLE, "meta/_journal.json"), "utf8")) as Journal;
const journalTags = [...journal.entries].sort((a, b) => a.idx - b.idx).map((e) => e.tag);
const sqlFiles = readdirSync(DRIZZLE)
  .filter((f) => f.endsWith(".sql"))
  .sort();

describe("embedded migrations", () => {
  test("the journal lists at least one migration and its indexes run 0..n-1", () => {
    expect(journalTags.length).toBeGreaterThan(0);
    expect([...journal.entries].sort((a, b) => a.idx - b.idx).map((e) => e.idx)).toEqual(journalTags.map((_, i) => i));
  });

  test("MIGRATIONS holds every journal entry, in journal order", () => {
    expect(MIGRATIONS.map((m) => m.tag)).toEqual(journalTags);
  });

  test("every drizzle/*.sql file is a journal entry and embedded in MIGRATIONS", () => {
    const fileTags = sqlFiles.map((f) => f.replace(/\.sql$/, ""));
    expect(fileTags).toEqual([...journalTags].sort());
    const embedded = new Set(MIGRATIONS.map((m) => m.tag));
    for (const t of fileTags) expect(embedded.has(t)).toBe(true);
  });

  test("each embedded migration is the text of its drizzle/*.sql file", () => {
    for (const m of MIGRATIONS) {
      expect(m.sql).toBe(readFileSync(join(DRIZZLE, `${m.tag}.sql`), "utf8"));
    }
  });
});

describe("migrate", () => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open({ url: ":memory:" });
  });
  afterEach(() => store.close());

  async function schema(): Promise<string[]> {
    const r = await store.client.execute("SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS s FROM sqlite_master ORDER BY type, name");
    return r.rows.map((x) => String(x.s));
  }

  test("a fresh database is not migrated", async () => {
    expect(await store.isMigrated()).toBe(false);
  });

  test("the first migrate applies every migration in order and isMigrated is then true", async () => {
    expect(await store.migrate(NOW)).toEqual(journalTags);
    expect(await store.isMigrated()).toBe(true);
    const r = await store.client.execute("SELECT tag, applied_at FROM __cronhook_migrations ORDER BY tag");
    expect(r.rows.map((x) => String(x.tag))).toEqual([...journalTags].sort());
    expect(r.rows.every((x) => Number(x.applied_at) === NOW)).toBe(true);
    const names = (await schema()).join("\n");
    for (const table of ["jobs", "runs", "leases", "instances", "settings"]) expect(names).toContain(`table ${table} `);
  });

  test("migrating twice is a no-op: nothing applied, schema and data unchanged", async () => {
    await store.migrate(NOW);
    await store.acquireLease("scheduler", "A", NOW, 3000);
    const before = await schema();
    expect(await store.migrate(NOW + 1000)).toEqual([]);
    expect(await schema()).toEqual(before);
    expect(await store.getLease("scheduler")).toMatchObject({ holder: "A", token: 1 });
    const r = await store.client.execute("SELECT applied_at FROM __cronhook_migrations");
    expect(r.rows.every((x) => Number(x.applied_at) === NOW)).toBe(true);
    expect(await store.isMigrated()).toBe(true);
  });

  test("two stores migrating one database file at the same time both end migrated, each migration applied once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cronhook-mig-"));
    const url = `file:${join(dir, "m.db")}`;
    const a = await Store.open({ url });
    const b = await Store.open({ url });
    try {
      const [ra, rb] = await Promise.all([a.migrate(NOW), b.migrate(NOW)]);
      expect([...ra, ...rb].sort()).toEqual([...journalTags].sort());
      expect(await a.isMigrated()).toBe(true);
      expect(await b.isMigrated()).toBe(true);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
