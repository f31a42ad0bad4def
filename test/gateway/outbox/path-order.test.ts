import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../../gateway/outbox/enqueue.ts';
import type { OutboundAction } from '../../../gateway/domain/outbox-message.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { eventually, ids, tempStore, type TempStore } from '../intake/harness.ts';
import { CONNECTOR, cyberArk, dispatcher } from './outbox-harness.ts';

let t: TempStore;
let ca: Awaited<ReturnType<typeof cyberArk>>;

beforeEach(async () => {
  t = await tempStore();
  ca = await cyberArk(2_000);
});
afterEach(async () => {
  ca.connector.close();
  await ca.fake.close();
  await t.cleanup();
});

const path = { target: { kind: 'safe', ref: 'Finance' }, principal: 'alice' };
async function put(action: OutboundAction, key: string): Promise<string> {
  return t.store.transaction(async (tx) => (await enqueue(tx, { connectorId: CONNECTOR, action, idempotencyKey: key, payload: { ...path, permissions: ['useAccounts'] } }, { clock: systemClock, random: ids })).id);
}
const get = (id: string) => t.store.outbox.get(id as never);
const callsFor = (key: string) => ca.fake.calls.all().filter((c) => c.idempotencyKey === key);

describe('outbox path order (one access path: connector + target + principal)', () => {
  it('records the path and the message each one follows; a duplicate intent leaves the order alone', async () => {
    const g = await put('grant', 'g1');
    const r = await put('revoke', 'r1');
    expect(await put('grant', 'g1')).toBe(g);
    expect((await get(g))?.payload).toMatchObject({ pathKey: `${CONNECTOR}/safe/Finance|alice` });
    expect((await get(g))?.payload['follows']).toBeUndefined();
    expect((await get(r))?.payload).toMatchObject({ pathKey: `${CONNECTOR}/safe/Finance|alice`, follows: g });
    expect(await t.store.cursors.get(`outbox.path:${CONNECTOR}/safe/Finance|alice`)).toBe(r);
  });

  it('settles an older grant overtaken by a newer revoke as superseded, without calling PAM', async () => {
    const g = await put('grant', 'g1');
    const r = await put('revoke', 'r1');
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(async () => (await get(g))?.status === 'delivered' && (await get(r))?.status === 'delivered');
    await d.stop();
    expect((await get(g))?.response).toEqual({ superseded: r });
    expect(callsFor('g1')).toEqual([]);
    expect(ca.fake.state.memberNames('Finance')).not.toContain('alice');
  });

  it('defers a newer message while an older one is sending under a live lease elsewhere, then supersedes the older one when its lease ends', async () => {
    const g = await put('grant', 'g1');
    const now = Date.now();
    // Another (here: killed) dispatcher holds the grant's claim for 1.5 s.
    const held = await t.store.outbox.claim({ now: new Date(now).toISOString(), owner: 'killed', leaseUntil: new Date(now + 1_500).toISOString(), limit: 1, connectorId: CONNECTOR });
    expect(held.map((m) => m.id)).toEqual([g]);
    const r = await put('revoke', 'r1');
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(async () => (await get(r))?.status === 'failed');
    const deferred = await get(r);
    expect(deferred?.lastError).toContain(`deferred: older message ${g}`);
    expect(deferred?.nextAttemptAt).toBe(held[0]!.claimedUntil);
    expect(callsFor('r1')).toEqual([]);
    await eventually(async () => (await get(g))?.status === 'delivered' && (await get(r))?.status === 'delivered', 15_000);
    await d.stop();
    expect((await get(g))?.response).toEqual({ superseded: r });
    expect(callsFor('g1')).toEqual([]);
    expect(callsFor('r1').length).toBeGreaterThan(0);
  });

  it('sends a newer message of a path only after the older call in flight here has finished', async () => {
    ca.fake.faults.next({ delayMs: 600 }, 1, { method: 'POST', path: /Members$/ });
    const g = await put('grant', 'g1');
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(async () => (await get(g))?.status === 'sending');
    const r = await put('revoke', 'r1');
    await d.tick();
    await eventually(async () => (await get(g))?.status === 'delivered' && (await get(r))?.status === 'delivered');
    await d.stop();
    const post = callsFor('g1').at(-1)!;
    const del = callsFor('r1')[0]!;
    expect(del.seq).toBeGreaterThan(post.seq);
    expect(ca.fake.state.memberNames('Finance')).not.toContain('alice');
  });
});
