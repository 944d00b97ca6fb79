// Compiles cronhook into one self-contained executable (dist/cronhook) with Bun.build({ compile }).
//
//   bun scripts/build.ts [--target bun-linux-x64|bun-linux-arm64|bun-darwin-arm64|...] [--outfile PATH]
//
// Without --target it builds for this machine. Inside the executable: the code, the libSQL
// native module (see the plugin below), the migrations and the /docs assets (text imports).
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { BunPlugin } from "bun";

const ROOT = join(import.meta.dir, "..");

const HELP = `Usage: bun scripts/build.ts [--target TARGET] [--outfile PATH] [--no-bytecode]

  --target    a Bun compile target, e.g. bun-linux-x64, bun-linux-x64-musl, bun-linux-arm64,
              bun-darwin-arm64, bun-darwin-x64, bun-windows-x64 (default: this machine)
  --outfile   where to write the executable (default: dist/cronhook, or dist/cronhook-TARGET)
  --no-bytecode  skip ahead-of-time bytecode (smaller file, slower start)

Cross targets need the matching @libsql/<platform> package in node_modules, e.g.
  npm install --no-save --force @libsql/darwin-arm64`;

interface BuildArgs {
  target: string | null;
  outfile: string | null;
  bytecode: boolean;
}

function parseArgs(argv: string[]): BuildArgs {
  const out: BuildArgs = { target: null, outfile: null, bytecode: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--target") out.target = value();
    else if (flag === "--outfile") out.outfile = value();
    else if (flag === "--no-bytecode") out.bytecode = false;
    else if (flag === "--help" || flag === "-h") {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n\n${HELP}`);
  }
  return out;
}

/** The @libsql/<platform> package holding the native module for a Bun compile target (or this machine). */
export function libsqlPlatform(target: string | null): string {
  if (target === null) {
    const libc = process.platform === "linux" ? (isMusl() ? "musl" : "gnu") : null;
    return nativeName(process.platform, process.arch, libc);
  }
  const m = /^bun-(linux|darwin|windows)-(x64|arm64)(?:-(?:baseline|modern))?(?:-(glibc|musl))?$/.exec(target);
  if (!m) throw new Error(`unsupported --target ${target} (expected e.g. bun-linux-x64, bun-darwin-arm64, bun-windows-x64)`);
  const [, os, arch, libc] = m;
  return nativeName(os === "windows" ? "win32" : os!, arch!, os === "linux" ? (libc === "musl" ? "musl" : "gnu") : null);
}

function nativeName(os: string, arch: string, libc: string | null): string {
  if (os === "win32") return `win32-${arch}-msvc`;
  return libc ? `${os}-${arch}-${libc}` : `${os}-${arch}`;
}

function isMusl(): boolean {
  // glibc exposes its version in the process report; musl does not.
  const report = process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

/**
 * libsql/index.js picks its native module with `require(\`@libsql/${target}\`)`, which the
 * bundler cannot follow, so a compiled binary fails at start with
 * "Cannot find module '@libsql/linux-x64-gnu'" (oven-sh/bun#18909). Rewriting it to a static
 * require of the platform's index.node makes Bun embed the native module in the executable.
 */
export function libsqlNativePlugin(platform: string): BunPlugin {
  return {
    name: "libsql-static-native",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
        const src = await Bun.file(args.path).text();
        const dynamic = /require\(`@libsql\/\$\{target\}`\)/;
        if (!dynamic.test(src)) {
          throw new Error(`libsql-static-native: the dynamic require was not found in ${args.path}; the libsql package changed, update scripts/build.ts`);
        }
        return { contents: src.replace(dynamic, `require(${JSON.stringify(`@libsql/${platform}/index.node`)})`), loader: "js" };
      });
    },
  };
}

async function gitCommit(): Promise<string> {
  try {
    const p = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
    const sha = p.stdout.toString().trim();
    if (p.exitCode !== 0 || !sha) return "dev";
    const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
    return dirty.stdout.toString().trim() ? `${sha}-dirty` : sha;
  } catch {
    return "dev";
  }
}

export async function build(args: BuildArgs): Promise<{ outfile: string; bytes: number; commit: string; platform: string }> {
  const platform = libsqlPlatform(args.target);
  const nativeDir = join(ROOT, "node_modules", "@libsql", platform);
  if (!existsSync(join(nativeDir, "index.node"))) {
    throw new Error(
      `the libSQL native module for ${platform} is not installed (${relative(ROOT, nativeDir)}/index.node).\n` +
        `Install it for the build with: npm install --no-save --force @libsql/${platform}`,
    );
  }
  const outfile = args.outfile ?? join(ROOT, "dist", args.target ? `cronhook-${args.target.replace(/^bun-/, "")}` : "cronhook");
  const commit = await gitCommit();
  const result = await Bun.build({
    // The dispatch worker and the WAL checkpointer are loaded with `new Worker(new URL("./worker.ts", import.meta.url))`: Bun embeds a
    // worker in a compiled binary only when it is an entrypoint of its own.
    entrypoints: [join(ROOT, "src/main.ts"), join(ROOT, "src/dispatch/worker.ts"), join(ROOT, "src/store/checkpointer.ts")],
    compile: {
      ...(args.target ? { target: args.target as Bun.Build.CompileTarget } : {}),
      outfile,
      // A copied binary must not pick up the configuration files of whatever directory it runs in.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // ESM for top-level await in main.ts; bytecode would otherwise default to CommonJS.
    format: "esm",
    // Chunks loaded on demand: the executable loads only main's small chunk before it runs (10 ms here, against
    // 30-35 ms for one 3 MB bundle), so `serve` listens and answers /healthz while the rest loads.
    splitting: true,
    minify: true,
    sourcemap: "linked",
    bytecode: args.bytecode,
    define: { CRONHOOK_BUILD_COMMIT: JSON.stringify(commit) },
    plugins: [libsqlNativePlugin(platform)],
  });
  if (!result.success) {
    throw new Error(`build failed:\n${result.logs.map((l) => String(l)).join("\n")}`);
  }
  const bytes = Bun.file(outfile).size;
  return { outfile, bytes, commit, platform };
}

if (import.meta.main) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const started = performance.now();
    const r = await build(args);
    const mib = (r.bytes / 1024 / 1024).toFixed(1);
    console.log(
      `built ${relative(process.cwd(), r.outfile) || r.outfile} (${mib} MiB, commit ${r.commit}, libsql ${r.platform}) in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (err) {
    // Bun.build throws an AggregateError whose `errors` carry the file and line.
    const details = err instanceof AggregateError ? err.errors.map((e) => String(e)).join("\n") : "";
    console.error(`build: ${err instanceof Error ? err.message : String(err)}${details ? `\n${details}` : ""}`);
    process.exit(1);
  }
}
