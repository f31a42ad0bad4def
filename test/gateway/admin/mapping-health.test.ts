/**
 * Mapping health through the real admin API, with lag and errors produced the way they happen: the CyberArk fake
 * is down (its fault switch) so the grant it should receive fails and waits for its retry; a webhook CyberArk
 * never sends is not recognised; two deliveries wait in the inbox while the processor sleeps. Time is a manual
 * clock, so every age and status is exact.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorHealth, MappingHealth, MappingHealthRow } from '../../../console/shared/api-types.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { SYNC_CURSOR } from '../../../gateway/sync/sync-engine.ts';
import { Scim, waitFor } from '../../e2e/sync-client.ts';
import { CYBERARK_RELAY_SECRET, startFakes, syncConfig, type Fakes } from '../../e2e/sync-harness.ts';
import { SYNC_MAPPINGS } from '../../e2e/sync-mappings.ts';
import { createScimToken, startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { tempDir } from '../../support/temp-dir.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000;
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A failed call is retried 10 minutes later (by the manual clock); the breaker never opens. */
const DISPATCHER = { pollIntervalMs: 10, leaseMs: 10_000, retry: { scheduleMs: [10 * MIN], maxAttempts: 5, jitter: 0, maxRetryAfterMs: 1_000 }, breaker: { failureThreshold: 100, coolDownMs: 200 } };

const clock = new ManualClock(T0);
let fakes: Fakes & { close(): Promise<void> };
let gw: TestGateway;
let adminToken: string;
const dataDir = tempDir('lockstep-health-');

const start = (processorPollIntervalMs: number, dispatch: boolean) =>
  startTestGateway({ dataDir, clock, intake: { processorPollIntervalMs, dispatch, dispatcher: DISPATCHER } });
/** A CyberArk Vault audit record as the relay posts it (message 999 is none CyberArk sends). */
const record = (messageId: string, session: string) => ({ syslog: { audit_record: {
  MessageID: messageId, Desc: 'PSM Connect', IsoTimestamp: iso(clock.now()), Issuer: 'PSMApp', Safe: 'Finance', File: 'Root\\db',
  ExtraDetails: `SessionID=${session};User=bob;`, RequestId: '', Reason: '',
} } });
const webhook = (body: unknown) => fetch(`${gw.url}/webhooks/cyberark-prod`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-relay-secret': CYBERARK_RELAY_SECRET }, body: JSON.stringify(body),
});
async function health(): Promise<{ body: MappingHealth; cyberark: ConnectorHealth; mapping: MappingHealthRow }> {
  const res = await fetch(`${gw.url}/api/v1/mapping-health`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as MappingHealth;
  return { body, cyberark: body.connectors.find((c) => c.connectorId === 'cyberark-prod')!, mapping: body.mappings.find((m) => m.mapping === 'cyberark-safes')! };
}

beforeAll(async () => {
  fakes = await startFakes(clock);
  mkdirSync(path.join(dataDir, 'mappings'), { recursive: true });
  for (const [name, text] of Object.entries(SYNC_MAPPINGS)) writeFileSync(path.join(dataDir, 'mappings', `${name}.yaml`), text);
  writeFileSync(path.join(dataDir, 'lockstep.json'), JSON.stringify(syncConfig(fakes)));
  await fakes.cyberark.faults.down();

  // First run: the grant to CyberArk fails (retry due at T0 + 10 min); an unknown webhook is not recognised.
  gw = await start(10, true);
  adminToken = gw.adminToken!;
  const scim = new Scim(gw.url, await createScimToken(gw.store, 'sailpoint'));
  await scim.group('PAM-Finance-Users', { owner: 'alice', lastCertified: iso(T0), reviewCadenceDays: 90 }, [await scim.user('bob')]);
  await waitFor('the grant to fail', async () => (await gw.store.outbox.list({ status: 'failed', connectorId: 'cyberark-prod' }, { startIndex: 1, count: 5 })).totalResults === 1);
  expect((await webhook(record('999', 'S-0'))).status).toBeLessThan(300);
  await waitFor('the webhook to be handled', async () => (await gw.store.inbox.countByStatus()).unrecognised === 1);
  await waitFor('the sync engine to catch up', async () => Number((await gw.store.cursors.get(SYNC_CURSOR)) ?? 0) >= (await gw.store.events.lastSeq()));
  await gw.stop();

  // Second run: the processor sleeps for an hour (of real time) and nothing is dispatched; two deliveries wait.
  gw = await start(3_600_000, false);
  clock.set(T0 + MIN);
  for (const n of [1, 2]) expect((await webhook(record('300', `S-${n}`))).status).toBeLessThan(300);
  await waitFor('the sync engine to catch up with the accepted deliveries', async () => Number((await gw.store.cursors.get(SYNC_CURSOR)) ?? 0) >= (await gw.store.events.lastSeq()));
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await fakes?.close();
});

describe('GET /api/v1/mapping-health', () => {
  it('reports lag, errors and a degraded status with its reasons, per connector and per mapping', async () => {
    clock.set(T0 + 7 * MIN);
    const { body, cyberark, mapping } = await health();
    expect(body.at).toBe(iso(T0 + 7 * MIN));
    expect(body.errorWindow).toEqual({ since: iso(T0 + 7 * MIN - 24 * 60 * MIN), hours: 24 });
    expect(body.syncEngine).toMatchObject({ behind: 0, status: 'ok', reasons: [] });
    expect(body.syncEngine.cursor).toBe(body.syncEngine.lastSeq);
    expect(cyberark.lag).toEqual({ intakePending: 2, intakeOldestAgeSeconds: 360, outboundUndelivered: 1, outboundOldestAgeSeconds: 420 });
    expect(cyberark.errors).toMatchObject({
      inboxUnrecognised: 1, inboxFailed: 0, outboxFailed: 1, deadLetters: 0, errors: 2, handled: 2, rate: 1,
      lastInboxError: { status: 'unrecognised', at: iso(T0), error: 'no rule of profile "cyberark" matched' },
      lastOutboxError: { status: 'failed', at: iso(T0), error: expect.stringContaining('ECONNREFUSED') },
    });
    expect(cyberark.status).toBe('degraded');
    expect(cyberark.reasons).toEqual([
      'oldest undelivered outbox message 7 min old (over 5 min)',
      'oldest pending inbox delivery 6 min old (over 5 min)',
      '1 outbox message failed, retrying',
      '1 inbox delivery not recognised in the last 24 h',
    ]);
    expect(mapping).toMatchObject({ pending: 1, deadLetters: 0, lag: cyberark.lag, errors: cyberark.errors, status: 'degraded' });
    expect(mapping.reasons).toEqual(cyberark.reasons.map((r) => `cyberark-prod: ${r}`));
    const idle = body.connectors.find((c) => c.connectorId === 'strongdm')!;
    expect(idle).toMatchObject({ status: 'ok', reasons: [], lag: { intakePending: 0, outboundUndelivered: 0 }, errors: { errors: 0, handled: 0, rate: null } });
    expect(body.mappings.find((m) => m.mapping === 'strongdm-resources')).toMatchObject({ status: 'ok', reasons: [] });
  });

  it('counts a message as due once its retry time passes, and fails a connector whose oldest message is over an hour old', async () => {
    clock.set(T0 + 11 * MIN);
    expect((await health()).cyberark.lag).toEqual({
      intakePending: 2, intakeOldestAgeSeconds: 600, outboundUndelivered: 1, outboundOldestAgeSeconds: 660, outboundOldestDueAgeSeconds: 660,
    });
    clock.set(T0 + 61 * MIN);
    const { cyberark, mapping } = await health();
    expect(cyberark.status).toBe('failing');
    expect(cyberark.reasons.slice(0, 2)).toEqual(['oldest undelivered outbox message 61 min old (over 60 min)', 'oldest pending inbox delivery 60 min old (over 5 min)']);
    expect(mapping.status).toBe('failing');
    expect(mapping.reasons[0]).toBe('cyberark-prod: oldest undelivered outbox message 61 min old (over 60 min)');
  });
});
