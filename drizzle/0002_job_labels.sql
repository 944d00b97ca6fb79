CREATE TABLE `job_labels` (
	`key` text NOT NULL,
	`value` text NOT NULL,
	`job_id` text NOT NULL,
	PRIMARY KEY(`key`, `value`, `job_id`)
);
--> statement-breakpoint
CREATE INDEX `job_labels_job_idx` ON `job_labels` (`job_id`);