// The version and build commit that `cronhook --version` prints; the commit is injected by scripts/build.ts.
import { VERSION } from "../config/options.ts";

// Replaced by `define` in scripts/build.ts; absent when running from source.
declare const CRONHOOK_BUILD_COMMIT: string | undefined;

export const COMMIT: string = typeof CRONHOOK_BUILD_COMMIT === "string" && CRONHOOK_BUILD_COMMIT ? CRONHOOK_BUILD_COMMIT : "dev";

export function versionLine(): string {
  return `cronhook ${VERSION} (commit ${COMMIT}, bun ${Bun.version})`;
}
