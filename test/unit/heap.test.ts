// MinHeap: pops in due order for any input, removeWhere keeps that order, clear empties it.
import { describe, expect, test } from "bun:test";
import { MinHeap } from "../../src/dispatch/heap.ts";

/** mulberry32: a small seeded generator, so every run sees the same "random" input. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Item {
  due: number;
  id: number;
}

function randomItems(seed: number, n: number, span: number): Item[] {
  const r = rng(seed);
  const base = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: n }, (_, id) => ({ due: base + Math.floor(r() * span), id }));
}

function drain(h: MinHeap<Item>): Item[] {
  const out: Item[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
  return out;
}

const dues = (xs: Item[]) => xs.map((x) => x.due);
const sortedDues = (xs: Item[]) => dues(xs).sort((a, b) => a - b);

describe("MinHeap", () => {
  test("pops random input in due order, the same order a sort gives", () => {
    for (const [seed, n, span] of [
      [1, 1, 1000],
      [2, 2, 1000],
      [3, 17, 1000],
      [4, 1000, 1_000_000],
      [5, 1000, 20], // many equal due times
    ] as const) {
      const items = randomItems(seed, n, span);
      const h = new MinHeap<Item>();
      for (const x of items) h.push(x);
      expect(h.size).toBe(n);
      const out = drain(h);
      expect(dues(out)).toEqual(sortedDues(items));
      expect(new Set(out.map((x) => x.id)).size).toBe(n); // each item exactly once
      expect(h.size).toBe(0);
    }
  });

  test("peek shows the earliest entry without removing it", () => {
    const h = new MinHeap<Item>();
    for (const x of randomItems(7, 50, 10_000)) h.push(x);
    const min = h.peek()!;
    expect(h.size).toBe(50);
    expect(h.pop()).toBe(min);
    expect(h.size).toBe(49);
  });

  test("keeps due order when pushes and pops interleave", () => {
    const r = rng(11);
    const h = new MinHeap<Item>();
    const model: number[] = [];
    let id = 0;
    for (let step = 0; step < 5000; step++) {
      if (model.length === 0 || r() < 0.6) {
        const due = Math.floor(r() * 500);
        h.push({ due, id: id++ });
        model.push(due);
      } else {
        model.sort((a, b) => a - b);
        expect(h.pop()!.due).toBe(model.shift()!);
      }
      expect(h.size).toBe(model.length);
    }
  });

  test("pop and peek on an empty heap give undefined", () => {
    const h = new MinHeap<Item>();
    expect(h.pop()).toBeUndefined();
    expect(h.peek()).toBeUndefined();
    expect(h.size).toBe(0);
  });

  test("removeWhere returns the matching entries and the rest still pop in due order", () => {
    const items = randomItems(21, 500, 100_000);
    const h = new MinHeap<Item>();
    for (const x of items) h.push(x);
    h.pop(); // a heap that has already been used, not only freshly built
    const remaining = drain(h);
    for (const x of remaining) h.push(x);

    const removed = h.removeWhere((x) => x.id % 3 === 0);
    const expectedRemoved = remaining.filter((x) => x.id % 3 === 0);
    const expectedKept = remaining.filter((x) => x.id % 3 !== 0);
    expect(removed.map((x) => x.id).sort((a, b) => a - b)).toEqual(expectedRemoved.map((x) => x.id).sort((a, b) => a - b));
    expect(h.size).toBe(expectedKept.length);
    const out = drain(h);
    expect(dues(out)).toEqual(sortedDues(expectedKept));
    expect(out.some((x) => x.id % 3 === 0)).toBe(false);
  });

  test("removeWhere with no match removes nothing and changes nothing", () => {
    const items = randomItems(22, 100, 1000);
    const h = new MinHeap<Item>();
    for (const x of items) h.push(x);
    expect(h.removeWhere(() => false)).toEqual([]);
    expect(h.size).toBe(100);
    expect(dues(drain(h))).toEqual(sortedDues(items));
  });

  test("removeWhere can empty the heap", () => {
    const h = new MinHeap<Item>();
    for (const x of randomItems(23, 40, 1000)) h.push(x);
    expect(h.removeWhere(() => true).length).toBe(40);
    expect(h.size).toBe(0);
    expect(h.pop()).toBeUndefined();
  });

  test("clear returns every entry, leaves the heap empty and usable again", () => {
    const items = randomItems(31, 64, 1000);
    const h = new MinHeap<Item>();
    for (const x of items) h.push(x);
    const all = h.clear();
    expect(all.map((x) => x.id).sort((a, b) => a - b)).toEqual(items.map((x) => x.id));
    expect(h.size).toBe(0);
    expect(h.peek()).toBeUndefined();
    h.push({ due: 5, id: 1 });
    h.push({ due: 2, id: 2 });
    expect(dues(drain(h))).toEqual([2, 5]);
  });
});
