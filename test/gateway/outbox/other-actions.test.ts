import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { createDispatcher } from '../../../gateway/outbox/dispatcher.ts';
import { enqueue } from '../../../gateway/outbox/enqueue.ts';
import { startIgaNotificationFake } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
import { ids, silentLogger, tempStore, type TempStore } from '../intake/harness.ts';
import { CONNECTOR, cyberArk, dispatcher } from './outbox-harness.ts';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe('outbox actions beyond grant', () => {
  it('approves and rejects CyberArk dual-control requests, and revokes', async () => {
    const ca = await cyberArk();
    try {
      ca.fake.state.addIncomingRequest({ id: 'req-1', requestor: 'alice', accountId: '12_3' });
      ca.fake.state.addIncomingRequest({ id: 'req-2', requestor: 'bob', accountId: '12_3' });
      ca.fake.state.putMember('Finance', { memberName: 'carol' });
      await t.store.transaction(async (tx) => {
        const deps = { clock: systemClock, random: ids };
        await enqueue(tx, { connectorId: CONNECTOR, action: 'approve-elevation', idempotencyKey: 'approve:req-1', payload: { externalRequestId: 'req-1' } }, deps);
        await enqueue(tx, { connectorId: CONNECTOR, action: 'deny-elevation', idempotencyKey: 'deny:req-2', payload: { externalRequestId: 'req-2', reason: 'no matching assignment' } }, deps);
        await enqueue(tx, { connectorId: CONNECTOR, action: 'revoke', idempotencyKey: 'revoke:carol', payload: { target: { kind: 'safe', ref: 'Finance' }, principal: 'carol' } }, deps);
        await enqueue(tx, { connectorId: CONNECTOR, action: 'read-back', idempotencyKey: 'read:carol', payload: { target: { kind: 'safe', ref: 'Finance' }, principal: 'carol' }, notBefore: new Date(Date.now() + 1).toISOString() }, deps);
      });
      const d = dispatcher(t.store, ca.connector, { options: { concurrency: 1 } });
      for (let i = 0; i < 4; i++) {
        await d.tick();
        await d.idle();
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(ca.fake.state.incomingRequests.get('req-1')?.Status).toBe('Confirmed');
      expect(ca.fake.state.incomingRequests.get('req-2')?.Status).toBe('Rejected');
      expect(ca.fake.state.member('Finance', 'carol')).toBeUndefined();
      expect(await t.store.outbox.getByIdempotencyKey('read:carol')).toMatchObject({ status: 'delivered', response: { present: false } });
    } finally {
      ca.connector.close();
      await ca.fake.close();
    }
  });

  it('notifies the IGA once per idempotency key', async () => {
    const iga = await startIgaNotificationFake();
    const connector = createProfileConnector({ id: 'iga', vendor: 'generic', profile: await builtinProfile('iga-webhook'), baseUrl: iga.url, auth: { kind: 'bearer', token: 'iga-token' }, timeoutMs: 1_000 }, { clock: systemClock });
    try {
      const event = { type: 'grant.removed', occurredAt: '2026-11-29T10:00:00Z', connectorId: 'cyberark', principal: 'alice', target: { kind: 'safe', ref: 'Finance' }, attributes: {} };
      await t.store.transaction(async (tx) => {
        await enqueue(tx, { connectorId: 'iga', action: 'notify-iga', idempotencyKey: 'notify:1', payload: { event: 'grant.removed', subject: 'alice', payload: { event, identity: { userName: 'alice' }, entitlement: { displayName: 'Finance admins' } } } }, { clock: systemClock, random: ids });
      });
      const d = createDispatcher({ store: t.store, clock: systemClock, random: () => 0.5, connectors: new Map([['iga', connector]]), logger: silentLogger, registry: new Registry(), owner: 't' });
      await d.tick();
      await d.idle();
      expect((await t.store.outbox.getByIdempotencyKey('notify:1'))?.status).toBe('delivered');
      expect(iga.state.webhooks).toHaveLength(1);
      expect(iga.state.webhooks[0]?.body).toMatchObject({ type: 'grant.removed', principal: 'alice', identity: 'alice', entitlement: 'Finance admins' });
      expect(iga.state.webhooks[0]?.headers['idempotency-key']).toBe('notify:1');
    } finally {
      connector.close();
      await iga.close();
    }
  });
});
