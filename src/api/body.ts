// Helpers for optional JSON bodies.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";

/**
 * For routes whose body is optional: an empty (or blank) body counts as no body even when a client sends
 * Content-Type: application/json with it, which many HTTP clients do on a bare POST.
 */
export const emptyBodyIsNoBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.raw.body && c.req.header("content-type")) {
    const text = await c.req.raw.clone().text();
    if (text.trim() === "") {
      const headers = new Headers(c.req.raw.headers);
      headers.delete("content-type");
      headers.delete("content-length");
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
    }
  }
  await next();
};
