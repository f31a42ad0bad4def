import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { createCircuitBreaker } from '../../../gateway/outbox/circuit-breaker.ts';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, half-opens after the cool-down with one probe, closes on success', () => {
    const clock = new ManualClock(0);
    const b = createCircuitBreaker(clock, { failureThreshold: 3, coolDownMs: 1000 });
    expect(b.permits(0, 4)).toBe(4);
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    expect(b.state()).toBe('closed');
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.permits(0, 4)).toBe(0);
    expect(b.reopensAt()).toBe(1000);
    clock.advance(999);
    expect(b.state()).toBe('open');
    clock.advance(1);
    expect(b.state()).toBe('half-open');
    expect(b.permits(0, 4)).toBe(1);
    expect(b.permits(1, 4)).toBe(0);
    b.onSuccess();
    expect(b.state()).toBe('closed');
    expect(b.permits(1, 4)).toBe(3);
  });
  it('re-opens for a full cool-down when the probe fails', () => {
    const clock = new ManualClock(0);
    const b = createCircuitBreaker(clock, { failureThreshold: 1, coolDownMs: 1000 });
    b.onFailure();
    clock.advance(1500);
    expect(b.state()).toBe('half-open');
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.reopensAt()).toBe(2500);
  });
});
