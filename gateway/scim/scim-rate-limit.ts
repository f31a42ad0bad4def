/** A token bucket per SCIM token, in memory: `x-rate-limit-*` headers on every answer, 429 with Retry-After. */
import type { Clock } from '../domain/clock.ts';

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds when the bucket is full again. */
  readonly reset: number;
  /** Seconds until one request is allowed (when refused). */
  readonly retryAfter: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock, private readonly capacity: number, private readonly refillPerSecond: number) {}

  take(key: string): RateDecision {
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.refillPerSecond);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(key, b);
    const reset = Math.ceil((now + ((this.capacity - b.tokens) / this.refillPerSecond) * 1000) / 1000);
    const retryAfter = allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond));
    return { allowed, limit: this.capacity, remaining: Math.floor(b.tokens), reset, retryAfter };
  }
}
