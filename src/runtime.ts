// Wires config -> store -> engine -> services -> app; used by `serve`, tests and benchmarks.
import { hostname } from "node:os";
import type { Config } from "./config/config.ts";
import { systemClock, type Clock } from "./domain/clock.ts";
import { createLogger, sharedStdout, type Logger } from "./log/logger.ts";
import { createMetrics } from "./log/metrics.ts";
import { Store } from "./store/store.ts";
import { Engine } from "./engine/engine.ts";
import { createServices } from "./services/services.ts";
import type { Services } from "./services/types.ts";
import { createApp } from "./api/app.ts";

export interface Runtime {
  config: Config;
  store: Store;
  engine: Engine;
  services: Services;
  app: ReturnType<typeof createApp>;
  logger: Logger;
  /** Starts the engine (lease, claims, timers). */
  start(): Promise<void>;
  /** Stops the engine (hands back unsent claims, releases the lease) and closes the database. */
  stop(): Promise<void>;
}

export async function createRuntime(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, base: { instanceId: config.instanceId }, write: sharedStdout().write });
  const store = await Store.open({ url: config.dbUrl, authToken: config.dbAuthToken, checkpointer: true });
  if (store.checkpointerError) logger.warn("WAL checkpointer thread did not start; the connection checkpoints by itself", { err: store.checkpointerError });
  try {
    const applied = await store.migrate(clock.now());
    if (applied.length > 0) logger.info("migrations applied", { applied });
  } catch (err) {
    store.close();
    throw err;
  }
  const metrics = createMetrics();
  const seen = { checkpoints: 0, failures: 0 };
  metrics.registry.onCollect(() => {
    const st = store.checkpointStats();
    if (!st) return;
    metrics.walCheckpoints.inc({}, st.checkpoints - seen.checkpoints);
    metrics.walCheckpointFailures.inc({}, st.failures - seen.failures);
    seen.checkpoints = st.checkpoints;
    seen.failures = st.failures;
  });
  const engine = new Engine({
    metrics,
    store, clock, logger, instanceId: config.instanceId, host: hostname(), version: config.version,
    leaseTtlMs: config.leaseTtlMs, tickMs: config.tickMs, claimWindowMs: config.claimWindowMs, maxInFlight: config.maxInFlight, shards: config.shards,
    // Fires go out from a worker thread on the real clock; an injected (test) clock keeps them in-process.
    dispatchWorker: clock === systemClock, logLevel: config.logLevel,
  });
  const services = createServices({ metrics, store, engine, clock, instanceId: config.instanceId, version: config.version, leaseTtlMs: config.leaseTtlMs });
  const app = createApp({ services, config, logger });
  let stopped = false;
  return {
    config, store, engine, services, app, logger,
    start: () => engine.start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      store.close();
    },
  };
}
