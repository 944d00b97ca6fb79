// The overlap policy against a real slow target: a run in flight makes the job's next fire skip, except a recovered
// run (an earlier slot sent again after its leader was lost), which must not cost the job its on-time slot.
import { afterEach, expect, test } from "bun:test";
import { Dispatcher } from "../../src/dispatch/dispatcher.ts";
import { FakeClock } from "../../src/domain/clock.ts";
import { defineJob } from "../../src/domain/definition.ts";
import { fireDef, type Fire, type RunFinished } from "../../src/domain/fire.ts";
import type { RunTrigger } from "../../src/domain/job.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { startTarget, type Target } from "../helpers/target.ts";

const T0 = Date.parse("2026-06-01T12:00:00.000Z");
let target: Target | null = null;
afterEach(() => target?.stop());

async function run(firstTrigger: RunTrigger): Promise<RunFinished[]> {
  target = startTarget(async () => {
    await Bun.sleep(200); // still in flight when the next slot is due
    return new Response("ok");
  });
  const clock = new FakeClock(T0);
  const finished: RunFinished[] = [];
  const d = new Dispatcher({
    clock, logger: silentLogger, maxInFlight: 8, version: "test", manual: true,
    onUpdate: () => {}, onFinished: (e) => finished.push(e), onLeaseLost: () => {},
  });
  d.setLease(1, T0 + 60_000);
  const def = fireDef(defineJob({ trigger: { type: "interval", every: "1s" }, target: { url: target.url }, overlap: "skip" }, T0));
  const fire = (runId: string, trigger: RunTrigger, scheduledAt: number): Fire => ({ due: T0, runId, jobId: "j", jobName: "default", scheduledAt, trigger, attempt: 1, token: 1, def });
  d.enqueue([fire("earlier", firstTrigger, T0 - 1000)]);
  d.fireDue();
  await target.waitFor(1, 2000);
  d.enqueue([fire("on-time", "schedule", T0)]);
  d.fireDue();
  await Bun.sleep(400);
  await d.stop(1000);
  return finished;
}

test("a scheduled fire due while the job's previous scheduled run is in flight is skipped (overlap skip)", async () => {
  const finished = await run("schedule");
  expect(finished.find((e) => e.runId === "on-time")?.status).toBe("skipped");
  expect(target!.hits).toHaveLength(1);
});

test("a recovered run in flight does not make the on-time fire skip: both go out", async () => {
  const finished = await run("recovery");
  expect(finished.map((e) => [e.runId, e.status]).sort()).toEqual([["earlier", "succeeded"], ["on-time", "succeeded"]]);
  expect(target!.hits.map((h) => h.headers["x-cronhook-run-id"]).sort()).toEqual(["earlier", "on-time"]);
});
