// The UI's pure helpers (src/ui/lib.js): relative times, durations, trigger text, masking of header values, the edit-as-JSON patch, routes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testConfig } from "../../src/config/config.ts";
import type { Job } from "../../src/domain/job.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";

// lib.js is browser code that TypeScript sees only as embedded text; load it as the module it is.
const LIB = "../../src/ui/lib.js";
const lib: {
  relTime(iso: string | null, now?: number): string;
  fmtDuration(ms: number | null): string;
  fmtEvery(ms: number): string;
  triggerSummary(t: unknown): string;
  headerNames(h: Record<string, string>): string[];
  editableJob(job: Job): Record<string, any>;
  patchFrom(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown>;
  problemText(p: unknown): string;
  parseRoute(hash: string): { path: string[]; query: Record<string, string> };
  routeHref(path: string[], query?: Record<string, unknown>): string;
  queryString(q: Record<string, unknown>): string;
  errorsByPath(p: unknown): Record<string, string[]>;
  clip(s: string | null, max: number): string;
} = await import(LIB as string);

const NOW = Date.parse("2026-11-24T10:00:00.000Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe("relTime", () => {
  test("says how far an instant is, in the future or the past", () => {
    expect(lib.relTime(at(3_400), NOW)).toBe("in 3 s");
    expect(lib.relTime(at(-12_000), NOW)).toBe("12 s ago");
    expect(lib.relTime(at(59_999), NOW)).toBe("in 59 s");
    expect(lib.relTime(at(5 * 60_000), NOW)).toBe("in 5 min");
    expect(lib.relTime(at(2 * 3_600_000 + 5 * 60_000), NOW)).toBe("in 2 h 5 min");
    expect(lib.relTime(at(-3 * 3_600_000), NOW)).toBe("3 h ago");
    expect(lib.relTime(at(3 * 86_400_000 + 4 * 3_600_000), NOW)).toBe("in 3 d 4 h");
    expect(lib.relTime(at(40 * 86_400_000), NOW)).toBe("in 40 d");
  });

  test("says now within a second, and nothing for a missing or bad instant", () => {
    expect(lib.relTime(at(400), NOW)).toBe("now");
    expect(lib.relTime(at(-400), NOW)).toBe("just now");
    expect(lib.relTime(null, NOW)).toBe("");
    expect(lib.relTime("not a date", NOW)).toBe("");
  });
});

describe("durations", () => {
  test("fmtDuration reads like a run's duration", () => {
    expect(lib.fmtDuration(12)).toBe("12 ms");
    expect(lib.fmtDuration(1250)).toBe("1.25 s");
    expect(lib.fmtDuration(12_340)).toBe("12.3 s");
    expect(lib.fmtDuration(123_000)).toBe("2 min 3 s");
    expect(lib.fmtDuration(null)).toBe("");
  });

  test("fmtEvery writes milliseconds in the API's duration words", () => {
    expect(lib.fmtEvery(90_000)).toBe("1m30s");
    expect(lib.fmtEvery(500)).toBe("500ms");
    expect(lib.fmtEvery(604_800_000 + 86_400_000)).toBe("1w1d");
  });
});

describe("triggerSummary", () => {
  test("describes each trigger type on one line", () => {
    expect(lib.triggerSummary({ type: "cron", expr: "0 */5 * * * *", timezone: "UTC" })).toBe("cron 0 */5 * * * * (UTC)");
    expect(lib.triggerSummary({ type: "cron", expr: "0 9 * * MON", timezone: "Asia/Shanghai" })).toBe("cron 0 9 * * MON (Asia/Shanghai)");
    expect(lib.triggerSummary({ type: "interval", every: "90s", everyMs: 90_000, anchorAt: at(0) })).toBe("every 90s");
    expect(lib.triggerSummary({ type: "interval", every: 1500, everyMs: 1500, anchorAt: at(0) })).toBe("every 1s500ms");
    expect(lib.triggerSummary({ type: "date", at: at(0) })).toStartWith("once at ");
    expect(lib.triggerSummary({ type: "fields", day: "3rd fri", hour: "0-3", timezone: "Europe/Berlin" })).toBe("fields day=3rd fri hour=0-3 (Europe/Berlin)");
  });
});

describe("the job as the UI shows and edits it (against a real job from the API)", () => {
  let rt: Runtime;
  let job: Job;
  const SECRET = "Bearer s3cr3t-value-never-shown";
  beforeAll(async () => {
    rt = await createRuntime(testConfig());
    const res = await rt.app.request("/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: "masked",
        name: "ui",
        trigger: { type: "interval", every: "90s" },
        target: { url: "https://example.test/hook", method: "POST", headers: { Authorization: SECRET, "X-Api-Key": "k-123456" }, body: "{}" },
      }),
    });
    expect(res.status).toBe(201);
    job = (await res.json()) as Job;
  });
  afterAll(async () => {
    await rt.stop();
  });

  test("lists header names, never their values", () => {
    expect(lib.headerNames(job.target.headers)).toEqual(["Authorization", "X-Api-Key"]);
  });

  test("the edit box holds no header values and none of the read-only fields", () => {
    const editable = lib.editableJob(job);
    const text = JSON.stringify(editable);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("k-123456");
    expect(editable.target.headers).toBeUndefined();
    expect(editable.trigger).toEqual({ type: "interval", every: "90s", anchorAt: job.createdAt });
    for (const k of ["id", "version", "state", "nextFireAt", "lastFireAt", "runCount", "createdAt", "updatedAt"]) expect(editable[k]).toBeUndefined();
  });

  test("an unchanged edit box is an empty patch, and an edited one PATCHes only what changed, keeping the headers", async () => {
    const before = lib.editableJob(job);
    expect(lib.patchFrom(before, structuredClone(before))).toEqual({});

    const after = structuredClone(before);
    after.target.timeoutMs = 5000;
    after.description = "edited in the UI";
    const patch = lib.patchFrom(before, after);
    expect(patch).toEqual({ description: "edited in the UI", target: { timeoutMs: 5000 } });

    const res = await rt.app.request("/v1/jobs/masked", {
      method: "PATCH",
      headers: { "content-type": "application/json", "if-match": String(job.version) },
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as Job;
    expect(saved.target.timeoutMs).toBe(5000);
    expect(saved.description).toBe("edited in the UI");
    expect(saved.target.headers).toEqual({ Authorization: SECRET, "X-Api-Key": "k-123456" });
    expect(saved.trigger).toEqual(job.trigger);

    // The same patch on the old version is refused: what the editor shows as a conflict.
    const stale = await rt.app.request("/v1/jobs/masked", {
      method: "PATCH",
      headers: { "content-type": "application/json", "if-match": String(job.version) },
      body: JSON.stringify(patch),
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { code: string }).code).toBe("version_mismatch");
  });

  test("after a 412, the user's own edit applies on top of the other change without undoing it", async () => {
    const current = (await (await rt.app.request("/v1/jobs/masked")).json()) as Job;
    const from = lib.editableJob(current);
    const mine = structuredClone(from);
    mine.target.timeoutMs = 7000;
    // Someone else changes the labels and the target's URL meanwhile.
    const other = await rt.app.request("/v1/jobs/masked", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ labels: { owner: "someone-else" }, target: { url: "https://example.test/other" } }),
    });
    expect(other.status).toBe(200);
    const patch = lib.patchFrom(from, mine);
    expect(patch).toEqual({ target: { timeoutMs: 7000 } });
    const stale = await rt.app.request("/v1/jobs/masked", {
      method: "PATCH",
      headers: { "content-type": "application/json", "if-match": String(current.version) },
      body: JSON.stringify(patch),
    });
    expect(stale.status).toBe(412);
    const { version } = (await other.json()) as Job;
    const res = await rt.app.request("/v1/jobs/masked", {
      method: "PATCH",
      headers: { "content-type": "application/json", "if-match": String(version) },
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as Job;
    expect(saved.target.timeoutMs).toBe(7000);
    expect(saved.target.url).toBe("https://example.test/other");
    expect(saved.labels).toEqual({ owner: "someone-else" });
    expect(saved.target.headers).toEqual({ Authorization: SECRET, "X-Api-Key": "k-123456" });
  });

  test("a field removed from the edit box is cleared with null", () => {
    const before = { description: "x", maxRuns: 3, endAt: null, name: "ui" };
    expect(lib.patchFrom(before, { name: "ui" })).toEqual({ description: null, maxRuns: null });
  });

  test("target is compared field by field", () => {
    const before = { target: { url: "u", method: "GET", body: "x", retry: { maxAttempts: 1 } }, overlap: "skip" };
    const after = { target: { url: "u", method: "POST", retry: { maxAttempts: 3 } }, overlap: "skip" };
    expect(lib.patchFrom(before, after)).toEqual({ target: { method: "POST", body: null, retry: { maxAttempts: 3 } } });
    expect(lib.patchFrom(before, { ...after, target: null })).toEqual({ target: null });
  });
});

describe("routes and problems", () => {
  test("hash routes round-trip ids with slashes and leave out empty filters", () => {
    const href = lib.routeHref(["jobs", "a/b c"], { q: "x", state: "", name: undefined });
    expect(href).toBe("#/jobs/a%2Fb%20c?q=x");
    expect(lib.parseRoute(href)).toEqual({ path: ["jobs", "a/b c"], query: { q: "x" } });
    expect(lib.parseRoute("")).toEqual({ path: [], query: {} });
    expect(lib.parseRoute("#/runs?status=failed&jobId=j1")).toEqual({ path: ["runs"], query: { status: "failed", jobId: "j1" } });
    expect(lib.queryString({ limit: 50, cursor: null, q: "a&b" })).toBe("limit=50&q=a%26b");
  });

  test("a problem reads as its title and detail, and its field errors group by path", () => {
    const p = {
      title: "Invalid request",
      status: 400,
      detail: "trigger.expr: bad",
      errors: [
        { path: "trigger.expr", message: "bad" },
        { path: "trigger.expr", message: "worse" },
        { path: "target.url", message: "required" },
      ],
    };
    expect(lib.problemText(p)).toBe("Invalid request: trigger.expr: bad");
    expect(lib.problemText({ status: 502 })).toBe("HTTP 502");
    expect(lib.errorsByPath(p)).toEqual({ "trigger.expr": ["bad", "worse"], "target.url": ["required"] });
    expect(lib.errorsByPath({})).toEqual({});
  });

  test("clip cuts long text with an ellipsis", () => {
    expect(lib.clip("abcdef", 4)).toBe("abc…");
    expect(lib.clip("abc", 4)).toBe("abc");
    expect(lib.clip(null, 4)).toBe("");
  });
});
