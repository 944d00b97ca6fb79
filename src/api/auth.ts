// Bearer-token auth for /v1: tokens compared in constant time (SHA-256 of both sides, then timingSafeEqual).
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { App, AppEnv } from "./context.ts";
import { problemResponse, titleFor } from "./errors.ts";

export const BEARER_SCHEME = "bearerAuth";
/** Put on every operation that needs a token. */
export const bearerSecurity: Record<string, string[]>[] = [{ [BEARER_SCHEME]: [] }];

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/** With no tokens configured the API is open (the server refuses a non-loopback host in that case unless told otherwise). */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler<AppEnv> {
  // Hashing gives equal-length buffers (timingSafeEqual needs them) and hides the token length.
  const expected = tokens.map(digest);
  return async (c, next) => {
    if (expected.length === 0) return next();
    const header = c.req.header("authorization");
    const m = header ? /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header) : null;
    if (!m) return deny(c, "A bearer token is required: send Authorization: Bearer <token>.", 'Bearer realm="cronhook"');
    const got = digest(m[1]!);
    let ok = false;
    // No short circuit: every configured token is compared, so timing does not tell which one (if any) matched.
    for (const e of expected) ok = timingSafeEqual(got, e) || ok;
    if (!ok) return deny(c, "The bearer token is not valid.", 'Bearer realm="cronhook", error="invalid_token"');
    return next();
  };
}

function deny(c: Parameters<MiddlewareHandler<AppEnv>>[0], detail: string, challenge: string): Response {
  return problemResponse(c, {
    status: 401,
    code: "unauthorized",
    title: titleFor(401),
    detail,
    headers: { "WWW-Authenticate": challenge },
  });
}

export function registerSecurityScheme(app: App): void {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "One of the tokens in CRONHOOK_API_TOKENS. Required on every /v1 route when tokens are configured.",
  });
}
