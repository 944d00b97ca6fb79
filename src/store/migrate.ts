// Applies the embedded migrations in order, each once, recording them in __cronhook_migrations.
import type { Client } from "@libsql/client";
import { MIGRATIONS } from "./migrations.ts";
import { withBusyRetry } from "./client.ts";
import { jobSlot } from "../domain/shard.ts";

/**
 * Data steps that SQL cannot do, run after their migration by the process that applied it. They must be
 * idempotent and optional for correctness: a crash before one finishes leaves valid (if unbalanced) data.
 */
const AFTER: Record<string, (client: Client) => Promise<void>> = {
  // Jobs created before sharding sit in slot 0; spread them by the hash of their id. Open runs take their
  // job's slot, so the leader of the right shard recovers them.
  "0001_shards": async (client) => {
    let after = "";
    for (;;) {
      const r = await client.execute({ sql: "SELECT id FROM jobs WHERE id > ? ORDER BY id LIMIT 5000", args: [after] });
      if (r.rows.length === 0) break;
      const ids = r.rows.map((row) => String(row.id));
      after = ids[ids.length - 1]!;
      const rows = JSON.stringify(ids.map((id) => [id, jobSlot(id)]));
      await withBusyRetry(() =>
        client.batch(
          [
            { sql: "UPDATE jobs SET shard = v.value->>1 FROM json_each(?) v WHERE jobs.id = v.value->>0", args: [rows] },
            {
              sql: "UPDATE runs SET shard = v.value->>1 FROM json_each(?) v WHERE runs.job_id = v.value->>0 AND runs.status IN ('pending','running')",
              args: [rows],
            },
          ],
          "write",
        ),
      );
    }
  },
};

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
      continue; // the peer that applied it runs its data step
    }
    // Outside the try: a failing data step is reported, not taken for a peer's migration.
    await AFTER[m.tag]?.(client);
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
