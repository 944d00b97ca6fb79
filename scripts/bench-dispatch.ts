// The send path alone: how fast one thread can send fires to a local target in another process, with no database.
// Compares the Dispatcher (ky, headers, overlap/in-flight bookkeeping, a log line per fire) with bare ky and bare
// fetch loops, to show what bounds the burst scenario. `bun scripts/bench-dispatch.ts [--n 10000] [--in-flight 64]`
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { systemClock } from "../src/domain/clock.ts";
import { defineJob } from "../src/domain/definition.ts";
import { createLogger } from "../src/log/logger.ts";
import ky from "ky";

const argv = process.argv.slice(2);
const num = (name: string, def: number) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : def);
const N = num("n", 10_000);
const IN_FLIGHT = num("in-flight", 64);

// The target runs in its own process, as a real one would.
const target = Bun.spawn(["bun", "-e", `const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") }); console.log(s.port);`], { stdout: "pipe", stderr: "inherit" });
const reader = target.stdout.getReader();
const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
const url = `http://127.0.0.1:${port}/hit`;

async function loop(send: (i: number) => Promise<void>): Promise<number> {
  let i = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (i < N) await send(i++); }));
  return N / ((performance.now() - t0) / 1000);
}

async function dispatcher(): Promise<{ rate: number; p50: number; p99: number }> {
  const def = defineJob({ trigger: { type: "date", at: "now" }, target: { url, method: "POST" } }, Date.now());
  const lat: number[] = [];
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  // A log line per fire is formatted as in production, then dropped (not written to the terminal).
  const d = new Dispatcher({
    clock: systemClock, logger: createLogger({ level: "info", write: () => {} }), maxInFlight: IN_FLIGHT, version: "bench", manual: false,
    onUpdate: () => {}, onFinished: (e) => { lat.push(e.lateMs); if (lat.length === N) resolve(); }, onLeaseLost: () => {},
  });
  d.setLease(1, Date.now() + 600_000);
  const due = Date.now() + 100;
  d.enqueue(Array.from({ length: N }, (_, i) => ({ due, runId: `r${i}`, jobId: `j${i}`, jobName: "g", scheduledAt: due, trigger: "schedule" as const, attempt: 1, token: 1, def })));
  await all;
  const ms = Date.now() - due;
  lat.sort((a, b) => a - b);
  return { rate: Math.round(N / (ms / 1000)), p50: lat[Math.floor(N / 2)]!, p99: lat[Math.floor(N * 0.99)]! };
}

try {
  const headers = (i: number) => ({ "x-cronhook-run-id": `r${i}`, "idempotency-key": `r${i}` });
  const fetchRate = await loop(async (i) => void (await (await fetch(url, { method: "POST", headers: headers(i), body: "" })).text()));
  const kyRate = await loop(async (i) => void (await (await ky(url, { method: "POST", headers: headers(i), body: "", retry: 0, throwHttpErrors: false, timeout: 30_000 })).text()));
  const d = await dispatcher();
  console.log(`${N} requests, ${IN_FLIGHT} in flight, target in another process:`);
  console.log(`  bare fetch loop   ${Math.round(fetchRate)}/s`);
  console.log(`  bare ky loop      ${Math.round(kyRate)}/s`);
  console.log(`  Dispatcher        ${d.rate}/s, ${N} fires due at one instant: start lateness p50 ${d.p50} ms, p99 ${d.p99} ms`);
} finally {
  target.kill();
}
