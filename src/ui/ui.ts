// The web UI: GET / serves the single page, GET /ui/<version>/<file> its script and styles, all embedded in the binary.
import { createHash } from "node:crypto";
import type { Env, Hono } from "hono";
import appCss from "./app.css" with { type: "text" };
import appJs from "./app.js" with { type: "text" };
import indexHtmlText from "./index.html" with { type: "text" };
import libJs from "./lib.js" with { type: "text" };

// bun-types types every .html import as an HTML bundle; with `type: "text"` it is the file's text.
const indexHtml = indexHtmlText as unknown as string;

const JS = "text/javascript; charset=utf-8";
const ASSETS = new Map<string, { body: string; type: string }>([
  ["app.js", { body: appJs, type: JS }],
  ["lib.js", { body: libJs, type: JS }],
  ["app.css", { body: appCss, type: "text/css; charset=utf-8" }],
]);

/**
 * A digest of every asset, put in their URLs: a page and the assets it names always match, so the assets can
 * be cached for good while the page itself is revalidated on every load. (app.js imports ./lib.js, which
 * resolves under the same versioned folder.)
 */
export const UI_VERSION = createHash("sha256")
  .update([indexHtml, ...[...ASSETS.values()].map((a) => a.body)].join("\0"))
  .digest("hex")
  .slice(0, 16);

const PAGE = indexHtml.replaceAll("%ASSET_VERSION%", UI_VERSION);
const PAGE_ETAG = `"ui-${UI_VERSION}"`;

// Everything the page loads comes from this server: the UI works offline and cannot be made to call elsewhere.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-cache",
  ETag: PAGE_ETAG,
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

/**
 * Mounts the UI. It needs no token: the page is public, and it asks for a bearer token when the API answers 401.
 */
export function registerUi<E extends Env>(app: Hono<E>): void {
  app.get("/", (c) => {
    if (c.req.header("if-none-match") === PAGE_ETAG) return c.body(null, 304, PAGE_HEADERS);
    return c.body(PAGE, 200, PAGE_HEADERS);
  });
  // One route per file, so an unknown name is a plain 404 from the app's not-found handler.
  for (const [name, asset] of ASSETS) {
    app.get(`/ui/:version/${name}`, (c) => {
      // An old page asking for an older version (e.g. during an upgrade) gets today's file, not cached for good.
      const current = c.req.param("version") === UI_VERSION;
      return c.body(asset.body, 200, {
        "Content-Type": asset.type,
        "Cache-Control": current ? "public, max-age=31536000, immutable" : "no-cache",
        "X-Content-Type-Options": "nosniff",
      });
    });
  }
}
