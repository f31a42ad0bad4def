import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createInboxWriter } from '../../../gateway/intake/inbox-writer.ts';
import { createWebhookRouter } from '../../../gateway/intake/webhook/webhook-router.ts';
import { openPostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { sendStandardWebhook, standardWebhookSecret } from '../../fakes/index.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { ids, silentLogger } from './harness.ts';

describe('webhook intake on PostgreSQL', () => {
  it('group-commits concurrent deliveries and stores each event id once', async () => {
    const schema = await freshSchema();
    const store = await openPostgresStore({ connectionString: PG_URL, schema: schema.schema });
    const secret = standardWebhookSecret(Buffer.alloc(32, 4));
    const app = express();
    app.use('/webhooks', createWebhookRouter({
      connectors: [{ id: 'sw', vendor: 'standard-webhooks', scheme: { kind: 'standard-webhooks', secrets: [secret] } }],
      inbox: createInboxWriter({ store, clock: systemClock, random: ids }), clock: systemClock, logger: silentLogger, registry: new Registry(),
    }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/sw`;
      const sends = Array.from({ length: 40 }, (_, i) => sendStandardWebhook(url, { secret, id: `evt-${i % 25}`, body: { n: i % 25 } }));
      const results = await Promise.all(sends);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => JSON.parse(r.body).status === 'accepted')).toHaveLength(25);
      expect((await store.inbox.countByStatus()).pending).toBe(25);
      expect((await store.events.readAfter(0, 100)).filter((e) => e.type === 'pam.event')).toHaveLength(25);
    } finally {
      await new Promise((r) => server.close(r));
      await store.close();
      await schema.drop();
    }
  });
});
