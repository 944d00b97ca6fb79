// POST /v1/triggers/preview: the next fire times of a trigger, without creating a job.
import { createRoute, z } from "@hono/zod-openapi";
import { TriggerInput } from "../../../domain/trigger-schema.ts";
import { bearerSecurity } from "../../auth.ts";
import type { ApiDeps, App } from "../../context.ts";
import { bodyErrorResponses, errorResponses } from "../../errors.ts";
import { parseInstant } from "../../schemas.ts";

export const TriggerPreviewRequest = z
  .strictObject({
    trigger: TriggerInput,
    count: z.number().int().min(1).max(100).default(10).openapi({ description: "How many fire times, 1-100.", example: 5 }),
    from: z
      .string()
      .refine((s) => parseInstant(s) !== null, "must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z")
      .optional()
      .openapi({ format: "date-time", description: "Fire times after this instant. Default: now.", example: "2026-01-01T00:00:00Z" }),
  })
  .openapi("TriggerPreviewRequest");

export const TriggerPreview = z
  .object({ fireTimes: z.array(z.string().openapi({ format: "date-time" })).openapi({ description: "ISO-8601 UTC instants, ascending." }) })
  .openapi("TriggerPreview");

const route = createRoute({
  method: "post",
  path: "/v1/triggers/preview",
  operationId: "previewTrigger",
  tags: ["triggers"],
  summary: "Preview a trigger's fire times",
  description:
    "Validates a trigger exactly as job creation does and lists its next fire times after `from`. " +
    "An invalid trigger answers the same validation problem a job would (e.g. `trigger.expr`, `trigger.timezone`).",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: TriggerPreviewRequest,
          example: { trigger: { type: "cron", expr: "0 30 9 * * MON-FRI", timezone: "Europe/Berlin" }, count: 3, from: "2026-01-01T00:00:00Z" },
        },
      },
    },
  },
  responses: {
    200: {
      description: "The next fire times.",
      content: {
        "application/json": {
          schema: TriggerPreview,
          example: { fireTimes: ["2026-01-01T08:30:00.000Z", "2026-01-02T08:30:00.000Z", "2026-01-05T08:30:00.000Z"] },
        },
      },
    },
    ...bodyErrorResponses,
    ...errorResponses,
  },
});

export function registerPreviewTrigger(app: App, { services }: ApiDeps): void {
  app.openapi(route, (c) => {
    const { trigger, count, from } = c.req.valid("json");
    return c.json(services.triggers.preview({ trigger, count, ...(from !== undefined ? { from } : {}) }), 200);
  });
}
