// The compiled executable, as a new user gets it: built, copied alone into an empty directory, serving and driven by its own CLI.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";
import { startTarget } from "../helpers/target.ts";
import { cli, startServe, type ServeProcess } from "./helpers.ts";

const buildDir = mkdtempSync(join(tmpdir(), "cronhook-build-"));
const runDir = mkdtempSync(join(tmpdir(), "cronhook-bin-"));
afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

test(
  "the binary runs from an empty directory on a fresh database, and a job created through its CLI fires at a local target",
  async () => {
    const built = await build({ target: null, outfile: join(buildDir, "cronhook"), bytecode: true });
    const exe = join(runDir, "cronhook");
    copyFileSync(built.outfile, exe);
    chmodSync(exe, 0o755);
    expect(readdirSync(runDir)).toEqual(["cronhook"]); // no node_modules, no migrations, no assets beside it
    const bin = [exe];

    const version = await cli(["--version"], { bin, cwd: runDir });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^cronhook \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|dev), bun /);

    const target = startTarget(() => new Response("fired"));
    let server: ServeProcess | null = null;
    try {
      // A relative file path: the database is created in the empty directory; migrations, docs and UI come from inside the binary.
      server = await startServe(["--db", "file:./fresh.db", "--log-level", "info"], { bin, cwd: runDir });
      expect(existsSync(join(runDir, "fresh.db"))).toBe(true);
      expect(server.lines.some((l) => l.includes('"migrations applied"'))).toBe(true);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const css = await fetch(`${server.url}/docs/assets/swagger-ui.css`);
      expect(css.status).toBe(200);
      expect((await css.text()).length).toBeGreaterThan(10_000);
      const swaggerJs = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
      expect(swaggerJs.headers.get("content-type")).toContain("text/javascript");
      expect((await swaggerJs.text()).length).toBeGreaterThan(500_000); // an embedded file, read on the first visit
      expect(((await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe("3.1.0");
      const ui = await fetch(`${server.url}/`);
      expect(ui.status).toBe(200);
      expect(ui.headers.get("content-type")).toContain("text/html");

      const created = await cli(["jobs", "create", "--id", "bin-1", "--url", `${target.url}/fire`, "--every", "1s", "--server", server.url, "--json"], {
        bin,
        cwd: runDir,
      });
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ id: "bin-1", trigger: { type: "interval", everyMs: 1000 } });

      const [hit] = await target.waitFor(1, 10_000);
      expect(hit!.path).toBe("/fire");
      expect(hit!.headers["x-cronhook-job-id"]).toBe("bin-1");

      // The result is written a few milliseconds after the target answers: ask until it is there.
      let recorded = 0;
      for (let i = 0; i < 50 && recorded === 0; i++) {
        const runs = await cli(["runs", "list", "--job", "bin-1", "--status", "succeeded", "--json", "--server", server.url], { bin, cwd: runDir });
        expect(runs.code).toBe(0);
        recorded = JSON.parse(runs.stdout).items.length;
        if (recorded === 0) await Bun.sleep(100);
      }
      expect(recorded).toBeGreaterThanOrEqual(1);

      // The WAL checkpointer thread runs inside the binary too (an entrypoint of its own, like the dispatch worker).
      let checkpoints = 0;
      for (let i = 0; i < 50 && checkpoints === 0; i++) {
        const m = /^cronhook_wal_checkpoints_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text());
        checkpoints = Number(m?.[1] ?? 0);
        if (checkpoints === 0) await Bun.sleep(100);
      }
      expect(checkpoints).toBeGreaterThan(0);
      expect(server.lines.some((l) => l.includes("checkpointer thread did not start"))).toBe(false);

      expect(await server.stop()).toBe(0);
      server = null;

      // serve listens before the full config is parsed; a value only the full parse rejects still exits 2 and frees the port.
      const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
      const port = probe.port!;
      probe.stop(true);
      const bad = Bun.spawn([exe, "serve", "--port", String(port), "--db", ":memory:", "--log-level", "loud"], { cwd: runDir, stdout: "pipe", stderr: "pipe" });
      expect(await bad.exited).toBe(2);
      expect(await new Response(bad.stderr).text()).toContain("--log-level");
      const again = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response() });
      again.stop(true);
    } finally {
      if (server) server.proc.kill("SIGKILL");
      target.stop();
    }
  },
  60_000,
);
