// Holds STYLE.md's dependency lines by scanning the imports of every file under src/.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const ROOT = resolve(import.meta.dir, "../..");
const SRC = join(ROOT, "src");

interface SourceFile {
  rel: string; // e.g. src/api/app.ts
  folder: string; // first folder under src/, "" for src/main.ts and the like
  text: string;
  imports: string[]; // specifiers as written
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier of a file (static, type-only, re-exports, dynamic import()), read by the TypeScript scanner. */
function importsOf(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
}

/** Where a file reads the environment: `process.env`, `process["env"]`, `Bun.env`, `import.meta.env`, found in the AST (comments do not count). */
function envReads(rel: string, code: string): string[] {
  const sf = ts.createSourceFile(rel, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    let obj: ts.Expression | null = null;
    let prop: string | null = null;
    if (ts.isPropertyAccessExpression(n)) {
      obj = n.expression;
      prop = n.name.text;
    } else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) {
      obj = n.expression;
      prop = n.argumentExpression.text;
    }
    if (obj && prop === "env") {
      const o = obj.getText(sf).replace(/\s+/g, "");
      if (o === "process" || o === "Bun" || o === "import.meta" || o === "globalThis.process" || o === "globalThis.Bun") {
        const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
        out.push(`${rel}:${line + 1} reads ${n.getText(sf)}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const files: SourceFile[] = walk(SRC).map((abs) => {
  const rel = relative(ROOT, abs).split(sep).join("/");
  const parts = relative(SRC, abs).split(sep);
  const text = readFileSync(abs, "utf8");
  return { rel, folder: parts.length > 1 ? parts[0]! : "", text, imports: importsOf(text) };
});

/** The src/ folder a relative import lands in ("" for a file directly in src/), or null for a package or a file outside src/. */
function targetFolder(file: SourceFile, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const abs = resolve(dirname(join(ROOT, file.rel)), spec);
  const rel = relative(SRC, abs);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0]! : "";
}

const pkgName = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

function violations(pred: (f: SourceFile, spec: string) => boolean, only: (f: SourceFile) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const f of files) if (only(f)) for (const s of f.imports) if (pred(f, s)) out.push(`${f.rel} imports ${s}`);
  return out;
}

describe("layering", () => {
  test("the scanner sees the source tree and its imports", () => {
    // Guards the guard: a broken scanner would make every rule below pass vacuously.
    const folders = new Set(files.map((f) => f.folder));
    for (const f of ["api", "config", "domain", "engine", "store"]) expect(folders.has(f)).toBe(true);
    const store = files.find((f) => f.rel === "src/store/store.ts")!;
    expect(store.imports).toContain("drizzle-orm");
    expect(store.imports).toContain("@libsql/client");
    const runtime = files.find((f) => f.rel === "src/runtime.ts")!;
    expect(runtime.imports).toContain("./store/store.ts");
    expect(importsOf('// import "not/this"\nimport {\n  a,\n  type B,\n} from "../store/x.ts";\nexport * from "./y.ts";\nconst m = await import("z");')).toEqual([
      "../store/x.ts",
      "./y.ts",
      "z",
    ]);
    expect(envReads("x.ts", '// process.env in a comment\nconst a = process.env.A;\nconst b = Bun.env["B"];\nconst c = process["env"];')).toEqual([
      "x.ts:2 reads process.env",
      "x.ts:3 reads Bun.env",
      'x.ts:4 reads process["env"]',
    ]);
    expect(envReads("src/config/config.ts", files.find((f) => f.rel === "src/config/config.ts")!.text).length).toBeGreaterThan(0);
  });

  test("src/domain imports no other src folder", () => {
    expect(
      violations(
        (f, s) => {
          const t = targetFolder(f, s);
          return t !== null && t !== "domain";
        },
        (f) => f.folder === "domain",
      ),
    ).toEqual([]);
  });

  test("src/domain imports no database or HTTP framework package (zod via @hono/zod-openapi is fine)", () => {
    const banned = (s: string) => {
      const p = pkgName(s);
      return p === "drizzle-orm" || p === "@libsql/client" || p.startsWith("@libsql/") || p === "hono" || (p.startsWith("@hono/") && p !== "@hono/zod-openapi") || p === "ky";
    };
    expect(violations((_, s) => banned(s), (f) => f.folder === "domain")).toEqual([]);
  });

  test("only src/store imports drizzle-orm or @libsql/client", () => {
    const db = (s: string) => {
      const p = pkgName(s);
      return p === "drizzle-orm" || p.startsWith("@libsql/") || p === "libsql";
    };
    expect(violations((_, s) => db(s), (f) => f.folder !== "store")).toEqual([]);
  });

  test("src/api never imports src/store or src/engine", () => {
    expect(
      violations(
        (f, s) => {
          const t = targetFolder(f, s);
          return t === "store" || t === "engine";
        },
        (f) => f.folder === "api",
      ),
    ).toEqual([]);
  });

  test("only src/config reads process.env or Bun.env", () => {
    const reads: string[] = [];
    for (const f of files) {
      if (f.folder === "config") continue;
      reads.push(...envReads(f.rel, f.text));
      for (const s of f.imports) if (s === "node:process" || s === "process") reads.push(`${f.rel} imports ${s}`);
    }
    expect(reads).toEqual([]);
  });
});
