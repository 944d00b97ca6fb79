// Pure claim planning: which slots of a due job to fire, which to record as missed, and where the job goes next.
import type { JobDefinition } from "../domain/definition.ts";
import { nextFireFrom, slotsBetween, type Bounds } from "../domain/schedule.ts";
import type { RunTrigger } from "../domain/job.ts";

/** At most this many slots of one job are handled per claim; the rest wait for the next tick. */
export const MAX_SLOTS_PER_CLAIM = 1000;

export interface PlanInput {
  def: Pick<JobDefinition, "trigger" | "startAt" | "endAt" | "maxRuns" | "misfire">;
  due: number; // the job's next_fire_at
  runCount: number;
}

export interface PlannedSlot {
  scheduledAt: number;
  kind: "fire" | "missed";
  trigger: RunTrigger; // schedule | catchup for fires
  lateMs: number;
}

export interface Plan {
  slots: PlannedSlot[];
  next: number | null; // the job's next_fire_at after this claim
  fired: number; // slots sent (run_count increment)
  lastFireAt: number | null;
  completed: boolean;
}

/**
 * Plans one claim of a job at `now` with claim-ahead window `windowMs`.
 *
 * Slots from `due` to `now + windowMs` are taken. A slot late by at most graceMs fires as usual
 * (trigger `schedule`); a slot late by more is a misfire, handled by the job's policy:
 * `all` sends each (trigger `catchup`), `once` sends the latest misfire and records the others
 * `missed`, `skip` records them all `missed`.
 */
export function planClaim(p: PlanInput, now: number, windowMs: number): Plan {
  const { def } = p;
  const bounds: Bounds = { startAt: def.startAt, endAt: def.endAt, maxRuns: def.maxRuns };
  const remaining = def.maxRuns === null ? Infinity : Math.max(0, def.maxRuns - p.runCount);
  // The due slot itself is always part of the claim (it is what next_fire_at says).
  const times = [p.due, ...slotsBetween(def.trigger, bounds, p.due + 1, now + windowMs, MAX_SLOTS_PER_CLAIM - 1)];
  const grace = def.misfire.graceMs;
  const late = (t: number) => now - t > grace;
  const misfires = times.filter(late);
  const slots: PlannedSlot[] = [];
  let fired = 0;
  let lastFireAt: number | null = null;
  let lastTaken = p.due;
  // When the list was cut at the limit while still in misfires, later rounds hold later misfires:
  // "once" then sends its single catch-up in the round that sees the last one.
  const lastListed = times[times.length - 1]!;
  const after = times.length >= MAX_SLOTS_PER_CLAIM ? nextFireFrom(def.trigger, bounds, lastListed, 0) : null;
  const truncated = after !== null && late(after);
  const latestMisfire = misfires.length > 0 && !truncated ? misfires[misfires.length - 1]! : null;
  for (const t of times) {
    if (fired >= remaining) break;
    lastTaken = t;
    const lateMs = Math.max(0, now - t);
    if (!late(t)) {
      slots.push({ scheduledAt: t, kind: "fire", trigger: "schedule", lateMs });
    } else if (def.misfire.policy === "all" || (def.misfire.policy === "once" && t === latestMisfire)) {
      slots.push({ scheduledAt: t, kind: "fire", trigger: "catchup", lateMs });
    } else {
      slots.push({ scheduledAt: t, kind: "missed", trigger: "schedule", lateMs });
      continue;
    }
    fired++;
    lastFireAt = t;
  }
  const next = fired >= remaining && remaining !== Infinity ? null : nextFireFrom(def.trigger, bounds, lastTaken, p.runCount + fired);
  return { slots, next, fired, lastFireAt, completed: next === null };
}
