// The Prometheus registry's text format: label sets in name order whatever the call order, values escaped.
import { expect, test } from "bun:test";
import { Registry } from "../../src/log/metrics.ts";

test("a label set is one series whatever the order of its labels; no labels is the bare name", async () => {
  const r = new Registry();
  const c = r.counter("t_total", "test");
  c.inc({ status: "ok", trigger: "schedule" });
  c.inc({ trigger: "schedule", status: "ok" }, 2);
  c.inc();
  expect(c.get({ trigger: "schedule", status: "ok" })).toBe(3);
  const text = await r.render();
  expect(text).toContain('t_total{status="ok",trigger="schedule"} 3');
  expect(text).toContain("t_total 1");
});

test("label values escape backslash, double quote and newline", async () => {
  const r = new Registry();
  r.counter("e_total", "test").inc({ op: 'a\\b"c\nd' });
  expect(await r.render()).toContain('e_total{op="a\\\\b\\"c\\nd"} 1');
});
