// Pure helpers of the web UI (no DOM, no fetch): time and duration text, trigger summaries, the edit-as-JSON patch, routes.

/** "in 3 s", "12 min ago", "in 2 h 5 min", "3 d ago"; "" for a missing or unreadable instant. */
export function relTime(iso, now = Date.now()) {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const d = t - now;
  const a = Math.abs(d);
  if (a < 1000) return d >= 0 ? "now" : "just now";
  return d > 0 ? `in ${span(a)}` : `${span(a)} ago`;
}

/** A length of time, coarse: "42 s", "5 min", "2 h 5 min", "3 d 4 h", "40 d". */
function span(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const days = Math.floor(h / 24);
  return days < 10 && h % 24 ? `${days} d ${h % 24} h` : `${days} d`;
}

/** A run's duration: "12 ms", "1.25 s", "2 min 3 s"; "" when unknown. */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
}

/** Milliseconds as the API's own duration words: 90000 -> "1m30s", 500 -> "500ms". */
export function fmtEvery(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return String(ms);
  const units = [["w", 604_800_000], ["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];
  let rest = ms;
  let out = "";
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** An instant in the browser's time zone, e.g. "Nov 24, 2026, 9:43:06 AM"; "" when missing. */
export function fmtLocal(iso, format = localFormat) {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso) : format.format(t);
}

/** An instant on the wall clock of an IANA zone, or "" if the zone is unknown to this browser. */
export function fmtInZone(iso, timeZone) {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium", timeZone }).format(Date.parse(iso));
  } catch {
    return "";
  }
}

/** One line that says when a trigger fires. */
export function triggerSummary(t) {
  if (!t || typeof t !== "object") return "";
  switch (t.type) {
    case "cron":
      return `cron ${t.expr}${t.timezone && t.timezone !== "UTC" ? ` (${t.timezone})` : " (UTC)"}`;
    case "interval":
      return `every ${typeof t.every === "number" ? fmtEvery(t.every) : t.every}`;
    case "date":
      return `once at ${t.at === "now" ? "now" : fmtLocal(t.at)}`;
    case "fields": {
      const names = ["year", "month", "week", "day", "day_of_week", "hour", "minute", "second"];
      const parts = names.filter((n) => t[n] !== undefined && t[n] !== null).map((n) => `${n}=${t[n]}`);
      return `fields ${parts.join(" ") || "*"} (${t.timezone || "UTC"})`;
    }
    default:
      return String(t.type);
  }
}

/** Header names of a target, never their values (they often hold secrets). */
export function headerNames(headers) {
  return headers && typeof headers === "object" ? Object.keys(headers).sort((a, b) => a.localeCompare(b)) : [];
}

/** The trigger as the API takes it back: drops the read-only fields responses add (everyMs, effective). */
export function triggerInput(t) {
  if (!t || typeof t !== "object") return t;
  const { everyMs: _everyMs, effective: _effective, ...rest } = t;
  return rest;
}

/**
 * What the "edit as JSON" box shows: the fields PATCH accepts. Header values are left out on purpose
 * (the UI never shows them); PATCH leaves headers alone unless `target.headers` is sent.
 */
export function editableJob(job) {
  const { headers: _headers, ...target } = job.target;
  const out = {
    name: job.name,
    description: job.description,
    labels: job.labels,
    trigger: triggerInput(job.trigger),
    target,
    startAt: job.startAt,
    endAt: job.endAt,
    maxRuns: job.maxRuns,
    jitterMs: job.jitterMs,
    misfire: job.misfire,
    overlap: job.overlap,
  };
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Keys of `after` whose value differs from `before`, plus `null` for keys `after` dropped. */
function diff(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after)) {
    if (!same(before[k], v)) out[k] = v;
  }
  for (const k of Object.keys(before)) {
    if (!(k in after) && before[k] !== null && before[k] !== undefined) out[k] = null;
  }
  return out;
}

/**
 * The PATCH body that applies the user's edit: `before` is what the edit box started from (editableJob),
 * `after` what the user saved. Only fields that differ are sent, `null` for a field the user removed. `target`
 * is compared field by field (PATCH replaces the target fields it names and keeps the others, headers
 * included), so an edit made on top of an older version does not undo someone else's change to another field.
 */
export function patchFrom(before, after) {
  const patch = diff(before, after);
  if (isObject(before.target) && isObject(after.target) && "target" in patch) {
    patch.target = diff(before.target, after.target);
  }
  return patch;
}

/** One sentence for a problem document (RFC 9457) or anything thrown. */
export function problemText(p) {
  if (!p) return "Something went wrong.";
  if (typeof p === "string") return p;
  const title = p.title || (p.status ? `HTTP ${p.status}` : "Error");
  return p.detail ? `${title}: ${p.detail}` : title;
}

/** `#/jobs/a%2Fb?q=x` -> { path: ["jobs", "a/b"], query: { q: "x" } }. */
export function parseRoute(hash) {
  const raw = (hash || "").replace(/^#/, "");
  const qi = raw.indexOf("?");
  const pathPart = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = Object.fromEntries(new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : ""));
  const path = pathPart
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { path, query };
}

/** A hash route from path segments and a query, leaving out empty values. */
export function routeHref(path, query = {}) {
  const qs = queryString(query);
  return `#/${path.map(encodeURIComponent).join("/")}${qs ? `?${qs}` : ""}`;
}

/** URL query text from an object, leaving out undefined, null and "". */
export function queryString(query) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    sp.set(k, String(v));
  }
  return sp.toString();
}

/** Field errors of a problem grouped by path: { "trigger.expr": ["..."] }. */
export function errorsByPath(problem) {
  const out = {};
  for (const e of (problem && Array.isArray(problem.errors) ? problem.errors : [])) {
    (out[e.path] ??= []).push(e.message);
  }
  return out;
}

/** The first `max` characters of a text, with an ellipsis when cut. */
export function clip(text, max) {
  if (text === null || text === undefined) return "";
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
