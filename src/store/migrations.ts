// The drizzle-kit migrations, embedded as text so they also exist inside the compiled binary.
// Keep in step with drizzle/meta/_journal.json (a test checks it): one import per SQL file.
import m0000 from "../../drizzle/0000_init.sql" with { type: "text" };
import m0001 from "../../drizzle/0001_shards.sql" with { type: "text" };

export const MIGRATIONS: readonly { tag: string; sql: string }[] = [
  { tag: "0000_init", sql: m0000 },
  { tag: "0001_shards", sql: m0001 },
];
