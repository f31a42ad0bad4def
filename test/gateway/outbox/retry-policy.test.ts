import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextAttempt, parseRetryAfter, type RetryPolicyOptions } from '../../../gateway/outbox/retry-policy.ts';

const NOW = Date.parse('2026-11-29T10:00:00Z');
const mid = () => 0.5;

describe('retry policy', () => {
  it('follows the schedule 0s, 5s, 30s, 2m, 10m, 30m, 2h … without jitter at the midpoint', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextAttempt({ attempt, failure: { kind: 'http', status: 503 }, random: mid, nowMs: NOW }));
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([0, 5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000]);
  });
  it('retries 408, 425, 429, 5xx, timeouts and network errors; dead-letters other 4xx and permanent failures at once', () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504]) expect(nextAttempt({ attempt: 1, failure: { kind: 'http', status }, random: mid, nowMs: NOW }).retry).toBe(true);
    for (const kind of ['timeout', 'network'] as const) expect(nextAttempt({ attempt: 1, failure: { kind }, random: mid, nowMs: NOW }).retry).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 410, 422]) expect(nextAttempt({ attempt: 1, failure: { kind: 'http', status }, random: mid, nowMs: NOW })).toMatchObject({ retry: false, deadLetter: true });
    expect(nextAttempt({ attempt: 1, failure: { kind: 'permanent', reason: 'bad payload' }, random: mid, nowMs: NOW })).toMatchObject({ retry: false, why: 'bad payload' });
  });
  it('dead-letters after the last attempt', () => {
    const o: RetryPolicyOptions = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
    expect(nextAttempt({ attempt: 2, failure: { kind: 'timeout' }, random: mid, nowMs: NOW, options: o }).retry).toBe(true);
    expect(nextAttempt({ attempt: 3, failure: { kind: 'timeout' }, random: mid, nowMs: NOW, options: o })).toMatchObject({ retry: false, why: 'gave up after 3 attempts' });
  });
  it('honours Retry-After in seconds and as an HTTP date, capped', () => {
    expect(nextAttempt({ attempt: 1, failure: { kind: 'http', status: 429, retryAfter: '120' }, random: mid, nowMs: NOW })).toEqual({ retry: true, delayMs: 120_000 });
    const date = new Date(NOW + 90_000).toUTCString();
    expect(nextAttempt({ attempt: 1, failure: { kind: 'http', status: 503, retryAfter: date }, random: mid, nowMs: NOW })).toEqual({ retry: true, delayMs: 90_000 });
    expect(nextAttempt({ attempt: 1, failure: { kind: 'http', status: 503, retryAfter: String(10 * 86_400) }, random: mid, nowMs: NOW })).toEqual({ retry: true, delayMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs });
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });
  it('keeps jittered delays within ±20 % of the schedule and never below a Retry-After', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), fc.option(fc.integer({ min: 0, max: 3600 })), (attempt, r, ra) => {
      const d = nextAttempt({ attempt, failure: { kind: 'http', status: 429, retryAfter: ra === null ? undefined : String(ra) }, random: () => r, nowMs: NOW });
      if (!d.retry) return false;
      const base = DEFAULT_RETRY_POLICY.scheduleMs[Math.min(attempt - 1, DEFAULT_RETRY_POLICY.scheduleMs.length - 1)]!;
      const lo = Math.max(Math.round(base * 0.8), ra === null ? 0 : ra * 1000);
      const hi = Math.max(Math.round(base * 1.2), ra === null ? 0 : ra * 1000);
      return d.delayMs >= lo && d.delayMs <= hi;
    }), { numRuns: 300 });
  });
});
