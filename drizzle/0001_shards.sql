DROP INDEX `jobs_next_fire_idx`;--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`next_fire_at`,`shard`) WHERE "jobs"."next_fire_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `shard` integer DEFAULT 0 NOT NULL;