-- Custom SQL migration file, put your code below! --
-- job_labels follows jobs.labels (a JSON object of string values) through triggers, so every write path keeps it.
CREATE TRIGGER `jobs_labels_insert` AFTER INSERT ON `jobs` BEGIN
  INSERT OR IGNORE INTO `job_labels` (`key`, `value`, `job_id`) SELECT l.key, l.value, NEW.id FROM json_each(NEW.labels) l;
END;
--> statement-breakpoint
CREATE TRIGGER `jobs_labels_update` AFTER UPDATE OF `labels` ON `jobs` BEGIN
  DELETE FROM `job_labels` WHERE `job_id` = OLD.id;
  INSERT OR IGNORE INTO `job_labels` (`key`, `value`, `job_id`) SELECT l.key, l.value, NEW.id FROM json_each(NEW.labels) l;
END;
--> statement-breakpoint
CREATE TRIGGER `jobs_labels_delete` AFTER DELETE ON `jobs` BEGIN
  DELETE FROM `job_labels` WHERE `job_id` = OLD.id;
END;
--> statement-breakpoint
INSERT OR IGNORE INTO `job_labels` (`key`, `value`, `job_id`) SELECT l.key, l.value, j.id FROM `jobs` j, json_each(j.labels) l;
