import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { createInboxWriter } from '../../../gateway/intake/inbox-writer.ts';
import { createWebhookRouter } from '../../../gateway/intake/webhook/webhook-router.ts';
import type { WebhookConnector } from '../../../gateway/intake/webhook/webhook-connector.ts';
import { sendPraEvent, sendStandardWebhook, standardWebhookSecret } from '../../fakes/index.ts';
import { ids, silentLogger, tempStore, type TempStore } from './harness.ts';

const clock = new ManualClock(Date.now());
const teleportSecret = standardWebhookSecret(Buffer.alloc(32, 7));
const rotatedSecret = standardWebhookSecret(Buffer.alloc(32, 8));
const otherSecret = standardWebhookSecret(Buffer.alloc(32, 9));

const connectors: WebhookConnector[] = [
  { id: 'teleport-prod', vendor: 'teleport', scheme: { kind: 'standard-webhooks', secrets: [rotatedSecret, teleportSecret] } },
  { id: 'other-prod', vendor: 'standard-webhooks', scheme: { kind: 'standard-webhooks', secrets: [otherSecret] } },
  { id: 'pra', vendor: 'beyondtrust', scheme: { kind: 'shared-secret', in: 'query', name: 'token', secrets: ['pra-token'] }, alwaysOk: true, dedupe: { kind: 'content-hash', fields: ['event', 'lsid', 'timestamp'] } },
  { id: 'okta', vendor: 'okta', scheme: { kind: 'shared-secret', in: 'header', name: 'authorization', secrets: ['okta-secret'] }, oktaChallenge: true, dedupe: { kind: 'field', path: 'data.events[].uuid' } },
];

let t: TempStore;
let server: Server;
let base: string;
let registry: Registry;

beforeEach(async () => {
  t = await tempStore();
  registry = new Registry();
  const app = express();
  app.use('/webhooks', createWebhookRouter({
    connectors, inbox: createInboxWriter({ store: t.store, clock, random: ids }), clock, logger: silentLogger, registry, maxBodyBytes: 64 * 1024,
  }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});

afterEach(async () => {
  await new Promise((r) => server.close(r));
  await t.cleanup();
});

const nowSec = () => Math.floor(clock.now() / 1000);

describe('webhook intake', () => {
  it('stores an accepted delivery with its pam.event before answering, and processes a repeat once', async () => {
    const send = { secret: teleportSecret, id: 'msg_2Y1', timestamp: nowSec(), body: { RequestID: 'r-1', State: 'Approved' } };
    const first = await sendStandardWebhook(`${base}/teleport-prod`, send);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ status: 'accepted' });
    const second = await sendStandardWebhook(`${base}/teleport-prod`, send);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ status: 'duplicate', id: JSON.parse(first.body).id });

    const pending = await t.store.inbox.listPending(10);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ connectorId: 'teleport-prod', dedupeKey: 'id:msg_2Y1', channel: 'webhook', body: JSON.stringify(send.body) });
    const events = await t.store.events.readAfter(0, 10);
    expect(events.filter((e) => e.type === 'pam.event')).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ stage: 'received', inboxId: pending[0]?.id });
  });

  it('accepts the rotated secret as well as the old one', async () => {
    const a = await sendStandardWebhook(`${base}/teleport-prod`, { secret: rotatedSecret, id: 'm-a', timestamp: nowSec(), body: { a: 1 } });
    const b = await sendStandardWebhook(`${base}/teleport-prod`, { secret: teleportSecret, id: 'm-b', timestamp: nowSec(), body: { b: 1 } });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await t.store.inbox.listPending(10)).toHaveLength(2);
  });

  it('rejects forged, replayed, expired, unsigned and wrong-connector deliveries with 401 and stores nothing', async () => {
    const url = `${base}/teleport-prod`;
    const forged = await sendStandardWebhook(url, { secret: standardWebhookSecret(Buffer.alloc(32, 3)), id: 'f', timestamp: nowSec(), body: {} });
    const replayed = await sendStandardWebhook(url, { secret: teleportSecret, id: 'r', timestamp: nowSec() - 3600, body: {} });
    const future = await sendStandardWebhook(url, { secret: teleportSecret, id: 'e', timestamp: nowSec() + 3600, body: {} });
    const unsigned = await sendStandardWebhook(url, { secret: teleportSecret, id: 'u', timestamp: nowSec(), body: {}, signature: null });
    const wrongConnector = await sendStandardWebhook(`${base}/other-prod`, { secret: teleportSecret, id: 'w', timestamp: nowSec(), body: {} });
    for (const r of [forged, replayed, future, unsigned, wrongConnector]) expect(r.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
    expect(JSON.parse(replayed.body)).toMatchObject({ reason: 'timestamp-out-of-tolerance' });
    expect(JSON.parse(unsigned.body)).toMatchObject({ reason: 'missing-credentials' });
    expect(await t.store.inbox.listPending(10)).toHaveLength(0);
    const metric = await registry.getSingleMetric('lockstep_intake_deliveries_total')!.get();
    const rejected = metric.values.filter((v) => v.labels.outcome === 'rejected').reduce((n, v) => n + v.value, 0);
    expect(rejected).toBe(5);
  });

  it('answers 404 for an unknown connector, 413 for an oversized body and 400 for bad JSON', async () => {
    const unknown = await sendStandardWebhook(`${base}/nope`, { secret: teleportSecret, id: 'x', timestamp: nowSec(), body: {} });
    expect(unknown.status).toBe(404);
    const big = await sendStandardWebhook(`${base}/teleport-prod`, { secret: teleportSecret, id: 'big', timestamp: nowSec(), body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ reason: 'too-large' });
    const bad = await sendStandardWebhook(`${base}/teleport-prod`, { secret: teleportSecret, id: 'bad', timestamp: nowSec(), body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ reason: 'bad-body' });
    expect(await t.store.inbox.listPending(10)).toHaveLength(0);
  });

  it('accepts a form-encoded BeyondTrust PRA event with 200, once, and refuses one without the token', async () => {
    const event = { event: 'support_conference_end', lsid: 'lsid-42', timestamp: '1764410000' } as const;
    const a = await sendPraEvent(`${base}/pra?token=pra-token`, event);
    const b = await sendPraEvent(`${base}/pra?token=pra-token`, event);
    expect([a.status, b.status]).toEqual([200, 200]);
    const rows = await t.store.inbox.listPending(10);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(rows[0]!.body).get('lsid')).toBe('lsid-42');
    expect((await sendPraEvent(`${base}/pra?token=wrong`, event)).status).toBe(401);
    for (const text of ['not a form? maybe', 'another odd body']) {
      const r = await fetch(`${base}/pra?token=pra-token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
      expect(r.status).toBe(200);
    }
    expect(await t.store.inbox.listPending(10)).toHaveLength(3);
  });

  it('answers the Okta verification challenge only with the static secret, and dedupes on event uuids', async () => {
    const ok = await fetch(`${base}/okta`, { headers: { authorization: 'okta-secret', 'x-okta-verification-challenge': 'chal-1' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ verification: 'chal-1' });
    const bad = await fetch(`${base}/okta`, { headers: { authorization: 'nope', 'x-okta-verification-challenge': 'chal-1' } });
    expect(bad.status).toBe(401);
    const body = JSON.stringify({ data: { events: [{ uuid: 'u2' }, { uuid: 'u1' }] } });
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${base}/okta`, { method: 'POST', headers: { authorization: 'okta-secret', 'content-type': 'application/json' }, body });
      expect(r.status).toBe(200);
    }
    const rows = await t.store.inbox.listPending(10);
    expect(rows.map((r) => r.dedupeKey)).toEqual(['id:u1,u2']);
    expect(rows[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses to start when a connector has no secret', () => {
    expect(() => createWebhookRouter({
      connectors: [{ id: 'delinea', vendor: 'delinea', scheme: { kind: 'shared-secret', in: 'header', name: 'x-secret', secrets: [] } }],
      inbox: createInboxWriter({ store: t.store, clock, random: ids }), clock, logger: silentLogger, registry,
    })).toThrow('connector delinea: webhook receiver refuses to start');
  });
});
