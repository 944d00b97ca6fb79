// The injected clock: engine and domain code never call Date.now() directly.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number | string | Date): void {
    this.t = typeof t === "number" ? t : new Date(t).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
