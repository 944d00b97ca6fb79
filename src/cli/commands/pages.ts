// --limit / --cursor / --all for the list commands: one page, or every page followed by cursor.
import { flag, int, str, type OptionSpec, type Parsed } from "../args.ts";
import { UsageError } from "../exit.ts";

export const PAGE_OPTIONS = {
  limit: { type: "string" },
  cursor: { type: "string" },
  all: { type: "boolean" },
} as const satisfies OptionSpec;

export const PAGE_HELP = `  --limit N        page size, 1-500 (default 50)
  --cursor C       the page after the one that printed this cursor
  --all            follow every page`;

const MAX_PAGE = 500;

/** One page (the server's answer), or with --all every item and nextCursor null. */
export async function collectPages<T>(
  p: Parsed,
  fetchPage: (limit: number, cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = int(p, "limit", 1, MAX_PAGE);
  const cursor = str(p, "cursor");
  if (!flag(p, "all")) return fetchPage(limit ?? 50, cursor);
  if (limit !== undefined) throw new UsageError("--all and --limit cannot be combined");
  const items: T[] = [];
  let next: string | undefined = cursor;
  do {
    const page = await fetchPage(MAX_PAGE, next);
    items.push(...page.items);
    next = page.nextCursor ?? undefined;
  } while (next);
  return { items, nextCursor: null };
}
