// A binary min-heap keyed by due time: one timer for the earliest entry instead of one timer per fire.

export class MinHeap<T extends { due: number }> {
  private a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.due <= x.due) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r]!.due < a[l]!.due ? r : l;
        if (a[c]!.due >= last.due) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Removes every entry matching `pred`; O(n), used on cancel and step-down only. */
  removeWhere(pred: (x: T) => boolean): T[] {
    const removed = this.a.filter(pred);
    if (removed.length === 0) return removed;
    const kept = this.a.filter((x) => !pred(x));
    this.a = [];
    for (const x of kept) this.push(x);
    return removed;
  }

  clear(): T[] {
    const all = this.a;
    this.a = [];
    return all;
  }
}
