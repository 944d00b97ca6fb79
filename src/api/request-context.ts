// Request ids in and out (X-Request-Id) and the one JSON log line per request; never logs bodies or header values.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log/logger.ts";
import type { AppEnv } from "./context.ts";

export const REQUEST_ID_HEADER = "X-Request-Id";
// A caller's id is kept only if it is short and printable ASCII without spaces, so it is safe in headers and logs.
const SANE_ID = /^[\x21-\x7e]{1,200}$/;

export function requestContext(logger: Logger, observe?: (method: string, status: number) => void): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : Bun.randomUUIDv7();
    c.set("requestId", requestId);
    await next();
    c.header(REQUEST_ID_HEADER, requestId);
    const status = c.res.status;
    const fields = {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    observe?.(c.req.method, status);
    if (status >= 500) logger.error("request", fields);
    else logger.info("request", fields);
  };
}
