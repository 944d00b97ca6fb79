// The one place errors become RFC 9457 problem details: domain errors, validation failures and HTTP-level failures.
import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type FieldIssue } from "../domain/errors.ts";
import type { Logger } from "../log/logger.ts";
import type { AppEnv } from "./context.ts";

export const PROBLEM_TYPE_BASE = "https://cronhook.dev/problems/";
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const FieldError = z
  .object({
    path: z.string().openapi({ description: "Dotted path of the field, e.g. trigger.expr, or a query/header name.", example: "trigger.expr" }),
    message: z.string().openapi({ example: "invalid cron expression" }),
  })
  .openapi("FieldError");

export const Problem = z
  .object({
    type: z.string().openapi({ description: "URI naming the kind of problem.", example: `${PROBLEM_TYPE_BASE}validation_failed` }),
    title: z.string().openapi({ example: "Invalid request" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "trigger.expr: invalid cron expression" }),
    code: z.string().openapi({ description: "Stable machine-readable code, e.g. job_not_found, validation_failed.", example: "validation_failed" }),
    requestId: z.string().openapi({ description: "Same as the X-Request-Id response header.", example: "0193b7c2-7a3e-7000-8000-1234567890ab" }),
    instance: z.string().optional().openapi({ description: "The request path.", example: "/v1/jobs" }),
    errors: z.array(FieldError).optional().openapi({ description: "For validation problems: one entry per bad field." }),
  })
  .openapi("Problem", {
    description: "RFC 9457 problem details (application/problem+json).",
  });
export type Problem = z.infer<typeof Problem>;

export interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldIssue[];
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: "Invalid request",
  401: "Unauthorized",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  412: "Precondition failed",
  413: "Payload too large",
  415: "Unsupported media type",
  500: "Internal server error",
  503: "Service unavailable",
};
export const titleFor = (status: number): string => TITLES[status] ?? "Error";

export function problemBody(c: Context<AppEnv>, p: ProblemInit): Problem {
  return {
    type: PROBLEM_TYPE_BASE + p.code,
    title: p.title,
    status: p.status,
    detail: p.detail,
    code: p.code,
    requestId: c.get("requestId") ?? "",
    instance: new URL(c.req.url).pathname,
    ...(p.errors && p.errors.length > 0 ? { errors: p.errors } : {}),
  };
}

export function problemResponse(c: Context<AppEnv>, p: ProblemInit): Response {
  return c.json(problemBody(c, p), p.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    ...p.headers,
  });
}

/** Maps anything thrown while handling a request to a problem. Unknown errors become a 500 that says nothing internal. */
export function toProblem(err: unknown): ProblemInit & { unexpected: boolean } {
  if (err instanceof DomainError) {
    return { status: err.status, code: err.code, title: err.title, detail: err.message, errors: err.errors, unexpected: false };
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const http = (code: string, detail: string) => ({ status, code, title: titleFor(status), detail, unexpected: false });
    if (status === 400 && /malformed json/i.test(err.message)) return http("invalid_json", "The request body is not valid JSON.");
    if (status === 413) return http("payload_too_large", "The request body is too large.");
    if (status === 415) return http("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
    if (status === 401) return http("unauthorized", "A valid bearer token is required.");
    if (status < 500) return http("bad_request", err.message || titleFor(status));
  }
  return {
    status: 500,
    code: "internal_error",
    title: titleFor(500),
    detail: "An unexpected error occurred; the server log has the details under this request id.",
    unexpected: true,
  };
}

export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    const p = toProblem(err);
    if (p.unexpected) {
      logger.error("unhandled error", { requestId: c.get("requestId"), method: c.req.method, path: c.req.path, err });
    }
    return problemResponse(c, p);
  };
}

// --- validation (zod) -------------------------------------------------------

type ZodIssue = z.core.$ZodIssue;

const TARGET_LABEL: Record<string, string> = {
  json: "request body",
  query: "query parameters",
  param: "path parameters",
  header: "headers",
  form: "form body",
  cookie: "cookies",
};

function issueMessage(issue: ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return `is required (${issue.expected})`;
  return issue.message;
}

/** Flattens zod issues into `{ path, message }` with dotted paths; unknown keys are reported one by one at their own path. */
export function fieldIssues(issues: readonly ZodIssue[], target: string): FieldIssue[] {
  const out: FieldIssue[] = [];
  const root = target === "json" ? "body" : target;
  const join = (parts: readonly PropertyKey[]) => (parts.length === 0 ? root : parts.map(String).join("."));
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: join([...issue.path, key]), message: "unknown field" });
    } else {
      out.push({ path: join(issue.path), message: issueMessage(issue) });
    }
  }
  return out;
}

export function validationProblem(issues: readonly ZodIssue[], target: string): ProblemInit {
  const errors = fieldIssues(issues, target);
  const shown = errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`);
  if (errors.length > 5) shown.push(`and ${errors.length - 5} more`);
  return {
    status: 400,
    code: "validation_failed",
    title: titleFor(400),
    detail: `Invalid ${TARGET_LABEL[target] ?? target}: ${shown.join("; ")}`,
    errors,
  };
}

/** The one hook for every route: a failed zod validation becomes a 400 validation_failed problem. */
export const defaultHook = (
  result: { target: string; success: true; data: unknown } | { target: string; success: false; error: z.ZodError },
  c: Context<AppEnv>,
): Response | undefined => {
  if (!result.success) return problemResponse(c, validationProblem(result.error.issues, result.target));
  return undefined;
};

// --- not found / method not allowed ----------------------------------------

/** A Hono route path ("/v1/jobs/:id") as a RegExp over request paths. */
function routeRegExp(path: string): RegExp {
  const parts = path.split("/").map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("/")}$`);
}

/** 404 for unknown paths, 405 (with Allow) when the path exists under other methods. */
export function notFoundHandler(routes: () => readonly { method: string; path: string }[]): NotFoundHandler<AppEnv> {
  let table: { re: RegExp; method: string }[] = [];
  let seen = -1;
  return (c) => {
    // Rebuilt when routes were added since (e.g. the UI or /metrics mounted after createApp).
    const all = routes();
    if (all.length !== seen) {
      seen = all.length;
      table = all.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, re: routeRegExp(r.path) }));
    }
    const path = c.req.path;
    const allowed = new Set(table.filter((r) => r.re.test(path)).map((r) => r.method));
    if (allowed.size > 0) {
      if (allowed.has("GET")) allowed.add("HEAD");
      const allow = [...allowed].sort().join(", ");
      return problemResponse(c, {
        status: 405,
        code: "method_not_allowed",
        title: titleFor(405),
        detail: `${c.req.method} is not supported on this path; use ${allow}.`,
        headers: { Allow: allow },
      });
    }
    return problemResponse(c, { status: 404, code: "not_found", title: titleFor(404), detail: `No route for ${c.req.method} ${path}.` });
  };
}

// --- shared OpenAPI responses -----------------------------------------------

const problemContent = (example: Partial<Problem>) => ({
  [PROBLEM_CONTENT_TYPE]: {
    schema: Problem,
    example: { type: PROBLEM_TYPE_BASE + example.code, requestId: "0193b7c2-7a3e-7000-8000-1234567890ab", ...example },
  },
});

/** One documented problem response (description plus an example body). */
export const problemExample = (description: string, status: number, code: string, detail: string, extra: Partial<Problem> = {}) => ({
  description,
  content: problemContent({ title: titleFor(status), status, code, detail, ...extra }),
});

/** Spread into every /v1 route: the failures any of them can answer with. */
export const errorResponses = {
  400: problemExample("Invalid input: the problem names each bad field.", 400, "validation_failed", "Invalid request body: trigger.expr: invalid cron expression", {
    errors: [{ path: "trigger.expr", message: "invalid cron expression" }],
  }),
  401: {
    ...problemExample("Missing or invalid bearer token.", 401, "unauthorized", "A valid bearer token is required."),
    headers: { "WWW-Authenticate": { description: "Bearer challenge.", schema: { type: "string" as const } } },
  },
  500: problemExample("Unexpected failure; the log has details under the request id.", 500, "internal_error", "An unexpected error occurred."),
} as const;

/** Spread into routes that take a JSON body. */
export const bodyErrorResponses = {
  413: problemExample("The body is larger than the server accepts.", 413, "payload_too_large", "The request body is too large."),
  415: problemExample("The body is not sent as application/json.", 415, "unsupported_media_type", "Send the request body as JSON with Content-Type: application/json."),
} as const;

export const jobNotFoundResponse = {
  404: problemExample("No job with this id.", 404, "job_not_found", "job nightly-report not found"),
} as const;
