// Builds a real runtime on a fresh database for a test (":memory:" unless a file is given).
import { testConfig, type Config } from "../../src/config/config.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import type { Clock } from "../../src/domain/clock.ts";

export async function testRuntime(overrides: Partial<Config> = {}, opts: { clock?: Clock } = {}): Promise<Runtime> {
  return createRuntime(testConfig({ tickMs: 50, claimWindowMs: 500, leaseTtlMs: 2000, instanceId: "test-1", ...overrides }), opts);
}

export async function until<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}
