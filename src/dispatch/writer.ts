// Batches run progress and results: the latest update per run, flushed every few ms in one statement per chunk.

export interface RunUpdateLike {
  id: string;
}

export class BatchWriter<U extends RunUpdateLike> {
  private pending = new Map<string, U>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly write: (updates: U[]) => Promise<void>,
    private readonly opts: { intervalMs: number; maxBatch: number; onError: (err: unknown, count: number) => void },
  ) {}

  get size(): number {
    return this.pending.size;
  }

  push(u: U): void {
    this.pending.set(u.id, u);
    if (this.pending.size >= this.opts.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.intervalMs);
  }

  /** Resolves once everything queued now is written (at the next regular flush: no extra write). */
  whenWritten(): Promise<void> {
    if (this.pending.size === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes everything queued so far; a failed batch is put back (unless newer updates replaced it) and retried. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) {
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const waiters = this.waiters.splice(0);
    this.flushing = (async () => {
      try {
        await this.write(batch);
        for (const w of waiters) w();
      } catch (err) {
        this.waiters.push(...waiters);
        this.opts.onError(err, batch.length);
        for (const u of batch) if (!this.pending.has(u.id)) this.pending.set(u.id, u);
        if (!this.timer) this.timer = setTimeout(() => void this.flush(), Math.max(this.opts.intervalMs, 500));
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
