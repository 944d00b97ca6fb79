// The cronhook web UI: a hash-routed single page that talks only to the public JSON API under v1/.
import {
  clip,
  editableJob,
  errorsByPath,
  fmtDuration,
  fmtInZone,
  fmtLocal,
  headerNames,
  parseRoute,
  patchFrom,
  problemText,
  relTime,
  routeHref,
  queryString,
  triggerSummary,
} from "./lib.js";

const TOKEN_KEY = "cronhook.token";
const RUN_STATUSES = ["pending", "running", "succeeded", "failed", "timed_out", "skipped", "missed"];
const JOB_STATES = ["active", "paused", "completed"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const PAGE = 50;
const MASK = "••••••";

// ---------------------------------------------------------------------------------------------
// DOM helpers

/** createElement with attributes, listeners (onclick...) and children; never parses HTML. */
function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") value = v;
    else if (k === "dataset") {
      for (const [dk, dv] of Object.entries(v)) if (dv !== null && dv !== undefined) el.dataset[dk] = dv;
    }
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, kids);
  if (value !== undefined) el.value = value;
  return el;
}

function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : String(k));
  }
}

/** Replaces an element's children; unlike replaceChildren, skips null/false instead of writing "null". */
function put(el, ...kids) {
  el.replaceChildren();
  append(el, kids);
}

const $ = (sel, root = document) => root.querySelector(sel);
let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

/**
 * An instant: local time (UTC in the tooltip) plus a live relative time. A `due` instant (a next fire) that has
 * passed reads "due" until the next refresh brings the following one, rather than "2 s ago".
 */
function when(iso, { rel = true, empty = "—", due = false } = {}) {
  if (!iso) return h("span", { class: "muted" }, empty);
  return h(
    "span",
    { class: "when" },
    h("time", { datetime: iso, title: `${iso} (UTC)` }, fmtLocal(iso)),
    rel ? h("span", { class: "rel", dataset: { ts: iso, due: due ? "1" : null } }, relLabel(iso, due, Date.now())) : null,
  );
}

const relLabel = (iso, due, now) => (due && Date.parse(iso) <= now ? "due" : relTime(iso, now));

function badge(value, kind = "state") {
  return h("span", { class: `badge ${kind}-${value}` }, value.replace("_", " "));
}

function field(label, control, { hint, id = control.id || nextId("f"), path, error } = {}) {
  control.id = id;
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  control.dataset.describedby = hintId || "";
  if (path) control.dataset.path = path;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errId, hidden: !error }, error || ""),
  );
}

/** Text, a number or "—". */
const orDash = (v) => (v === null || v === undefined || v === "" ? h("span", { class: "muted" }, "—") : String(v));

function dl(rows) {
  return h(
    "dl",
    { class: "kv" },
    rows.filter(Boolean).map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
  );
}

function toast(message, kind = "info") {
  const box = $("#toasts");
  const t = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : null }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === "error" ? 9000 : 4000);
}

/** A problem document as a block: title, detail, one line per field error, request id. */
function problemBox(err, extra) {
  const p = err && err.problem ? err.problem : { title: "Error", detail: String(err && err.message ? err.message : err) };
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("strong", null, p.title || `HTTP ${p.status}`),
    p.detail ? h("p", null, p.detail) : null,
    Array.isArray(p.errors) && p.errors.length
      ? h("ul", null, p.errors.map((e) => h("li", null, h("code", null, e.path || "(body)"), " ", e.message)))
      : null,
    extra || null,
    p.requestId ? h("p", { class: "muted small" }, `Request id ${p.requestId}`) : null,
  );
}

// ---------------------------------------------------------------------------------------------
// API client: relative URLs (works behind a path prefix), bearer token from sessionStorage, problems as ApiError

class ApiError extends Error {
  constructor(problem, status) {
    super(problemText(problem));
    this.problem = problem;
    this.status = status;
  }
}

function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lives only as long as this page */
  }
  memoryToken = token || null;
  $("#token-button").hidden = !token;
}
let memoryToken = null;

let tokenPrompt = null;

/**
 * Asks for a bearer token once, however many requests got a 401 meanwhile. Resolves when a token was
 * entered, rejects when the user cancelled.
 */
function askToken(problem) {
  if (tokenPrompt) return tokenPrompt;
  tokenPrompt = new Promise((resolve, reject) => {
    const input = h("input", { type: "password", autocomplete: "off", required: true, spellcheck: "false" });
    const dlg = h(
      "dialog",
      { class: "dialog", "aria-labelledby": "token-title" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: "token-title" }, "API token needed"),
        h("p", null, "This server requires a bearer token for its API. The token is kept in this tab only (sessionStorage)."),
        problem && problem.detail ? h("p", { class: "problem-inline" }, problem.detail) : null,
        field("Token", input),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", value: "ok", class: "primary" }, "Use token"),
          h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel"),
        ),
      ),
    );
    dlg.addEventListener("close", () => {
      dlg.remove();
      tokenPrompt = null;
      const token = input.value.trim();
      if (dlg.returnValue === "ok" && token) {
        setToken(token);
        resolve();
      } else reject(new ApiError(problem || { status: 401, title: "Unauthorized", detail: "An API token is required." }, 401));
    });
    document.body.append(dlg);
    dlg.showModal();
    input.focus();
  });
  return tokenPrompt;
}

/**
 * Calls the API. `background` calls (auto-refresh) never open the token prompt themselves; they wait for
 * one already open, or fail.
 */
async function api(method, path, { body, query, headers, background = false } = {}) {
  const qs = query ? queryString(query) : "";
  const url = `v1/${path}${qs ? `?${qs}` : ""}`;
  for (let attempt = 0; ; attempt++) {
    const hdrs = { Accept: "application/json", ...headers };
    const token = getToken() || memoryToken;
    if (token) hdrs.Authorization = `Bearer ${token}`;
    if (body !== undefined) hdrs["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(url, { method, headers: hdrs, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (e) {
      throw new ApiError({ status: 0, title: "Network error", detail: `The server could not be reached (${e.message}).` }, 0);
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (res.status === 401 && attempt < 5) {
      // A token the server refuses is dropped, so the next page load asks again instead of failing quietly.
      if (token && token === (getToken() || memoryToken)) setToken(null);
      if (background && !tokenPrompt) throw new ApiError(data || { status: 401, title: "Unauthorized" }, 401);
      await askToken(data);
      continue;
    }
    if (!res.ok) {
      const problem = data && typeof data === "object" ? data : { status: res.status, title: res.statusText || `HTTP ${res.status}`, detail: clip(text, 300) };
      throw new ApiError(problem, res.status);
    }
    return { status: res.status, data, headers: res.headers };
  }
}

const jobPath = (id, suffix = "") => `jobs/${encodeURIComponent(id)}${suffix}`;

// ---------------------------------------------------------------------------------------------
// Views: each renders into <main> and registers its timers on a context that dies with the route

class ViewContext {
  constructor() {
    this.controller = new AbortController();
    this.timers = [];
  }
  get alive() {
    return !this.controller.signal.aborted;
  }
  /** Runs fn every ms while this view is shown and the tab is visible. */
  every(ms, fn) {
    let busy = false;
    const id = setInterval(async () => {
      if (busy || document.hidden || !this.alive) return;
      busy = true;
      try {
        await fn();
      } catch {
        /* refresh errors show in the view's own status line */
      } finally {
        busy = false;
      }
    }, ms);
    this.timers.push(id);
  }
  dispose() {
    this.controller.abort();
    for (const id of this.timers) clearInterval(id);
  }
}

let current = null;

function pageHead(title, ...rest) {
  document.title = `${title} · cronhook`;
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, title), ...rest);
}

/** Keeps a container's keyed children in the order of `items`, re-rendering only the ones whose signature changed. */
function syncChildren(container, items, key, sig, render) {
  const existing = new Map();
  let prev = null;
  for (const el of [...container.children]) {
    if (el.dataset.key !== undefined) existing.set(el.dataset.key, el);
    else if (existing.size === 0) prev = el; // leading fixed children (caption, thead) stay first
  }
  for (const item of items) {
    const k = key(item);
    const s = sig(item);
    let el = existing.get(k);
    existing.delete(k);
    if (!el || el.dataset.sig !== s) {
      const fresh = render(item);
      fresh.dataset.key = k;
      fresh.dataset.sig = s;
      if (el) {
        const focusKey = el.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
        el.replaceWith(fresh);
        if (focusKey) $(`[data-focus-key="${CSS.escape(focusKey)}"]`, fresh)?.focus();
      }
      el = fresh;
    }
    const want = prev ? prev.nextSibling : container.firstChild;
    if (want !== el) container.insertBefore(el, want);
    prev = el;
  }
  for (const el of existing.values()) el.remove();
}

/** A list with a "load more" button over a cursor-paginated endpoint, refreshed in place every `refreshMs`. */
function pagedList(ctx, { fetchPage, key, sig, render, empty, container, footer, status, wrap }) {
  let items = [];
  let nextCursor = null;
  const more = h("button", { type: "button", class: "more", hidden: true }, "Load more");
  footer.append(more);

  const draw = () => {
    syncChildren(container, items, key, sig, render);
    more.hidden = !nextCursor;
    empty.hidden = items.length > 0;
    if (wrap) wrap.hidden = items.length === 0;
  };
  const load = async (background = false) => {
    // Refresh what is on screen: as many items as are shown, from the top (capped at the API's 500).
    const limit = Math.min(500, Math.max(PAGE, items.length));
    const page = await fetchPage({ limit }, background);
    if (!ctx.alive) return;
    items = page.items;
    nextCursor = page.nextCursor;
    draw();
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    status.classList.remove("stale");
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    more.textContent = "Loading…";
    try {
      const page = await fetchPage({ limit: PAGE, cursor: nextCursor }, false);
      const seen = new Set(items.map(key));
      items = items.concat(page.items.filter((i) => !seen.has(key(i))));
      nextCursor = page.nextCursor;
      draw();
    } catch (e) {
      toast(problemText(e.problem || e.message), "error");
    } finally {
      more.disabled = false;
      more.textContent = "Load more";
    }
  });
  return {
    load,
    async refresh() {
      if (items.length > 500) return;
      try {
        await load(true);
      } catch (e) {
        status.textContent = e.status === 401 ? "Not refreshing: an API token is needed." : `Refresh failed: ${problemText(e.problem || e.message)}`;
        status.classList.add("stale");
        throw e;
      }
    },
  };
}

// ---- jobs list ---------------------------------------------------------------------------

async function viewJobs(main, ctx, { query }) {
  const search = h("input", { type: "search", value: query.q || "", placeholder: "id, group or description", autocomplete: "off" });
  const state = h(
    "select",
    { value: query.state || "" },
    h("option", { value: "" }, "Any state"),
    JOB_STATES.map((s) => h("option", { value: s }, s)),
  );
  const groupsList = h("datalist", { id: nextId("groups") });
  const group = h("input", { type: "text", value: query.name || "", placeholder: "any group", list: groupsList.id, autocomplete: "off" });
  const filters = h(
    "form",
    { class: "filters", role: "search", onsubmit: (e) => e.preventDefault() },
    field("Search", search, { hint: "Press / to focus" }),
    field("State", state),
    field("Group", group),
    groupsList,
  );
  const status = h("p", { class: "refresh-status muted small", "aria-live": "off" });
  const body = h("tbody");
  const empty = h("p", { class: "empty", hidden: true }, "No jobs match. ", h("a", { href: "#/new" }, "Create a job"), ".");
  const footer = h("div", { class: "list-foot" });
  const table = h(
    "div",
    { class: "table-wrap", hidden: true },
    h(
      "table",
      { class: "list cardify" },
      h("caption", { class: "sr-only" }, "Jobs"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, "Job"),
          h("th", { scope: "col" }, "State"),
          h("th", { scope: "col", class: "opt" }, "Trigger"),
          h("th", { scope: "col" }, "Next fire"),
          h("th", { scope: "col", class: "opt" }, "Last fire"),
          h("th", { scope: "col", class: "num" }, "Runs"),
          h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
        ),
      ),
      body,
    ),
  );
  main.append(pageHead("Jobs", h("a", { class: "button primary", href: "#/new" }, "New job")), filters, status, table, empty, footer);

  const groups = new Set();
  const filterValues = () => ({ q: search.value.trim(), state: state.value, name: group.value.trim() });
  const list = pagedList(ctx, {
    container: body,
    wrap: table,
    footer,
    empty,
    status,
    key: (j) => j.id,
    sig: (j) => `${j.version}|${j.state}|${j.nextFireAt}|${j.lastFireAt}|${j.runCount}`,
    render: (j) => jobRow(j, () => list.refresh().catch(() => {})),
    fetchPage: async (page, background) => {
      const { data } = await api("GET", "jobs", { query: { ...filterValues(), ...page }, background });
      for (const j of data.items) {
        if (!groups.has(j.name)) {
          groups.add(j.name);
          groupsList.append(h("option", { value: j.name }));
        }
      }
      return data;
    },
  });

  let debounce;
  const apply = () => {
    clearTimeout(debounce);
    debounce = setTimeout(async () => {
      history.replaceState(null, "", routeHref(["jobs"], filterValues()));
      try {
        await list.load();
      } catch (e) {
        toast(problemText(e.problem || e.message), "error");
      }
    }, 250);
  };
  search.addEventListener("input", apply);
  group.addEventListener("input", apply);
  state.addEventListener("change", apply);
  const onKey = (e) => {
    if (e.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "")) {
      e.preventDefault();
      search.focus();
    }
  };
  document.addEventListener("keydown", onKey, { signal: ctx.controller.signal });

  await list.load();
  ctx.every(5000, () => list.refresh());
}

function jobRow(j, changed) {
  const busy = async (btn, fn) => {
    btn.disabled = true;
    try {
      await fn();
      changed();
    } catch (e) {
      toast(problemText(e.problem || e.message), "error");
    } finally {
      btn.disabled = false;
    }
  };
  const toggle =
    j.state === "active"
      ? h("button", {
          type: "button",
          class: "small",
          dataset: { focusKey: `pause-${j.id}` },
          "aria-label": `Pause ${j.id}`,
          onclick: async (e) => {
            const r = await askPauseReason(j.id);
            if (r === null) return;
            await busy(e.target, () => api("POST", jobPath(j.id, "/pause"), { body: r ? { reason: r } : {} }).then(() => toast(`Paused ${j.id}`)));
          },
        }, "Pause")
      : j.state === "paused"
        ? h("button", {
            type: "button",
            class: "small",
            dataset: { focusKey: `pause-${j.id}` },
            "aria-label": `Resume ${j.id}`,
            onclick: (e) => busy(e.target, () => api("POST", jobPath(j.id, "/resume")).then(() => toast(`Resumed ${j.id}`))),
          }, "Resume")
        : null;
  const run = h(
    "button",
    {
      type: "button",
      class: "small",
      dataset: { focusKey: `run-${j.id}` },
      "aria-label": `Run ${j.id} now`,
      onclick: (e) => busy(e.target, () => api("POST", jobPath(j.id, "/run")).then(() => toast(`Started a run of ${j.id}`))),
    },
    "Run now",
  );
  return h(
    "tr",
    null,
    h(
      "td",
      { class: "lead" },
      h("a", { href: routeHref(["jobs", j.id]), class: "job-link" }, j.id),
      h("div", { class: "muted small" }, j.name, j.description ? ` · ${clip(j.description, 60)}` : ""),
    ),
    h("td", { class: "state" }, badge(j.state)),
    h("td", { class: "opt mono small", "data-label": "Trigger" }, triggerSummary(j.trigger)),
    h("td", { "data-label": "Next fire" }, when(j.nextFireAt, { empty: j.state === "paused" ? "paused" : "—", due: true })),
    h("td", { class: "opt", "data-label": "Last fire" }, when(j.lastFireAt, { empty: "never" })),
    h("td", { class: "num", "data-label": "Runs" }, String(j.runCount)),
    h("td", { class: "row-actions" }, toggle, run),
  );
}

// ---- job detail ----------------------------------------------------------------------------

function askPauseReason(id) {
  return dialog({
    title: `Pause ${id}?`,
    text: "It stops firing until resumed. A reason helps the next person who looks.",
    input: { label: "Reason (optional)", maxlength: 500 },
    confirm: "Pause",
  });
}

/**
 * A modal dialog. Resolves to the input's value (or true without an input) when confirmed, null when cancelled.
 */
function dialog({ title, text, input, confirm, danger = false }) {
  return new Promise((resolve) => {
    const titleId = nextId("dlg");
    const control = input ? h("input", { type: "text", maxlength: input.maxlength || null, autocomplete: "off" }) : null;
    const ok = h("button", { type: "submit", value: "ok", class: danger ? "danger" : "primary" }, confirm);
    const dlg = h(
      "dialog",
      { class: "dialog", "aria-labelledby": titleId },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: titleId }, title),
        text ? h("p", null, text) : null,
        control ? field(input.label, control) : null,
        h("div", { class: "actions" }, ok, h("button", { type: "submit", value: "cancel" }, "Cancel")),
      ),
    );
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (dlg.returnValue !== "ok") resolve(null);
      else resolve(control ? control.value.trim() : true);
    });
    document.body.append(dlg);
    dlg.showModal();
    (control || (danger ? dlg.querySelector('button[value="cancel"]') : ok)).focus();
  });
}

async function viewJob(main, ctx, { id }) {
  let job;
  try {
    job = (await api("GET", jobPath(id))).data;
  } catch (e) {
    main.append(pageHead(id), problemBox(e, h("p", null, h("a", { href: "#/jobs" }, "Back to the jobs"))));
    return;
  }
  const title = pageHead(job.id);
  const head = h("div", { class: "job-head" });
  const actions = h("div", { class: "actions wrap", role: "group", "aria-label": "Job actions" });
  const runResult = h("div", { class: "run-result", "aria-live": "polite" });
  const details = h("div", { class: "cards" });
  const editor = h("section", { class: "card editor", hidden: true, "aria-labelledby": "edit-title" });
  const runsStatus = h("p", { class: "refresh-status muted small" });
  const runsTbl = runsTable(false);
  const runsEmpty = h("p", { class: "empty", hidden: true }, "No runs yet.");
  const runsFoot = h("div", { class: "list-foot" });
  const runStatus = h("select", null, h("option", { value: "" }, "Any status"), RUN_STATUSES.map((s) => h("option", { value: s }, s.replace("_", " "))));

  main.append(
    h("p", { class: "crumbs" }, h("a", { href: "#/jobs" }, "Jobs"), " / "),
    title,
    head,
    actions,
    runResult,
    editor,
    details,
    h(
      "section",
      { class: "history", "aria-labelledby": "runs-title" },
      h("div", { class: "section-head" }, h("h2", { id: "runs-title" }, "Run history"), h("form", { class: "filters inline", onsubmit: (e) => e.preventDefault() }, field("Status", runStatus))),
      runsStatus,
      runsTbl.wrap,
      runsEmpty,
      runsFoot,
    ),
  );

  const reload = async (background = false) => {
    const fresh = (await api("GET", jobPath(id), { background })).data;
    if (!ctx.alive) return;
    const changed = JSON.stringify(fresh) !== JSON.stringify(job);
    job = fresh;
    if (changed || !head.firstChild) draw();
  };

  const act = async (btn, label, fn) => {
    btn.disabled = true;
    try {
      await fn();
      toast(label);
      await reload();
      runs.refresh().catch(() => {});
    } catch (e) {
      toast(problemText(e.problem || e.message), "error");
    } finally {
      btn.disabled = false;
    }
  };

  const draw = () => {
    put(head, 
      badge(job.state),
      h("span", { class: "muted" }, " group ", h("a", { href: routeHref(["jobs"], { name: job.name }) }, job.name)),
      job.description ? h("p", { class: "desc" }, job.description) : null,
      job.state === "paused" && job.pausedReason ? h("p", { class: "notice" }, "Paused: ", job.pausedReason) : null,
    );
    const pauseBtn =
      job.state === "active"
        ? h("button", {
            type: "button",
            onclick: async (e) => {
              const reason = await askPauseReason(job.id);
              if (reason === null) return;
              await act(e.target, `Paused ${job.id}`, () => api("POST", jobPath(job.id, "/pause"), { body: reason ? { reason } : {} }));
            },
          }, "Pause")
        : job.state === "paused"
          ? h("button", { type: "button", onclick: (e) => act(e.target, `Resumed ${job.id}`, () => api("POST", jobPath(job.id, "/resume"))) }, "Resume")
          : null;
    put(actions, 
      pauseBtn,
      h("button", { type: "button", class: "primary", onclick: (e) => runNow(e.target) }, "Run now"),
      h("button", { type: "button", onclick: () => openEditor(), "aria-expanded": String(!editor.hidden), dataset: { edit: "1" } }, "Edit as JSON"),
      h("button", { type: "button", class: "danger", onclick: (e) => del(e.target) }, "Delete"),
    );
    put(details, scheduleCard(job), targetCard(job), policiesCard(job));
  };

  const runNow = async (btn) => {
    btn.disabled = true;
    btn.textContent = "Running…";
    put(runResult, h("p", { class: "muted" }, "Sending the request and waiting for the result…"));
    try {
      const { status, data } = await api("POST", jobPath(job.id, "/run"), { query: { wait: "true", timeoutMs: 60000 } });
      if (!ctx.alive) return;
      put(runResult, 
        h(
          "div",
          { class: "card result" },
          h("h2", null, status === 200 ? "Run finished" : "Run still in flight"),
          runSummary(data),
          status === 200 ? null : h("p", { class: "muted" }, "It did not end within 60 s; its outcome will appear in the history below."),
          h("div", { class: "actions" }, h("button", { type: "button", class: "small", onclick: () => runResult.replaceChildren() }, "Dismiss")),
        ),
      );
      await reload();
      runs.refresh().catch(() => {});
    } catch (e) {
      put(runResult, problemBox(e));
    } finally {
      btn.disabled = false;
      btn.textContent = "Run now";
    }
  };

  const del = async (btn) => {
    const ok = await dialog({
      title: `Delete ${job.id}?`,
      text: "The job stops firing and is removed. Its run history stays until cleared. This cannot be undone.",
      confirm: "Delete job",
      danger: true,
    });
    if (!ok) return;
    btn.disabled = true;
    try {
      await api("DELETE", jobPath(job.id));
      toast(`Deleted ${job.id}`);
      location.hash = "#/jobs";
    } catch (e) {
      toast(problemText(e.problem || e.message), "error");
      btn.disabled = false;
    }
  };

  const openEditor = () => {
    if (!editor.hidden) {
      editor.querySelector("textarea")?.focus();
      return;
    }
    editor.hidden = false;
    renderEditor(editor, job, {
      onSaved: (saved) => {
        job = saved;
        editor.hidden = true;
        editor.replaceChildren();
        draw();
        toast(`Saved ${saved.id} (version ${saved.version})`);
        actions.querySelector("[data-edit]")?.focus();
      },
      onCancel: () => {
        editor.hidden = true;
        editor.replaceChildren();
        draw();
      },
      latest: async () => {
        await reload();
        return job;
      },
    });
    draw();
  };

  draw();
  const runs = pagedList(ctx, {
    container: runsTbl.table,
    wrap: runsTbl.wrap,
    footer: runsFoot,
    empty: runsEmpty,
    status: runsStatus,
    key: (r) => r.id,
    sig: runSig,
    render: (r) => runRow(r, { showJob: false }),
    fetchPage: async (page, background) =>
      (await api("GET", jobPath(job.id, "/runs"), { query: { status: runStatus.value, ...page }, background })).data,
  });
  runStatus.addEventListener("change", () => runs.load().catch((e) => toast(problemText(e.problem || e.message), "error")));
  await runs.load();
  ctx.every(3000, async () => {
    try {
      await reload(true);
    } catch (e) {
      if (e.status === 404) {
        put(head, h("p", { class: "notice" }, "This job no longer exists."));
        actions.replaceChildren();
        return;
      }
      throw e;
    }
    await runs.refresh();
  });
}

function scheduleCard(job) {
  const t = job.trigger;
  const rows = [
    ["Trigger", h("code", null, triggerSummary(t))],
    t.type === "interval" ? ["Cadence from", when(t.anchorAt, { rel: false })] : null,
    t.type === "fields" && t.effective
      ? ["Effective fields", h("code", null, Object.entries(t.effective).map(([k, v]) => `${k}=${v}`).join(" "))]
      : null,
    ["Next fire", nextFireCell(job)],
    ["Last fire", when(job.lastFireAt, { empty: "never" })],
    ["Runs", `${job.runCount}${job.maxRuns ? ` of at most ${job.maxRuns}` : ""}`],
    job.startAt ? ["Not before", when(job.startAt)] : null,
    job.endAt ? ["Not after", when(job.endAt)] : null,
    job.jitterMs ? ["Jitter", `up to ${fmtDuration(job.jitterMs)}`] : null,
    Object.keys(job.labels || {}).length ? ["Labels", h("span", { class: "labels" }, Object.entries(job.labels).map(([k, v]) => h("span", { class: "label" }, `${k}: ${v}`)))] : null,
    ["Version", String(job.version)],
    ["Created", when(job.createdAt, { rel: false })],
    ["Updated", when(job.updatedAt)],
  ];
  return h("section", { class: "card", "aria-labelledby": "sched-title" }, h("h2", { id: "sched-title" }, "Schedule"), dl(rows));
}

function nextFireCell(job) {
  if (!job.nextFireAt) return h("span", { class: "muted" }, job.state === "paused" ? "paused" : job.state === "completed" ? "completed: no more fires" : "—");
  const tz = job.trigger.timezone;
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const inZone = tz && tz !== local ? fmtInZone(job.nextFireAt, tz) : "";
  return h("span", null, when(job.nextFireAt, { due: true }), inZone ? h("span", { class: "muted small block" }, `${inZone} in ${tz}`) : null);
}

function targetCard(job) {
  const t = job.target;
  const names = headerNames(t.headers);
  const rows = [
    ["Request", h("span", null, h("strong", { class: "method" }, t.method), " ", h("code", { class: "url" }, t.url))],
    [
      "Headers",
      names.length
        ? h("ul", { class: "headers" }, names.map((n) => h("li", null, h("code", null, n), ": ", h("span", { class: "masked", "aria-label": "value hidden" }, MASK))))
        : orDash(null),
    ],
    ["Body", t.body ? h("details", null, h("summary", null, `${t.body.length} characters`), h("pre", { class: "pre" }, t.body)) : orDash(null)],
    ["Timeout", fmtDuration(t.timeoutMs)],
    ["Retry", t.retry.maxAttempts > 1 ? `${t.retry.maxAttempts} attempts, backoff ${fmtDuration(t.retry.backoffMs)} doubling up to ${fmtDuration(t.retry.maxBackoffMs)}` : "no retry"],
    ["Success", t.successStatus ? t.successStatus.join(", ") : "any 2xx"],
  ];
  return h("section", { class: "card", "aria-labelledby": "target-title" }, h("h2", { id: "target-title" }, "Target"), dl(rows));
}

function policiesCard(job) {
  const misfire = {
    once: "send the latest missed fire once",
    skip: "record missed fires, send none",
    all: "send every missed fire",
  };
  const overlap = {
    skip: "skip a fire while the previous run is in flight",
    queue: "queue it until the previous run ends",
    allow: "send it at once, in parallel",
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "pol-title" },
    h("h2", { id: "pol-title" }, "Policies"),
    dl([
      ["Misfire", h("span", null, h("code", null, job.misfire.policy), ` ${misfire[job.misfire.policy] || ""}`)],
      ["Grace", fmtDuration(job.misfire.graceMs)],
      ["Overlap", h("span", null, h("code", null, job.overlap), ` ${overlap[job.overlap] || ""}`)],
    ]),
  );
}

/**
 * The edit-as-JSON panel: PATCH with If-Match so a concurrent change answers 412 instead of being overwritten.
 * The patch is always what the user changed relative to the text they started from (`from`); after a conflict
 * it can be applied on top of the current version (`version`), keeping the other change.
 */
function renderEditor(box, job, { onSaved, onCancel, latest }) {
  let from = editableJob(job);
  let version = job.version;
  const area = h("textarea", { rows: 22, spellcheck: "false", class: "mono", "aria-describedby": "edit-help" });
  area.value = JSON.stringify(from, null, 2);
  const out = h("div", { "aria-live": "polite" });
  const versionNote = h("span", null);
  const setVersion = (v) => {
    version = v;
    versionNote.textContent = `Saving over version ${v}.`;
  };
  setVersion(job.version);
  const save = h("button", { type: "submit", class: "primary" }, "Save changes");
  const form = h(
    "form",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        let edited;
        try {
          edited = JSON.parse(area.value);
          if (!edited || typeof edited !== "object" || Array.isArray(edited)) throw new Error("expected a JSON object");
        } catch (err) {
          put(out, h("div", { class: "problem", role: "alert" }, h("strong", null, "Not valid JSON"), h("p", null, err.message)));
          area.focus();
          return;
        }
        const patch = patchFrom(from, edited);
        if (Object.keys(patch).length === 0) {
          put(out, h("p", { class: "notice" }, "Nothing changed."));
          return;
        }
        save.disabled = true;
        try {
          const { data } = await api("PATCH", jobPath(job.id), { body: patch, headers: { "If-Match": String(version) } });
          onSaved(data);
        } catch (err) {
          if (err.status === 412 || err.status === 409) {
            put(out, 
              problemBox(
                err,
                h(
                  "div",
                  null,
                  h("p", null, `Someone changed this job after you opened the editor (you were saving over version ${version}). Nothing was saved; your text is still in the box.`),
                  h(
                    "div",
                    { class: "actions" },
                    h("button", {
                      type: "button",
                      onclick: async () => {
                        const fresh = await latest();
                        from = editableJob(fresh);
                        setVersion(fresh.version);
                        area.value = JSON.stringify(from, null, 2);
                        put(out, h("p", { class: "notice" }, `Loaded version ${fresh.version}; your edits were discarded.`));
                        area.focus();
                      },
                    }, "Load the current version (discard my edits)"),
                    h("button", {
                      type: "button",
                      onclick: async () => {
                        const fresh = await latest();
                        setVersion(fresh.version);
                        put(out, h("p", { class: "notice" }, `Version ${fresh.version} is now the base. Saving sends only your own changes (${Object.keys(patch).join(", ")}); the other changes in version ${fresh.version} stay.`));
                        area.focus();
                      },
                    }, "Keep my text, apply it to the current version"),
                  ),
                ),
              ),
            );
          } else put(out, problemBox(err));
        } finally {
          save.disabled = false;
        }
      },
    },
    h("h2", { id: "edit-title" }, "Edit as JSON"),
    h(
      "p",
      { id: "edit-help", class: "hint" },
      versionNote,
      " Only the fields you change are sent (PATCH, If-Match: version). Remove a field to clear it. Header values are never shown: to replace all headers add ",
      h("code", null, '"headers": { ... }'),
      " inside ",
      h("code", null, "target"),
      ".",
    ),
    h("label", { for: "edit-json", class: "sr-only" }, "Job as JSON"),
    area,
    out,
    h("div", { class: "actions" }, save, h("button", { type: "button", onclick: onCancel }, "Cancel")),
  );
  area.id = "edit-json";
  put(box, form);
  area.focus();
}

// ---- runs --------------------------------------------------------------------------------

const runSig = (r) => `${r.status}|${r.finishedAt}|${r.attempts}`;

/** A runs table: `table` holds one <tbody> per run (see runRow), `wrap` scrolls it on narrow screens. */
function runsTable(showJob = false) {
  const table = h(
      "table",
      { class: "list runs-table cardify" },
      h("caption", { class: "sr-only" }, "Runs"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Details")),
          showJob ? h("th", { scope: "col" }, "Job") : null,
          h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col", class: "opt" }, "Trigger"),
          h("th", { scope: "col" }, "Scheduled"),
          h("th", { scope: "col", class: "opt" }, "Started"),
          h("th", { scope: "col", class: "num" }, "Duration"),
          h("th", { scope: "col", class: "num" }, "HTTP"),
          h("th", { scope: "col", class: "opt" }, "Error"),
        ),
      ),
  );
  return { table, wrap: h("div", { class: "table-wrap" }, table) };
}

/** One run as a <tbody>: the row, and a details row toggled by its first cell's button. */
function runRow(r, { showJob }) {
  const detailId = `run-${r.id}`;
  const detail = h(
    "tr",
    { class: "run-detail", id: detailId, hidden: true },
    h("td", { colspan: showJob ? 9 : 8 }, runSummary(r)),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: "icon",
      "aria-expanded": "false",
      "aria-controls": detailId,
      "aria-label": `Details of run ${r.id}`,
      dataset: { focusKey: `toggle-${r.id}` },
      onclick: () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        detail.hidden = !open;
        expanded[open ? "add" : "delete"](r.id);
      },
    },
    "▸",
  );
  if (expanded.has(r.id)) {
    toggle.setAttribute("aria-expanded", "true");
    detail.hidden = false;
  }
  return h(
    "tbody",
    null,
    h(
      "tr",
      null,
      h("td", { class: "toggle" }, toggle),
      showJob ? h("td", { class: "lead" }, h("a", { href: routeHref(["jobs", r.jobId]) }, r.jobId), h("div", { class: "muted small" }, r.jobName)) : null,
      h("td", { class: "state" }, badge(r.status, "run")),
      h("td", { class: "opt", "data-label": "Trigger" }, r.trigger),
      h("td", { "data-label": "Scheduled" }, when(r.scheduledAt)),
      h("td", { class: "opt", "data-label": "Started" }, when(r.startedAt, { rel: false })),
      h("td", { class: "num", "data-label": "Duration" }, fmtDuration(r.durationMs) || orDash(null)),
      h("td", { class: "num", "data-label": "HTTP" }, orDash(r.httpStatus)),
      h("td", { class: "opt error-cell", title: r.error || null, "data-label": r.error ? "Error" : null }, r.error ? clip(r.error, 60) : ""),
    ),
    detail,
  );
}
const expanded = new Set();

function runSummary(r) {
  return h(
    "div",
    { class: "run-summary" },
    dl([
      ["Status", h("span", null, badge(r.status, "run"), r.attempts > 1 ? ` after ${r.attempts} attempts` : "")],
      ["HTTP status", orDash(r.httpStatus)],
      ["Duration", fmtDuration(r.durationMs) || orDash(null)],
      ["Trigger", r.trigger],
      ["Scheduled", when(r.scheduledAt)],
      ["Started", when(r.startedAt, { rel: false })],
      ["Finished", when(r.finishedAt, { rel: false })],
      ["Instance", orDash(r.instanceId)],
      ["Run id", h("code", null, r.id)],
      r.error ? ["Error", h("span", { class: "error-text" }, r.error)] : null,
    ]),
    r.response !== null && r.response !== undefined
      ? h("div", null, h("h3", null, "Response (first bytes)"), h("pre", { class: "pre" }, r.response || "(empty)"))
      : null,
  );
}

async function viewRuns(main, ctx, { query }) {
  const status = h("select", { value: query.status || "" }, h("option", { value: "" }, "Any status"), RUN_STATUSES.map((s) => h("option", { value: s }, s.replace("_", " "))));
  const jobId = h("input", { type: "text", value: query.jobId || "", placeholder: "any job", autocomplete: "off" });
  const group = h("input", { type: "text", value: query.name || "", placeholder: "any group", autocomplete: "off" });
  const refreshStatus = h("p", { class: "refresh-status muted small" });
  const empty = h("p", { class: "empty", hidden: true }, "No runs match.");
  const footer = h("div", { class: "list-foot" });
  const runsTbl = runsTable(true);
  main.append(
    pageHead("Runs"),
    h("form", { class: "filters", role: "search", onsubmit: (e) => e.preventDefault() }, field("Status", status), field("Job id", jobId), field("Group", group)),
    refreshStatus,
    runsTbl.wrap,
    empty,
    footer,
  );
  const values = () => ({ status: status.value, jobId: jobId.value.trim(), name: group.value.trim() });
  const list = pagedList(ctx, {
    container: runsTbl.table,
    wrap: runsTbl.wrap,
    footer,
    empty,
    status: refreshStatus,
    key: (r) => r.id,
    sig: runSig,
    render: (r) => runRow(r, { showJob: true }),
    fetchPage: async (page, background) => (await api("GET", "runs", { query: { ...values(), ...page }, background })).data,
  });
  let debounce;
  const apply = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      history.replaceState(null, "", routeHref(["runs"], values()));
      list.load().catch((e) => toast(problemText(e.problem || e.message), "error"));
    }, 250);
  };
  status.addEventListener("change", apply);
  jobId.addEventListener("input", apply);
  group.addEventListener("input", apply);
  await list.load();
  ctx.every(4000, () => list.refresh());
}

// ---- create ------------------------------------------------------------------------------

async function viewNew(main, ctx) {
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zoneList = h("datalist", { id: "zones" }, ["UTC", ...zones].map((z) => h("option", { value: z })));

  const inp = (props = {}) => h("input", { type: "text", autocomplete: "off", spellcheck: "false", ...props });
  const el = {
    id: inp({ maxlength: 200, placeholder: "generated if empty" }),
    name: inp({ maxlength: 200, placeholder: "default" }),
    description: inp({ maxlength: 2000 }),
    type: h("select", null, h("option", { value: "cron" }, "cron"), h("option", { value: "interval" }, "interval"), h("option", { value: "date" }, "date (once)")),
    expr: inp({ value: "*/30 * * * * *", class: "mono" }),
    timezone: inp({ value: "UTC", list: "zones" }),
    every: inp({ value: "5m", class: "mono" }),
    anchorAt: h("input", { type: "datetime-local", step: "1" }),
    at: h("input", { type: "datetime-local", step: "1" }),
    atNow: h("input", { type: "checkbox" }),
    url: inp({ type: "url", required: true, placeholder: "scheme://host/path", class: "mono" }),
    method: h("select", { value: "POST" }, METHODS.map((m) => h("option", { value: m }, m))),
    body: h("textarea", { rows: 4, class: "mono", spellcheck: "false" }),
    timeoutMs: inp({ type: "number", min: 100, max: 600000, step: 100, value: "30000", inputmode: "numeric" }),
    maxAttempts: inp({ type: "number", min: 1, max: 20, value: "1", inputmode: "numeric" }),
    backoffMs: inp({ type: "number", min: 0, value: "1000", inputmode: "numeric" }),
    misfire: h("select", { value: "once" }, h("option", { value: "once" }, "once: send the latest missed fire"), h("option", { value: "skip" }, "skip: send none"), h("option", { value: "all" }, "all: send every missed fire")),
    graceMs: inp({ type: "number", min: 0, value: "10000", inputmode: "numeric" }),
    overlap: h("select", { value: "skip" }, h("option", { value: "skip" }, "skip: drop the fire"), h("option", { value: "queue" }, "queue: send after the previous run"), h("option", { value: "allow" }, "allow: send in parallel")),
    maxRuns: inp({ type: "number", min: 1, inputmode: "numeric" }),
    paused: h("input", { type: "checkbox" }),
  };
  const soon = new Date(Date.now() + 3600_000);
  el.at.value = localInputValue(soon);

  const headerRows = h("div", { class: "header-rows" });
  const addHeader = (name = "", value = "") => {
    const n = headerRows.children.length + 1;
    const nameIn = inp({ value: name, placeholder: "name", "aria-label": `Header ${n} name`, class: "mono" });
    const valueIn = h("input", { type: "password", value, placeholder: "value (hidden)", autocomplete: "new-password", "aria-label": `Header ${n} value`, class: "mono" });
    const row = h(
      "div",
      { class: "header-row" },
      nameIn,
      valueIn,
      h("button", { type: "button", class: "small", "aria-label": `Remove header ${n}`, onclick: () => row.remove() }, "Remove"),
    );
    headerRows.append(row);
    return nameIn;
  };

  const cronFields = h("div", { class: "trigger-fields" }, field("Cron expression", el.expr, { path: "trigger.expr", hint: "5 fields (minutes), 6 (leading seconds) or 7 (trailing year); MON, JAN, L, W, # allowed." }), field("Time zone", el.timezone, { path: "trigger.timezone", hint: h("span", null, "IANA name. ", h("button", { type: "button", class: "link-button", onclick: () => { el.timezone.value = localZone; changed(); } }, `Use mine (${localZone})`)) }), zoneList);
  const intervalFields = h("div", { class: "trigger-fields", hidden: true }, field("Every", el.every, { path: "trigger.every", hint: "500ms, 10s, 5m, 1h30m, 2d, 1w or milliseconds; at least 100 ms." }), field("Measured from (optional)", el.anchorAt, { path: "trigger.anchorAt", hint: "Your local time. Default: when the job is created." }));
  const dateFields = h(
    "div",
    { class: "trigger-fields", hidden: true },
    field("At", el.at, { path: "trigger.at", hint: `Your local time (${localZone}).` }),
    h("div", { class: "field check" }, el.atNow, h("label", { for: (el.atNow.id = nextId("now")) }, "Fire once, right after creation")),
  );
  const preview = h("div", { class: "preview", "aria-live": "polite" });
  const summary = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create job");

  const form = h(
    "form",
    { class: "create", novalidate: true },
    summary,
    h(
      "fieldset",
      null,
      h("legend", null, "Job"),
      h("div", { class: "grid" }, field("Id", el.id, { path: "id", hint: "Up to 200 characters; how scripts and the API name it." }), field("Group", el.name, { path: "name" }), field("Description", el.description, { path: "description" })),
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "When"),
      h("div", { class: "trigger-layout" }, h("div", null, field("Trigger type", el.type, { path: "trigger.type" }), cronFields, intervalFields, dateFields), h("div", { class: "preview-box" }, h("h3", null, "Next fire times"), preview)),
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "Request"),
      h("div", { class: "grid" }, field("Method", el.method, { path: "target.method" }), field("URL", el.url, { path: "target.url" }), field("Timeout (ms)", el.timeoutMs, { path: "target.timeoutMs" })),
      h("div", { class: "field" }, h("span", { class: "field-label", id: "headers-label" }, "Headers"), h("div", { role: "group", "aria-labelledby": "headers-label" }, headerRows), h("button", { type: "button", class: "small", onclick: () => addHeader().focus() }, "Add header"), h("p", { class: "hint" }, "e.g. content-type: application/json. Values are sent to the target and never shown again."), h("p", { class: "field-error", "data-for": "target.headers", hidden: true })),
      field("Body", el.body, { path: "target.body" }),
    ),
    h(
      "details",
      { class: "advanced" },
      h("summary", null, "Retries, misfires, overlap, limits"),
      h(
        "fieldset",
        null,
        h("legend", { class: "sr-only" }, "Policies"),
        h(
          "div",
          { class: "grid" },
          field("Attempts per fire", el.maxAttempts, { path: "target.retry.maxAttempts", hint: "1 = no retry" }),
          field("First backoff (ms)", el.backoffMs, { path: "target.retry.backoffMs", hint: "doubles each attempt" }),
          field("Misfire policy", el.misfire, { path: "misfire.policy", hint: "Fires missed while no scheduler ran." }),
          field("Misfire grace (ms)", el.graceMs, { path: "misfire.graceMs" }),
          field("Overlap", el.overlap, { path: "overlap", hint: "A fire due while the previous run is in flight." }),
          field("Max runs (optional)", el.maxRuns, { path: "maxRuns" }),
        ),
        h("div", { class: "field check" }, el.paused, h("label", { for: (el.paused.id = nextId("paused")) }, "Create it paused")),
      ),
    ),
    h("div", { class: "actions" }, submit, h("a", { class: "button", href: "#/jobs" }, "Cancel")),
  );
  main.append(pageHead("New job"), form);

  const trigger = () => {
    const type = el.type.value;
    if (type === "cron") return { type, expr: el.expr.value.trim(), timezone: el.timezone.value.trim() || "UTC" };
    if (type === "interval") {
      const every = el.every.value.trim();
      const t = { type, every: /^\d+$/.test(every) ? Number(every) : every };
      if (el.anchorAt.value) t.anchorAt = isoFromLocal(el.anchorAt.value);
      return t;
    }
    return { type, at: el.atNow.checked ? "now" : el.at.value ? isoFromLocal(el.at.value) : "" };
  };

  const clearErrors = (prefix) => {
    for (const p of form.querySelectorAll(".field-error")) {
      const control = p.parentElement.querySelector("[data-path]");
      const path = control?.dataset.path || p.dataset.for || "";
      if (prefix && !path.startsWith(prefix)) continue;
      p.hidden = true;
      p.textContent = "";
      if (control) {
        control.removeAttribute("aria-invalid");
        if (control.dataset.describedby) control.setAttribute("aria-describedby", control.dataset.describedby);
        else control.removeAttribute("aria-describedby");
      }
    }
  };
  /** Puts each field error under its control; returns the errors no control claimed. */
  const showErrors = (problem) => {
    const byPath = errorsByPath(problem);
    const left = [];
    let first = null;
    for (const [path, msgs] of Object.entries(byPath)) {
      const control = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
      const slot = control ? control.parentElement.querySelector(".field-error") : form.querySelector(`.field-error[data-for="${CSS.escape(path)}"]`) || (path.startsWith("target.headers") ? form.querySelector('.field-error[data-for="target.headers"]') : null);
      if (!slot) {
        left.push(...msgs.map((m) => ({ path, message: m })));
        continue;
      }
      slot.textContent = msgs.join("; ");
      slot.hidden = false;
      if (control) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", `${control.dataset.describedby || ""} ${slot.id}`.trim());
        if (control.closest("details")) control.closest("details").open = true;
        first ??= control;
      }
    }
    return { left, first };
  };

  let seq = 0;
  let timer;
  const zoneNote = () => {
    const tz = el.type.value === "cron" ? el.timezone.value.trim() : "";
    return tz && tz !== localZone ? tz : "";
  };
  const runPreview = async () => {
    const mine = ++seq;
    const t = trigger();
    if ((t.type === "date" && !t.at) || (t.type === "cron" && !t.expr) || (t.type === "interval" && t.every === "")) {
      put(preview, h("p", { class: "muted" }, "Fill in the trigger to see when it fires."));
      return;
    }
    try {
      const { data } = await api("POST", "triggers/preview", { body: { trigger: t, count: 5 } });
      if (mine !== seq || !ctx.alive) return;
      clearErrors("trigger");
      const tz = zoneNote();
      put(preview, 
        data.fireTimes.length
          ? h(
              "ol",
              { class: "fire-times" },
              data.fireTimes.map((iso) => h("li", null, when(iso), tz ? h("span", { class: "muted small block" }, `${fmtInZone(iso, tz)} in ${tz}`) : null)),
            )
          : h("p", { class: "muted" }, "This trigger never fires again."),
        h("p", { class: "muted small" }, `Shown in your time zone (${localZone}).`),
      );
    } catch (e) {
      if (mine !== seq || !ctx.alive) return;
      clearErrors("trigger");
      const { left } = showErrors(e.problem);
      put(preview, h("p", { class: "muted" }, "No preview: the trigger is not valid."), left.length || !e.problem?.errors ? problemBox(e) : null);
    }
  };
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(runPreview, 300);
  };
  const showType = () => {
    cronFields.hidden = el.type.value !== "cron";
    intervalFields.hidden = el.type.value !== "interval";
    dateFields.hidden = el.type.value !== "date";
    el.at.disabled = el.atNow.checked;
    changed();
  };
  el.type.addEventListener("change", showType);
  el.atNow.addEventListener("change", showType);
  for (const c of [el.expr, el.timezone, el.every, el.anchorAt, el.at]) c.addEventListener("input", changed);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors("");
    summary.replaceChildren();
    const body = buildJob();
    if (!body.target.url) {
      showErrors({ errors: [{ path: "target.url", message: "Enter the URL this job calls." }] });
      el.url.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Creating…";
    try {
      const { data } = await api("POST", "jobs", { body });
      toast(`Created ${data.id}`);
      location.hash = routeHref(["jobs", data.id]);
    } catch (err) {
      const { left, first } = showErrors(err.problem);
      const rest = left.length ? { ...err.problem, errors: left } : { ...err.problem, errors: undefined };
      put(summary, problemBox(err instanceof ApiError ? { problem: rest } : err));
      (first || summary).focus?.();
      if (!first) summary.scrollIntoView({ block: "nearest" });
    } finally {
      submit.disabled = false;
      submit.textContent = "Create job";
    }
  });

  const num = (input) => (input.value.trim() === "" ? undefined : Number(input.value));
  const buildJob = () => {
    const headers = {};
    for (const row of headerRows.children) {
      const [n, v] = row.querySelectorAll("input");
      if (n.value.trim()) headers[n.value.trim()] = v.value;
    }
    const target = { url: el.url.value.trim(), method: el.method.value };
    if (Object.keys(headers).length) target.headers = headers;
    if (el.body.value !== "") target.body = el.body.value;
    if (num(el.timeoutMs) !== undefined) target.timeoutMs = num(el.timeoutMs);
    const attempts = num(el.maxAttempts);
    if (attempts !== undefined && attempts !== 1) target.retry = { maxAttempts: attempts, ...(num(el.backoffMs) !== undefined ? { backoffMs: num(el.backoffMs) } : {}) };
    const job = { trigger: trigger(), target, misfire: { policy: el.misfire.value }, overlap: el.overlap.value };
    if (num(el.graceMs) !== undefined) job.misfire.graceMs = num(el.graceMs);
    if (el.id.value.trim()) job.id = el.id.value.trim();
    if (el.name.value.trim()) job.name = el.name.value.trim();
    if (el.description.value.trim()) job.description = el.description.value.trim();
    if (num(el.maxRuns) !== undefined) job.maxRuns = num(el.maxRuns);
    if (el.paused.checked) job.state = "paused";
    return job;
  };

  summary.tabIndex = -1;
  runPreview();
}

/** A Date as the value of <input type=datetime-local> (local wall time, seconds). */
function localInputValue(d) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A datetime-local value (the browser's wall time) as an ISO instant. */
function isoFromLocal(v) {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

// ---- scheduler ---------------------------------------------------------------------------

async function viewScheduler(main, ctx) {
  const content = h("div");
  const status = h("p", { class: "refresh-status muted small" });
  main.append(pageHead("Scheduler"), status, content);
  let s;
  const draw = () => {
    const paused = s.state === "paused";
    const act = async (btn, method, label) => {
      btn.disabled = true;
      try {
        await api("POST", `scheduler/${method}`);
        toast(label);
        await load();
        refreshHeader();
      } catch (e) {
        toast(problemText(e.problem || e.message), "error");
      } finally {
        btn.disabled = false;
      }
    };
    const toggle = h(
      "button",
      {
        type: "button",
        class: paused ? "primary" : "danger",
        onclick: async (e) => {
          const ok = await dialog(
            paused
              ? { title: "Resume the scheduler?", text: "Every instance starts firing again. Fires missed meanwhile follow each job's misfire policy.", confirm: "Resume scheduler" }
              : { title: "Pause the scheduler?", text: "No job fires anywhere in the cluster until it is resumed. Jobs keep their own state; the API keeps working.", confirm: "Pause scheduler", danger: true },
          );
          if (ok) await act(e.target, paused ? "resume" : "pause", paused ? "Scheduler resumed" : "Scheduler paused");
        },
      },
      paused ? "Resume scheduler" : "Pause scheduler",
    );
    put(content, 
      h("div", { class: "actions" }, toggle, h("button", { type: "button", onclick: (e) => act(e.target, "wakeup", "Scheduler re-planned") }, "Wake up now")),
      h(
        "div",
        { class: "cards" },
        h(
          "section",
          { class: "card", "aria-labelledby": "st-title" },
          h("h2", { id: "st-title" }, "State"),
          dl([
            ["Firing", h("span", null, badge(s.state, "sched"), paused ? " no job fires until resumed" : "")],
            ["Next wakeup", when(s.nextWakeupAt, { due: true })],
            ["In flight", String(s.inFlight)],
            ["Jobs", h("span", null, h("a", { href: routeHref(["jobs"], { state: "active" }) }, `${s.jobs.active} active`), " · ", h("a", { href: routeHref(["jobs"], { state: "paused" }) }, `${s.jobs.paused} paused`), " · ", h("a", { href: routeHref(["jobs"], { state: "completed" }) }, `${s.jobs.completed} completed`))],
            ["Version", s.version],
          ]),
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "lead-title" },
          h("h2", { id: "lead-title" }, "Leader"),
          s.leader
            ? dl([
                ["Instance", h("span", null, h("code", null, s.leader.instanceId), s.isLeader ? " (this one)" : "")],
                ["Fencing token", String(s.leader.token)],
                ["Lease expires", when(s.leader.expiresAt)],
                ["Answering", h("code", null, s.instanceId)],
                ...((s.shards || []).length > 1
                  ? [["Shards", h("span", null, s.shards.map((x, i) => h("span", null, i > 0 ? " · " : "", `${x.shard}: `, x.leader ? h("code", null, x.leader.instanceId) : "none")))]]
                  : []),
              ])
            : h("p", { class: "notice" }, "No instance holds the lease right now: nothing fires until one takes it."),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "inst-title" },
        h("h2", { id: "inst-title" }, "Instances"),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "list" },
            h("thead", null, h("tr", null, ["Instance", "Host", "Version", "Started", "Last seen"].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              null,
              (s.instances || []).map((i) =>
                h(
                  "tr",
                  null,
                  h("td", null, h("code", null, i.instanceId), (s.shards || []).some((x) => x.leader && x.leader.instanceId === i.instanceId) ? h("span", { class: "badge state-active" }, "leader") : null),
                  h("td", null, i.host),
                  h("td", null, i.version),
                  h("td", null, when(i.startedAt, { rel: false })),
                  h("td", null, when(i.lastSeenAt)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };
  const load = async (background = false) => {
    const fresh = (await api("GET", "scheduler", { background })).data;
    if (!ctx.alive) return;
    const still = (x) => ({
      ...x,
      leader: x.leader && { ...x.leader, expiresAt: 0 },
      shards: (x.shards || []).map((y) => ({ ...y, leader: y.leader && { ...y.leader, expiresAt: 0 } })),
      instances: x.instances.map((i) => ({ ...i, lastSeenAt: 0 })),
    });
    const changed = !s || JSON.stringify(still(fresh)) !== JSON.stringify(still(s));
    s = fresh;
    // Only lease times moved: update them in place so focus and reading position stay.
    if (changed || !content.contains(document.activeElement)) draw();
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  };
  await load();
  ctx.every(2000, () =>
    load(true).catch((e) => {
      status.textContent = `Refresh failed: ${problemText(e.problem || e.message)}`;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Shell: router, header status, relative-time ticker

async function refreshHeader() {
  try {
    const { data } = await api("GET", "scheduler", { background: true });
    const el = $("#sched-status");
    put(el, badge(data.state, "sched"), " ", h("span", { class: "muted small" }, data.leader ? `leader ${data.leader.instanceId}` : "no leader"));
    $("#version").textContent = `cronhook ${data.version}`;
    const banner = $("#banner");
    banner.hidden = data.state !== "paused";
    put(banner, data.state === "paused" ? h("span", null, "The scheduler is paused: no job fires. ", h("a", { href: "#/scheduler" }, "Scheduler")) : "");
  } catch (e) {
    // Without a (valid) token the status is unknown; a network blip keeps the last known one.
    if (e.status === 401) put($("#sched-status"), h("span", { class: "muted small" }, "API token needed"));
  }
}

const routes = [
  [["jobs"], (m, c, r) => viewJobs(m, c, r)],
  [["new"], (m, c) => viewNew(m, c)],
  [["runs"], (m, c, r) => viewRuns(m, c, r)],
  [["scheduler"], (m, c) => viewScheduler(m, c)],
];

let firstRender = true;
async function render() {
  const { path, query } = parseRoute(location.hash);
  if (path.length === 0) {
    history.replaceState(null, "", "#/jobs");
    return render();
  }
  current?.dispose();
  const ctx = new ViewContext();
  current = ctx;
  const main = $("#main");
  main.replaceChildren();
  main.setAttribute("aria-busy", "true");
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === path[0]) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  try {
    const route = routes.find(([p]) => p[0] === path[0] && path.length === 1);
    if (path[0] === "jobs" && path.length === 2) await viewJob(main, ctx, { id: path[1] });
    else if (route) await route[1](main, ctx, { query });
    else main.append(pageHead("Not found"), h("p", null, "No such page. ", h("a", { href: "#/jobs" }, "Go to the jobs"), "."));
  } catch (e) {
    if (ctx.alive) {
      main.append(
        problemBox(e, e.status === 401 ? h("p", null, h("button", { type: "button", onclick: () => render() }, "Enter a token")) : h("p", null, h("button", { type: "button", onclick: () => render() }, "Try again"))),
      );
    }
  } finally {
    if (ctx.alive) main.removeAttribute("aria-busy");
  }
  if (!firstRender && ctx.alive) {
    const h1 = $("h1", main);
    if (h1 && !main.contains(document.activeElement)) h1.focus();
  }
  firstRender = false;
  refreshHeader();
}

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll("[data-ts]")) {
    const t = relLabel(el.dataset.ts, el.dataset.due === "1", now);
    if (el.textContent !== t) el.textContent = t;
  }
}

function start() {
  memoryToken = getToken();
  $("#token-button").hidden = !memoryToken;
  $("#token-button").addEventListener("click", () => {
    setToken(null);
    toast("Token forgotten for this tab.");
    render();
  });
  // The skip link moves focus only: following its #main would be a route change in a hash-routed page.
  $(".skip").addEventListener("click", (e) => {
    e.preventDefault();
    $("#main").focus();
  });
  window.addEventListener("hashchange", render);
  setInterval(tick, 1000);
  setInterval(() => {
    if (!document.hidden) refreshHeader();
  }, 10_000);
  render();
}

start();
