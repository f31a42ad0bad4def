import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createInboxProcessor } from '../../../gateway/intake/inbox-processor.ts';
import { createInboxWriter } from '../../../gateway/intake/inbox-writer.ts';
import { webhookConnectorFromConfig } from '../../../gateway/intake/webhook/webhook-connector-config.ts';
import { createWebhookRouter } from '../../../gateway/intake/webhook/webhook-router.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { cyberArkAuditRecord, cyberArkSyslogJson } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
import { ids, silentLogger, tempStore, type TempStore } from './harness.ts';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.cleanup();
});

async function normalised(store: Store) {
  return (await store.events.readAfter(0, 1000)).filter((e) => e.type === 'pam.event' && e.payload.stage === 'normalised');
}

describe('inbox processor', () => {
  it('turns CyberArk audit records into canonical events, marks unknown ones unrecognised, and is restart-safe', async () => {
    const profile = await builtinProfile('cyberark');
    const inbox = createInboxWriter({ store: t.store, clock: systemClock, random: ids });
    const connect = cyberArkAuditRecord('300', { sessionId: 's-9', user: 'adrian', Safe: 'Finance', File: 'srv01-admin' });
    const unknown = { ...cyberArkAuditRecord('7'), MessageID: '99999' };
    for (const [i, r] of [connect, unknown].entries()) {
      await inbox.write({ connectorId: 'cyberark-vault', channel: 'syslog', dedupeKey: `k${i}`, contentType: 'application/json', body: cyberArkSyslogJson(r), headers: {} });
    }
    await inbox.write({ connectorId: 'nobody', channel: 'webhook', dedupeKey: 'x', contentType: 'application/json', body: '{}', headers: {} });
    const processor = createInboxProcessor({ store: t.store, clock: systemClock, logger: silentLogger, registry: new Registry(), profileFor: (id) => (id === 'cyberark-vault' ? profile : undefined) });
    expect(await processor.runOnce()).toBe(3);
    expect(await t.store.inbox.countByStatus()).toMatchObject({ pending: 0, processed: 1, unrecognised: 2 });
    const events = await normalised(t.store);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subject: 'target:cyberark-vault/account/Finance/srv01-admin', payload: { event: { type: 'session.started', principal: 'adrian', externalId: 's-9' } } });
    const rows = await t.store.inbox.listPending(10);
    expect(rows).toHaveLength(0);

    const store = await t.reopen();
    const again = createInboxProcessor({ store, clock: systemClock, logger: silentLogger, registry: new Registry(), profileFor: () => profile });
    expect(await again.runOnce()).toBe(0);
    expect(await normalised(store)).toHaveLength(1);
  });

  it('processes the same webhook delivered twice once (profile dedupe), end to end', async () => {
    const profile = await builtinProfile('teleport');
    const connector = webhookConnectorFromConfig({
      id: 'teleport', kind: 'pam', vendor: 'teleport', profile: 'teleport', enabled: true,
      inbound: { scheme: 'basic', username: 'teleport', password: 'pw' },
    }, profile);
    if (!connector) throw new Error('no receiver');
    const app = express();
    app.use('/webhooks', createWebhookRouter({ connectors: [connector], inbox: createInboxWriter({ store: t.store, clock: systemClock, random: ids }), clock: systemClock, logger: silentLogger, registry: new Registry() }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/teleport`;
      const body = { RequestID: 'req-1', User: 'alice', Roles: ['db-admin'], State: 'Approved', CreatedAt: '2026-11-29T09:00:00Z' };
      const send = (b: object) => fetch(url, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('teleport:pw').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(b) });
      expect((await send(body)).status).toBe(200);
      expect(await (await send({ ...body, CreatedAt: body.CreatedAt })).json()).toMatchObject({ status: 'duplicate' });
      const processor = createInboxProcessor({ store: t.store, clock: systemClock, logger: silentLogger, registry: new Registry(), profileFor: () => profile });
      await processor.runOnce();
      const events = await normalised(t.store);
      expect(events).toHaveLength(1);
      expect(events[0]?.payload).toMatchObject({ event: { type: 'elevation.approved', principal: 'alice', externalId: 'req-1' } });
      expect((await t.store.inbox.listPending(10))).toHaveLength(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
