// The shapes of trigger input and output (zod, with OpenAPI names). Semantics live in trigger.ts.
import { z } from "@hono/zod-openapi";

export const CronTriggerInput = z
  .strictObject({
    type: z.literal("cron"),
    expr: z.string().min(1).max(200).openapi({
      description:
        "Cron expression: 5 fields (minute precision), 6 (leading seconds) or 7 (trailing year). Names (MON, JAN), ranges, steps, L, W and # are accepted.",
      example: "0 */5 * * * *",
    }),
    timezone: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "IANA time zone the expression is read in. Default UTC.", example: "Europe/Berlin" }),
  })
  .openapi("CronTriggerInput");

export const IntervalTriggerInput = z
  .strictObject({
    type: z.literal("interval"),
    every: z.union([z.string().min(1).max(50), z.number()]).openapi({
      description: "A duration string (500ms, 10s, 5m, 1h30m, 2d, 1w) or a number of milliseconds. At least 100 ms.",
      example: "90s",
    }),
    anchorAt: z.string().max(50).optional().openapi({
      description: "ISO time the cadence is measured from. Default: the job's creation time.",
      example: "2026-01-01T00:00:00Z",
    }),
  })
  .openapi("IntervalTriggerInput");

export const DateTriggerInput = z
  .strictObject({
    type: z.literal("date"),
    at: z.string().min(1).max(50).openapi({
      description: 'ISO time with an offset (or Z), or "now" to fire at once. Fires once, then the job is completed.',
      example: "2026-12-01T07:00:00+08:00",
    }),
  })
  .openapi("DateTriggerInput");

const apsField = (description: string, example: string | number) =>
  z.union([z.string().min(1).max(200), z.number().int().min(0).max(9999)]).optional().openapi({ description, example });

export const FieldsTriggerInput = z
  .strictObject({
    type: z.literal("fields"),
    year: apsField("4-digit year (1970-9999).", "*"),
    month: apsField("Month 1-12 or jan-dec.", "6-8,11-12"),
    day: apsField("Day of the month 1-31; also `last`, `last fri`, `1st`..`5th` + weekday (`3rd fri`).", "3rd fri"),
    week: apsField("ISO week 1-53.", "*"),
    day_of_week: apsField("Weekday 0-6 with 0 = Monday, or mon-sun (APScheduler's numbering, not crontab's).", "mon-fri"),
    hour: apsField("Hour 0-23.", "0-3"),
    minute: apsField("Minute 0-59.", "*/5"),
    second: apsField("Second 0-59.", 0),
    timezone: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "IANA time zone the fields are read in. Default UTC.", example: "Asia/Shanghai" }),
  })
  .openapi("FieldsTriggerInput", {
    description:
      "APScheduler 3 cron fields. Every field must match (AND: unlike crontab, day and day_of_week are not ORed). " +
      "Each field takes `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n` and comma lists (numbers may be sent as integers). " +
      "Fields left out: before the smallest field given, `*`; after it, their minimum (month 1, day 1, hour 0, minute 0, second 0); " +
      "`week` and `day_of_week` are always `*` when left out. `{ day: 1, minute: 20 }` fires at minute 20, second 0 of every hour on the 1st. " +
      "Daylight saving time follows the cron rules (fixed hours fire once, wildcard hours run on elapsed time).",
    example: { type: "fields", month: "6-8,11-12", day: "3rd fri", hour: "0-3", timezone: "Europe/Berlin" },
  });

export const TriggerInput = z
  .discriminatedUnion("type", [CronTriggerInput, IntervalTriggerInput, DateTriggerInput, FieldsTriggerInput])
  .openapi("TriggerInput");
export type TriggerInput = z.infer<typeof TriggerInput>;

export const TriggerOut = z
  .union([
    z.object({ type: z.literal("cron"), expr: z.string(), timezone: z.string() }),
    z.object({
      type: z.literal("interval"),
      every: z.union([z.string(), z.number()]),
      everyMs: z.number().int(),
      anchorAt: z.string(),
    }),
    z.object({ type: z.literal("date"), at: z.string() }),
    z.object({
      type: z.literal("fields"),
      year: z.string().optional(),
      month: z.string().optional(),
      day: z.string().optional(),
      week: z.string().optional(),
      day_of_week: z.string().optional(),
      hour: z.string().optional(),
      minute: z.string().optional(),
      second: z.string().optional(),
      timezone: z.string(),
      effective: z
        .object({
          year: z.string(),
          month: z.string(),
          day: z.string(),
          week: z.string(),
          day_of_week: z.string(),
          hour: z.string(),
          minute: z.string(),
          second: z.string(),
        })
        .openapi({ description: "Read-only: all eight fields after defaulting, as APScheduler prints them." }),
    }),
  ])
  .openapi("Trigger", { example: { type: "cron", expr: "0 */5 * * * *", timezone: "UTC" } });
export type TriggerOut = z.infer<typeof TriggerOut>;
