// Applies the embedded migrations in order, each once, recording them in __cronhook_migrations.
import type { Client } from "@libsql/client";
import { MIGRATIONS } from "./migrations.ts";
import { withBusyRetry } from "./client.ts";

export async function migrate(client: Client, now: number): Promise<string[]> {
  await withBusyRetry(() =>
    client.execute("CREATE TABLE IF NOT EXISTS __cronhook_migrations (tag TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"),
  );
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    const done = await client.execute({ sql: "SELECT 1 FROM __cronhook_migrations WHERE tag = ?", args: [m.tag] });
    if (done.rows.length > 0) continue;
    const statements = m.sql
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    // One write batch = one transaction: a migration applies whole or not at all. The insert of the tag is
    // part of it, so two instances starting together cannot both apply it (the loser's batch fails on the PK).
    try {
      await withBusyRetry(() =>
        client.batch(
          [...statements, { sql: "INSERT INTO __cronhook_migrations (tag, applied_at) VALUES (?, ?)", args: [m.tag, now] }],
          "write",
        ),
      );
      applied.push(m.tag);
    } catch (err) {
      const again = await client.execute({ sql: "SELECT 1 FROM __cronhook_migrations WHERE tag = ?", args: [m.tag] });
      if (again.rows.length === 0) throw err; // a real failure, not a peer that got there first
    }
  }
  return applied;
}

export async function isMigrated(client: Client): Promise<boolean> {
  try {
    const r = await client.execute("SELECT tag FROM __cronhook_migrations");
    const have = new Set(r.rows.map((row) => String(row.tag)));
    return MIGRATIONS.every((m) => have.has(m.tag));
  } catch {
    return false;
  }
}
