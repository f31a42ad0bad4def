/** Small pure helpers over ISO-8601 instants, so that rules read as comparisons rather than arithmetic. */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return ms;
}

export function addMs(iso: string, ms: number): string {
  return new Date(toMs(iso) + ms).toISOString();
}

export function addDays(iso: string, days: number): string {
  return addMs(iso, days * DAY_MS);
}

/** `to - from` in milliseconds. */
export function msBetween(from: string, to: string): number {
  return toMs(to) - toMs(from);
}

/** Whole days elapsed from `from` to `to` (floored; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.floor(msBetween(from, to) / DAY_MS);
}

export function isBefore(a: string, b: string): boolean {
  return toMs(a) < toMs(b);
}

/** The earliest of the defined instants, or undefined when none is. */
export function earliest(...instants: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const i of instants) if (i !== undefined && (best === undefined || toMs(i) < toMs(best))) best = i;
  return best;
}

/** The latest of the defined instants, or undefined when none is. */
export function latest(...instants: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const i of instants) if (i !== undefined && (best === undefined || toMs(i) > toMs(best))) best = i;
  return best;
}
