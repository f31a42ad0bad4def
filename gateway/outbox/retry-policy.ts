/**
 * The outbox retry policy: a pure function of the attempt number, the failure's class, Retry-After and an injected
 * random source (Svix's schedule). Retried: 408, 429, 5xx, timeouts and network errors. Any other 4xx, and
 * permanent failures, go straight to the dead letters.
 */
export type DeliveryFailure =
  | { readonly kind: 'http'; readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly kind: 'timeout' | 'network' }
  | { readonly kind: 'permanent'; readonly reason: string };

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly deadLetter: true; readonly why: string };

export interface RetryPolicyOptions {
  /** Delay before attempt n+1 after attempt n failed (index n-1); the last entry repeats until maxAttempts. */
  readonly scheduleMs: readonly number[];
  readonly maxAttempts: number;
  /** ± fraction of each delay drawn at random (0.2 → 80 % to 120 %). */
  readonly jitter: number;
  /** Longest Retry-After honoured; a longer one is capped. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  scheduleMs: [0, 5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000],
  maxAttempts: 10,
  jitter: 0.2,
  maxRetryAfterMs: 6 * 3_600_000,
};

export function isRetryable(failure: DeliveryFailure): boolean {
  if (failure.kind === 'permanent') return false;
  if (failure.kind !== 'http') return true;
  return failure.status === 408 || failure.status === 425 || failure.status === 429 || failure.status >= 500;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface NextAttemptInput {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly failure: DeliveryFailure;
  /** A number in [0, 1). */
  readonly random: () => number;
  readonly nowMs: number;
  readonly options?: RetryPolicyOptions;
}

export function nextAttempt(input: NextAttemptInput): RetryDecision {
  const o = input.options ?? DEFAULT_RETRY_POLICY;
  if (!isRetryable(input.failure)) {
    const why = input.failure.kind === 'http' ? `HTTP ${input.failure.status} is not retryable` : input.failure.kind === 'permanent' ? input.failure.reason : 'not retryable';
    return { retry: false, deadLetter: true, why };
  }
  if (input.attempt >= o.maxAttempts) return { retry: false, deadLetter: true, why: `gave up after ${input.attempt} attempts` };
  const base = o.scheduleMs[Math.min(input.attempt - 1, o.scheduleMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (1 - o.jitter + 2 * o.jitter * input.random()));
  const retryAfter = input.failure.kind === 'http' ? parseRetryAfter(input.failure.retryAfter, input.nowMs) : undefined;
  const delayMs = retryAfter === undefined ? jittered : Math.max(jittered, Math.min(retryAfter, o.maxRetryAfterMs));
  return { retry: true, delayMs };
}
