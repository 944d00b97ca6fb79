// A small Prometheus registry: counters, gauges and histograms with labels, rendered as text format 0.0.4.

type Labels = Record<string, string>;

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeValue(v: string): string {
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

/** The series key of a label set, in name order. Called once or more per fire: no work for the common cases. */
function key(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return "";
  if (names.length > 1) names.sort();
  let out = "";
  for (const k of names) out += `${out ? "," : ""}${k}="${escapeValue(String(labels[k]))}"`;
  return out;
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
  ) {}
  abstract lines(): string[];
}

export class Counter extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  lines(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ""} ${v}`);
  }
}

export class Gauge extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(v: number, labels: Labels = {}): void {
    this.values.set(key(labels), v);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  lines(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ""} ${v}`);
  }
}

export class Histogram extends Metric {
  private counts: number[];
  private sum = 0;
  private total = 0;
  constructor(
    name: string,
    help: string,
    readonly buckets: number[],
  ) {
    super(name, help, "histogram");
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.total++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
  get count(): number {
    return this.total;
  }
  lines(): string[] {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.total}`,
      `${this.name}_sum ${+this.sum.toFixed(6)}`,
      `${this.name}_count ${this.total}`,
    ];
  }
}

export class Registry {
  private metrics: Metric[] = [];
  private collectors: (() => Promise<void> | void)[] = [];
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }
  /** Runs before each render (gauges read at scrape time). */
  onCollect(fn: () => Promise<void> | void): void {
    this.collectors.push(fn);
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  async render(): Promise<string> {
    for (const c of this.collectors) await c();
    return this.metrics.map((m) => [`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.lines()].join("\n")).join("\n") + "\n";
  }
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** cronhook's metrics (one set per runtime). */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    fires: registry.counter("cronhook_fires_total", "Runs that reached a final status, by status (succeeded, failed, timed_out, skipped) and trigger."),
    attempts: registry.counter("cronhook_attempts_total", "HTTP attempts sent (a run with retries makes several)."),
    retries: registry.counter("cronhook_retries_total", "Attempts after the first one of a run."),
    missed: registry.counter("cronhook_missed_total", "Fires recorded as missed by the misfire policy."),
    lateness: registry.histogram("cronhook_fire_lateness_seconds", "Scheduled time to request sent.", SECONDS),
    duration: registry.histogram("cronhook_run_duration_seconds", "First attempt start to final result.", SECONDS),
    inFlight: registry.gauge("cronhook_runs_in_flight", "Runs being sent right now."),
    queued: registry.gauge("cronhook_fires_queued", "Claimed fires waiting for their time."),
    claimBatch: registry.histogram("cronhook_claim_batch_jobs", "Jobs claimed per claim round.", [1, 10, 50, 100, 250, 500, 1000, 5000]),
    claimDuration: registry.histogram("cronhook_claim_duration_seconds", "Duration of a claim round (read, plan, compare-and-set).", SECONDS),
    leader: registry.gauge("cronhook_lease_leader", "1 while this instance holds the scheduler lease."),
    token: registry.gauge("cronhook_lease_token", "Fencing token of the lease this instance holds (0 when it holds none)."),
    walCheckpoints: registry.counter("cronhook_wal_checkpoints_total", "WAL checkpoints taken by the checkpointer thread (a local database file)."),
    walCheckpointFailures: registry.counter("cronhook_wal_checkpoint_failures_total", "Checkpoints of the checkpointer thread that failed (busy is not a failure)."),
    shardsLed: registry.gauge("cronhook_lease_shards", "Shards this instance leads (CRONHOOK_SHARDS; 0 or 1 with one shard)."),
    dbErrors: registry.counter("cronhook_db_errors_total", "Database errors, by operation."),
    jobs: registry.gauge("cronhook_jobs", "Jobs by state."),
    requests: registry.counter("cronhook_http_requests_total", "API requests by method and status."),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
