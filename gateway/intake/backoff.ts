/** Exponential backoff with "equal jitter": half the capped delay fixed, half drawn at random (random in [0, 1)). */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function backoffDelay(consecutiveFailures: number, o: BackoffOptions, random: () => number): number {
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * random());
}
