// The drizzle-kit migrations, embedded as text so they also exist inside the compiled binary.
// Keep in step with drizzle/meta/_journal.json (a test checks it): one import per SQL file.
import m0000 from "../../drizzle/0000_init.sql" with { type: "text" };
import m0001 from "../../drizzle/0001_shards.sql" with { type: "text" };
import m0002 from "../../drizzle/0002_job_labels.sql" with { type: "text" };
import m0003 from "../../drizzle/0003_job_labels_triggers.sql" with { type: "text" };

export const MIGRATIONS: readonly { tag: string; sql: string }[] = [
  { tag: "0000_init", sql: m0000 },
  { tag: "0001_shards", sql: m0001 },
  { tag: "0002_job_labels", sql: m0002 },
  { tag: "0003_job_labels_triggers", sql: m0003 },
];
