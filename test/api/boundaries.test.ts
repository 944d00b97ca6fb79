// The api/ layer reaches the engine and the database only through services: no imports of store/ or engine/.
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../../src/api");

describe("src/api imports", () => {
  test("never import src/store or src/engine", () => {
    const offenders: string[] = [];
    for (const file of new Glob("**/*.ts").scanSync(root)) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        if (/\/(store|engine)\//.test(m[1]! + "/")) offenders.push(`${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
