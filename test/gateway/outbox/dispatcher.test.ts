import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { listDeadLetters, replayDeadLetters } from '../../../gateway/outbox/dead-letters.ts';
import { eventually, tempStore, type TempStore } from '../intake/harness.ts';
import { CONNECTOR, cyberArk, dispatcher, enqueueGrants, statusCounts } from './outbox-harness.ts';

let t: TempStore;
let ca: Awaited<ReturnType<typeof cyberArk>>;

beforeEach(async () => {
  t = await tempStore();
  ca = await cyberArk(400);
});
afterEach(async () => {
  ca.connector.close();
  await ca.fake.close();
  await t.cleanup();
});

const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const onceEach = () => [...ca.fake.calls.effectsByKey().values()].every((n) => n === 1);

describe('outbox dispatcher', () => {
  it('delivers every queued call once, records outbox.changed events and the vendor answer', async () => {
    await enqueueGrants(t.store, users('u', 10));
    await enqueueGrants(t.store, users('u', 10));
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(async () => (await statusCounts(t.store)).delivered === 10);
    await d.stop();
    expect(ca.fake.state.memberNames('Finance')).toHaveLength(10);
    expect(ca.fake.calls.effectsByKey().size).toBe(10);
    expect(onceEach()).toBe(true);
    const events = (await t.store.events.readAfter(0, 1000)).filter((e) => e.type === 'outbox.changed');
    expect(events.filter((e) => e.payload.status === 'queued')).toHaveLength(10);
    expect(events.filter((e) => e.payload.status === 'delivered')).toHaveLength(10);
    const one = await t.store.outbox.getByIdempotencyKey('grant:u3');
    expect(one).toMatchObject({ status: 'delivered', attempts: 1, response: { outcome: 'done' } });
  });

  it('loses nothing while the PAM is down, slow or rate-limiting, and drains after recovery', async () => {
    await ca.fake.faults.down('refuse');
    await enqueueGrants(t.store, users('d', 4));
    const d = dispatcher(t.store, ca.connector, { options: { breaker: { failureThreshold: 1000, coolDownMs: 10 } } });
    d.start();
    await eventually(async () => ((await t.store.outbox.getByIdempotencyKey('grant:d0'))?.attempts ?? 0) >= 2);
    expect((await statusCounts(t.store)).delivered ?? 0).toBe(0);
    await ca.fake.faults.up();
    ca.fake.faults.next({ delayMs: 800 }, 2, { method: 'POST', path: /Members$/ });
    ca.fake.faults.next({ status: 429, retryAfter: 1 }, 2, { method: 'POST', path: /Members$/ });
    ca.fake.faults.next({ drop: true }, 1, { method: 'POST', path: /Members$/ });
    await enqueueGrants(t.store, users('e', 4));
    await eventually(async () => (await statusCounts(t.store)).delivered === 8, 20_000);
    await d.stop();
    expect(ca.fake.state.memberNames('Finance').sort()).toEqual([...users('d', 4), ...users('e', 4)].sort());
    expect(onceEach()).toBe(true);
  });

  it('honours Retry-After on a 429', async () => {
    ca.fake.faults.next({ status: 429, retryAfter: 3 });
    await enqueueGrants(t.store, ['r0']);
    const clock = new ManualClock(Date.now());
    const d = dispatcher(t.store, ca.connector, { clock });
    expect(await d.tick()).toBe(1);
    await d.idle();
    const m = await t.store.outbox.getByIdempotencyKey('grant:r0');
    expect(m?.status).toBe('failed');
    expect(Date.parse(m!.nextAttemptAt) - clock.now()).toBe(3_000);
    expect(await d.tick()).toBe(0);
    clock.advance(3_000);
    expect(await d.tick()).toBe(1);
    await d.idle();
    expect((await t.store.outbox.getByIdempotencyKey('grant:r0'))?.status).toBe('delivered');
  });

  it('dead-letters a permanent failure at once and a retryable one after the last attempt; replay delivers them', async () => {
    await enqueueGrants(t.store, ['p0', 'p1']);
    ca.fake.faults.next({ status: 400 }, 1, { method: 'POST', path: /Members$/ });
    ca.fake.faults.always({ status: 503 }, (r) => r.method === 'POST' && r.path.endsWith('Members'));
    const clock = new ManualClock(Date.now());
    const d = dispatcher(t.store, ca.connector, { clock, options: { concurrency: 1, retry: { scheduleMs: [1000], maxAttempts: 3, jitter: 0, maxRetryAfterMs: 0 }, breaker: { failureThreshold: 100, coolDownMs: 1 } } });
    for (let i = 0; i < 8; i++) {
      await d.tick();
      await d.idle();
      clock.advance(1000);
    }
    const dead = await listDeadLetters({ store: t.store }, { connectorId: CONNECTOR });
    expect(dead.items.map((m) => m.idempotencyKey).sort()).toEqual(['grant:p0', 'grant:p1']);
    const attempts = Object.fromEntries(dead.items.map((m) => [m.idempotencyKey, m.attempts]));
    expect(attempts).toEqual({ 'grant:p0': 1, 'grant:p1': 3 });
    expect(dead.items.find((m) => m.idempotencyKey === 'grant:p1')?.lastError).toMatch(/gave up after 3 attempts/);

    ca.fake.faults.clear();
    expect(await replayDeadLetters({ store: t.store, clock }, { id: dead.items[0]!.id }, 'test')).toBe(1);
    expect(await replayDeadLetters({ store: t.store, clock }, { all: true }, 'test')).toBe(1);
    for (let i = 0; i < 2; i++) {
      await d.tick();
      await d.idle();
    }
    expect(await statusCounts(t.store)).toEqual({ delivered: 2 });
    expect(ca.fake.state.memberNames('Finance').sort()).toEqual(['p0', 'p1']);
  });

  it('opens the circuit after consecutive failures, sends nothing while open, probes once half-open, then closes', async () => {
    ca.fake.faults.always({ status: 503 }, (r) => r.method === 'POST' && r.path.endsWith('Members'));
    await enqueueGrants(t.store, users('c', 6));
    const clock = new ManualClock(Date.now());
    const d = dispatcher(t.store, ca.connector, { clock, options: { concurrency: 2, retry: { scheduleMs: [100], maxAttempts: 100, jitter: 0, maxRetryAfterMs: 0 }, breaker: { failureThreshold: 2, coolDownMs: 10_000 } } });
    expect(await d.tick()).toBe(2);
    await d.idle();
    expect(d.breaker(CONNECTOR).state()).toBe('open');
    const posts = () => ca.fake.calls.count({ method: 'POST', path: /Members$/ });
    const before = posts();
    clock.advance(5_000);
    expect(await d.tick()).toBe(0);
    expect(posts()).toBe(before);
    clock.advance(5_000);
    expect(d.breaker(CONNECTOR).state()).toBe('half-open');
    expect(await d.tick()).toBe(1);
    expect(await d.tick()).toBe(0);
    await d.idle();
    expect(d.breaker(CONNECTOR).state()).toBe('open');
    ca.fake.faults.clear();
    clock.advance(10_000);
    expect(await d.tick()).toBe(1);
    await d.idle();
    expect(d.breaker(CONNECTOR).state()).toBe('closed');
    for (let i = 0; i < 5; i++) {
      await d.tick();
      await d.idle();
    }
    expect((await statusCounts(t.store)).delivered).toBe(6);
  });

  it('survives a restart mid-dispatch: no side effect lost or repeated at the fake', async () => {
    ca.fake.faults.always({ delayMs: 300 }, { method: 'POST', path: /Members$/ });
    const principals = users('m', 4);
    await enqueueGrants(t.store, principals);
    const first = dispatcher(t.store, ca.connector, { owner: 'first', options: { leaseMs: 60_000 } });
    first.start();
    await eventually(() => ca.fake.calls.count({ method: 'POST', path: /Members$/ }) === 4);
    const stopping = first.stop(0);
    await t.store.close();
    await stopping;
    await eventually(() => ca.fake.state.memberNames('Finance').length === 4);
    ca.fake.faults.clear();

    const store = await t.reopen();
    expect((await statusCounts(store)).sending).toBe(4);
    const later = new ManualClock(Date.now() + 61_000);
    const second = dispatcher(store, ca.connector, { owner: 'second', clock: later });
    expect(await second.tick()).toBe(4);
    await second.idle();
    const delivered = await store.outbox.list({ status: 'delivered' }, { startIndex: 1, count: 10 });
    expect(delivered.items).toHaveLength(4);
    expect(delivered.items.every((m) => m.attempts === 2 && m.response?.outcome === 'already-done')).toBe(true);
    expect(ca.fake.state.memberNames('Finance').sort()).toEqual(principals);
    expect(onceEach()).toBe(true);
    expect(ca.fake.calls.effectsByKey().size).toBe(4);
  });
});
