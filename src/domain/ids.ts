// Identifiers: user-chosen job ids are validated here; generated ids are UUIDv7 (time-sortable).

/** A job id the user chose: 1-200 chars, no control characters. Slashes and unicode are allowed (ids travel URL-encoded). */
export const JOB_ID_MAX = 200;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function jobIdProblem(id: string): string | null {
  if (id.length === 0) return "must not be empty";
  if (id.length > JOB_ID_MAX) return `must be at most ${JOB_ID_MAX} characters`;
  if (CONTROL.test(id)) return "must not contain control characters";
  if (id.trim() !== id) return "must not start or end with whitespace";
  return null;
}

/** UUIDv7 from a given instant (ms), so ids sort by time and tests can fix the instant. */
export function uuidv7(nowMs: number): string {
  return Bun.randomUUIDv7("hex", nowMs);
}
