CREATE TABLE `instances` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`version` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`labels` text DEFAULT '{}' NOT NULL,
	`trigger` text NOT NULL,
	`target` text NOT NULL,
	`start_at` integer,
	`end_at` integer,
	`max_runs` integer,
	`jitter_ms` integer DEFAULT 0 NOT NULL,
	`misfire_policy` text DEFAULT 'once' NOT NULL,
	`misfire_grace_ms` integer NOT NULL,
	`overlap` text DEFAULT 'skip' NOT NULL,
	`state` text NOT NULL,
	`paused_reason` text,
	`next_fire_at` integer,
	`last_fire_at` integer,
	`run_count` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`claim_id` text,
	`shard` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_next_fire_idx` ON `jobs` (`next_fire_at`) WHERE "jobs"."next_fire_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `jobs_name_idx` ON `jobs` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_state_idx` ON `jobs` (`state`,`id`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`token` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`renewed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job_id` text NOT NULL,
	`job_name` text NOT NULL,
	`trigger` text NOT NULL,
	`scheduled_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`http_status` integer,
	`duration_ms` integer,
	`response` text,
	`error` text,
	`instance_id` text,
	`lease_token` integer
);
--> statement-breakpoint
CREATE INDEX `runs_job_idx` ON `runs` (`job_id`,`id`);--> statement-breakpoint
CREATE INDEX `runs_name_idx` ON `runs` (`job_name`,`id`);--> statement-breakpoint
CREATE INDEX `runs_open_idx` ON `runs` (`status`) WHERE "runs"."status" IN ('pending','running');--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
