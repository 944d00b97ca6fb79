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

export const TriggerInput = z
  .discriminatedUnion("type", [CronTriggerInput, IntervalTriggerInput, DateTriggerInput])
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
  ])
  .openapi("Trigger", { example: { type: "cron", expr: "0 */5 * * * *", timezone: "UTC" } });
export type TriggerOut = z.infer<typeof TriggerOut>;
