import type { Clock } from '../domain/clock.ts';

/**
 * A per-connector circuit breaker as a small state machine over an injected clock: `closed` until
 * `failureThreshold` consecutive failures, then `open` (nothing is sent) for `coolDownMs`, then `half-open`,
 * where one probe at a time is let through (the caller counts its calls in flight): its success closes the circuit, its failure opens it again.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
}

export const DEFAULT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, coolDownMs: 30_000 };

export interface CircuitBreaker {
  state(): CircuitState;
  /** How many calls may start now (0 when open, or half-open with a probe in flight). */
  permits(inFlight: number, limit: number): number;
  /** When an open circuit will let a probe through (ms since epoch), for scheduling. */
  reopensAt(): number | undefined;
  onSuccess(): void;
  onFailure(): void;
}

export function createCircuitBreaker(clock: Clock, options: CircuitBreakerOptions = DEFAULT_BREAKER): CircuitBreaker {
  let consecutive = 0;
  let openedAt: number | undefined;

  const state = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return clock.now() - openedAt >= options.coolDownMs ? 'half-open' : 'open';
  };

  return {
    state,
    permits(inFlight, limit) {
      const s = state();
      if (s === 'closed') return Math.max(0, limit - inFlight);
      return s === 'half-open' && inFlight === 0 ? 1 : 0;
    },
    reopensAt: () => (openedAt === undefined ? undefined : openedAt + options.coolDownMs),
    onSuccess() {
      consecutive = 0;
      openedAt = undefined;
    },
    onFailure() {
      consecutive += 1;
      const s = state();
      if (s === 'half-open' || (s === 'closed' && consecutive >= options.failureThreshold)) openedAt = clock.now();
    },
  };
}
