// The web UI as served: the page and its assets, their types and caching, no external URLs, and no token needed for the page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testConfig } from "../../src/config/config.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { UI_VERSION } from "../../src/ui/ui.ts";

const TOKEN = "ui-test-token-0123456789";

let rt: Runtime;
let page: Response;
let html: string;
beforeAll(async () => {
  rt = await createRuntime(testConfig({ apiTokens: [TOKEN] }));
  page = await rt.app.request("/");
  html = await page.text();
});
afterAll(async () => {
  await rt.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => Promise.resolve(rt.app.request(path, { headers }));

/** The URLs in src= and href= attributes of the page. */
const pageRefs = (text: string): string[] => [...text.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);

/** Every asset the page loads (stylesheet and module script), as absolute paths. */
const assetPaths = (text: string): string[] =>
  pageRefs(text)
    .filter((u) => u.startsWith("ui/"))
    .map((u) => `/${u}`);

async function allAssets(): Promise<{ path: string; res: Response; body: string }[]> {
  const out = [];
  const paths = new Set(assetPaths(html));
  // app.js imports its helpers with a relative specifier; follow those too.
  for (const p of [...paths]) {
    if (!p.endsWith(".js")) continue;
    const body = await (await get(p)).text();
    for (const m of body.matchAll(/\bfrom\s+"(\.\/[^"]+)"/g)) paths.add(new URL(m[1]!, `http://x${p}`).pathname);
  }
  for (const path of paths) {
    const res = await get(path);
    out.push({ path, res, body: await res.clone().text() });
  }
  return out;
}

describe("GET /", () => {
  test("serves the single-page UI as HTML without a token, even when API tokens are configured", async () => {
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain('<main id="main"');
    // The API itself still wants the token: that 401 is what makes the page ask for one.
    const api = await get("/v1/jobs");
    expect(api.status).toBe(401);
    expect(api.headers.get("www-authenticate")).toContain("Bearer");
    expect((await get("/v1/jobs", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  test("is revalidated on every load (no-cache with an ETag, 304 when unchanged)", async () => {
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const etag = page.headers.get("etag");
    expect(etag).toBe(`"ui-${UI_VERSION}"`);
    const again = await get("/", { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  test("forbids framing and loading anything from another origin (Content-Security-Policy)", () => {
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("names its assets under a version folder that is a digest of their content", () => {
    const assets = assetPaths(html);
    expect(assets.sort()).toEqual([`/ui/${UI_VERSION}/app.css`, `/ui/${UI_VERSION}/app.js`]);
    expect(html).not.toContain("%ASSET_VERSION%");
    expect(UI_VERSION).toMatch(/^[0-9a-f]{16}$/);
    // Relative references only, so the page also works behind a path prefix.
    for (const ref of pageRefs(html)) expect(ref).not.toStartWith("/");
  });

  test("loads the script as a module", () => {
    expect(html).toContain(`<script type="module" src="ui/${UI_VERSION}/app.js"></script>`);
  });
});

describe("UI assets", () => {
  test("load with their content types and are cached for good under the current version", async () => {
    const assets = await allAssets();
    expect(assets.map((a) => a.path.split("/").pop()).sort()).toEqual(["app.css", "app.js", "lib.js"]);
    for (const { path, res } of assets) {
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const type = path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      expect({ path, type: res.headers.get("content-type") }).toEqual({ path, type });
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  test("need no token", async () => {
    const res = await get(`/ui/${UI_VERSION}/app.js`);
    expect(res.status).toBe(200);
  });

  test("from another version are still served, but revalidated", async () => {
    const res = await get("/ui/0000000000000000/app.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
  });

  test("answers an unknown asset with the API's 404 problem", async () => {
    for (const name of ["nope.js", "constructor", "__proto__"]) {
      const res = await get(`/ui/${UI_VERSION}/${name}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toStartWith("application/problem+json");
    }
  });

  test("hold no reference to another host: no http(s):// or protocol-relative URL, no @import, no remote url()", async () => {
    const files = [{ path: "/", body: html }, ...(await allAssets()).map(({ path, body }) => ({ path, body }))];
    for (const { path, body } of files) {
      expect({ path, urls: body.match(/\bhttps?:\/\/[^\s"'`)<]*/gi) ?? [] }).toEqual({ path, urls: [] });
      expect({ path, protocolRelative: body.match(/["'`(=]\s*\/\/[a-z0-9.-]+/gi) ?? [] }).toEqual({ path, protocolRelative: [] });
      expect({ path, imports: body.match(/@import/g) ?? [] }).toEqual({ path, imports: [] });
      for (const m of body.matchAll(/url\(\s*["']?([^"')]*)/g)) expect({ path, url: m[1] }).toEqual({ path, url: expect.stringMatching(/^(data:|[^:]*$)/) });
    }
  });

  test("talk to the API only through relative v1/ URLs, with one fetch call", async () => {
    const js = (await allAssets()).filter((a) => a.path.endsWith(".js")).map((a) => a.body).join("\n");
    expect(js.match(/\bfetch\(/g)?.length).toBe(1);
    expect(js).toContain("const url = `v1/${path}");
    expect(js).not.toMatch(/XMLHttpRequest|WebSocket|EventSource|sendBeacon|\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  test("are valid modern JavaScript modules", async () => {
    const transpiler = new Bun.Transpiler({ loader: "js" });
    for (const { path, body } of await allAssets()) {
      if (!path.endsWith(".js")) continue;
      expect(() => transpiler.transformSync(body)).not.toThrow();
      expect(transpiler.scanImports(body).every((i) => i.path.startsWith("./"))).toBe(true);
    }
  });
});
