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
async function put(action: OutboundAction, key: string, permissions: readonly string[] = ['useAccounts']): Promise<string> {
  return t.store.transaction(async (tx) => (await enqueue(tx, { connectorId: CONNECTOR, action, idempotencyKey: key, payload: { ...path, permissions } }, { clock: systemClock, random: ids })).id);
}
const get = (id: string) => t.store.outbox.get(id as never);
const callsFor = (key: string) => ca.fake.calls.all().filter((c) => c.idempotencyKey === key);
const PATH_KEY = `${CONNECTOR}/safe/Finance|alice`;
const settled = (...ids: string[]) => async () => {
  for (const id of ids) if (!['delivered', 'abandoned'].includes((await get(id))?.status ?? '')) return false;
  return true;
};
const MEMBER = /Members\/alice\/?$/;

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

describe('outbox path order of permission updates (update-permissions)', () => {
  it('chains an update on its path without making it the head; the next grant or revoke follows it', async () => {
    const g = await put('grant', 'g1');
    const u = await put('update-permissions', 'u1', ['useAccounts', 'listAccounts']);
    const r = await put('revoke', 'r1');
    expect((await get(u))?.payload).toMatchObject({ pathKey: PATH_KEY, follows: g });
    expect((await get(r))?.payload).toMatchObject({ pathKey: PATH_KEY, follows: u });
    expect(await t.store.cursors.get(`outbox.path:${PATH_KEY}`)).toBe(r);
    expect(await t.store.cursors.get(`outbox.path-last:${PATH_KEY}`)).toBe(r);
  });

  it('a revoke queued after an update (whose first try failed) supersedes it: the update is not sent again, no 404, no dead letter', async () => {
    ca.fake.state.putMember('Finance', { memberName: 'alice', permissions: { useAccounts: true } });
    ca.fake.faults.next({ status: 503 }, 1, { method: 'PUT', path: MEMBER });
    const u = await put('update-permissions', 'u1', ['useAccounts', 'listAccounts']);
    const d = dispatcher(t.store, ca.connector);
    await d.tick();
    await d.idle();
    expect((await get(u))?.status).toBe('failed');
    const r = await put('revoke', 'r1');
    d.start();
    await eventually(settled(u, r));
    await d.stop();
    expect(await get(u)).toMatchObject({ status: 'delivered', response: { superseded: r } });
    expect(await get(r)).toMatchObject({ status: 'delivered' });
    expect(callsFor('u1')).toHaveLength(1);
    expect(ca.fake.state.memberNames('Finance')).not.toContain('alice');
    expect(await t.store.outbox.list({ status: 'abandoned' }, { startIndex: 1, count: 10 })).toMatchObject({ items: [] });
  });

  it('an update queued after a grant waits until the grant is delivered, then is sent', async () => {
    ca.fake.faults.next({ status: 503 }, 2, { method: 'POST', path: /Members\/?$/ });
    const g = await put('grant', 'g1');
    const u = await put('update-permissions', 'u1', ['useAccounts', 'listAccounts']);
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(settled(g, u));
    await d.stop();
    expect(await get(g)).toMatchObject({ status: 'delivered' });
    const update = await get(u);
    expect(update?.status).toBe('delivered');
    expect(update?.response?.['superseded']).toBeUndefined();
    const created = ca.fake.calls.all().filter((c) => c.idempotencyKey === 'g1' && c.status === 201);
    const puts = callsFor('u1');
    expect(puts.map((c) => c.status)).toEqual([200]);
    expect(puts[0]!.seq).toBeGreaterThan(created[0]!.seq);
    expect(ca.fake.state.member('Finance', 'alice')?.permissions).toMatchObject({ useAccounts: true, listAccounts: true });
  });

  it('a grant queued after an update supersedes it (the grant states the path anew); so does a newer update', async () => {
    ca.fake.state.putMember('Finance', { memberName: 'alice', permissions: { useAccounts: true } });
    const u1 = await put('update-permissions', 'u1', ['useAccounts', 'listAccounts']);
    const u2 = await put('update-permissions', 'u2', ['useAccounts', 'retrieveAccounts']);
    const g = await put('grant', 'g1');
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(settled(u1, u2, g));
    await d.stop();
    expect(await get(u1)).toMatchObject({ status: 'delivered', response: { superseded: g } });
    expect(await get(u2)).toMatchObject({ status: 'delivered', response: { superseded: g } });
    expect(callsFor('u1')).toEqual([]);
    expect(callsFor('u2')).toEqual([]);
    expect((await get(g))?.status).toBe('delivered');
  });

  it('an update queued after a revoke is not sent (the path is being removed), unless that revoke ended as a dead letter', async () => {
    ca.fake.state.putMember('Finance', { memberName: 'alice', permissions: { useAccounts: true } });
    const r = await put('revoke', 'r1');
    const u = await put('update-permissions', 'u1', ['useAccounts', 'listAccounts']);
    const d = dispatcher(t.store, ca.connector);
    d.start();
    await eventually(settled(r, u));
    expect(await get(u)).toMatchObject({ status: 'delivered', response: { superseded: r } });
    expect(callsFor('u1')).toEqual([]);

    // A revoke refused for good leaves the member in place: a later update of it is sent.
    ca.fake.state.putMember('Finance', { memberName: 'alice', permissions: { useAccounts: true } });
    ca.fake.faults.next({ status: 403 }, 1, { method: 'DELETE', path: MEMBER });
    const r2 = await put('revoke', 'r2');
    await eventually(settled(r2));
    expect((await get(r2))?.status).toBe('abandoned');
    const u2 = await put('update-permissions', 'u2', ['useAccounts', 'listAccounts']);
    await eventually(settled(u2));
    await d.stop();
    expect((await get(u2))?.response?.['superseded']).toBeUndefined();
    expect(ca.fake.state.member('Finance', 'alice')?.permissions).toMatchObject({ useAccounts: true, listAccounts: true });
  });
});
