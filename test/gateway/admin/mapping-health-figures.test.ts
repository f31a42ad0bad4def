/**
 * Mapping health's figures and statuses computed over a real SQLite store with a manual clock: the sync engine
 * behind the event log, a dead letter, an error rate over the 24 h window (rows outside it left out).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mappingHealth } from '../../../gateway/admin/mapping-health.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { InboxId, OutboxId } from '../../../gateway/domain/ids.ts';
import { createMappingRegistry } from '../../../gateway/mapping-registry/mapping-registry.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { SYNC_CURSOR } from '../../../gateway/sync/sync-engine.ts';
import { tempDir } from '../../support/temp-dir.ts';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

let store: Store;
const clock = new ManualClock(T0);
const health = () => mappingHealth({
  store, clock,
  connectors: () => [{ id: 'vault', kind: 'pam', vendor: 'hashicorp-vault', profile: 'hashicorp-vault', enabled: true }, { id: 'quiet', kind: 'pam', vendor: 'cyberark', profile: 'cyberark', enabled: true }],
  mappings: createMappingRegistry({ load: async () => ({ ok: false as const, error: [] }), clock }),
});

beforeEach(async () => {
  store = await openSqliteStore({ file: path.join(tempDir('lockstep-mh-'), 'state.sqlite') });
  clock.set(T0);
});
afterEach(async () => {
  await store.close();
});

let n = 0;
const inbox = async (receivedAt: number, outcome?: { status: 'processed' | 'unrecognised'; at: number }) => {
  const id = `inb_${String(++n).padStart(26, '0')}` as InboxId;
  await store.inbox.insert({ id, connectorId: 'vault', dedupeKey: `d-${n}`, channel: 'webhook', contentType: 'application/json', body: '{}', headers: {}, receivedAt: iso(receivedAt), status: 'pending', attempts: 0 });
  if (outcome) await store.inbox.markDone(id, outcome.status, iso(outcome.at), outcome.status === 'unrecognised' ? `reason ${n}` : undefined);
};

describe('mapping health figures', () => {
  it('measures how far the sync engine is behind the event log, and judges it by the age of the oldest unconsumed event', async () => {
    for (const m of [0, 1, 2]) await store.events.append({ type: 'identity.upserted', subject: `idn_${m}`, actor: 'test', payload: {}, occurredAt: iso(T0 + m * MIN) });
    await store.cursors.set(SYNC_CURSOR, '1');
    clock.set(T0 + 3 * MIN);
    expect((await health()).syncEngine).toEqual({
      lastSeq: 3, cursor: 1, behind: 2, oldestUnconsumedAgeSeconds: 120, status: 'degraded',
      reasons: ['2 domain events not consumed; the oldest 2 min old (over 60 s)'],
    });
    clock.set(T0 + 20 * MIN);
    expect((await health()).syncEngine).toMatchObject({ status: 'failing', reasons: ['2 domain events not consumed; the oldest 19 min old (over 15 min)'] });
    await store.cursors.set(SYNC_CURSOR, '3');
    expect((await health()).syncEngine).toEqual({ lastSeq: 3, cursor: 3, behind: 0, status: 'ok', reasons: [] });
  });

  it('fails a connector with a dead letter and an error rate of half or more over the window; rows before the window do not count', async () => {
    for (let i = 0; i < 6; i++) await inbox(T0 - HOUR, { status: 'unrecognised', at: T0 - HOUR + i * MIN });
    for (let i = 0; i < 4; i++) await inbox(T0 - HOUR, { status: 'processed', at: T0 - 30 * MIN });
    await inbox(T0 - 30 * HOUR, { status: 'unrecognised', at: T0 - 25 * HOUR });
    const dead = 'obx_00000000000000000000000001' as OutboxId;
    await store.outbox.enqueue({ id: dead, connectorId: 'vault', action: 'revoke', idempotencyKey: 'k1', payload: {}, status: 'queued', attempts: 0, nextAttemptAt: iso(T0 - 2 * HOUR), createdAt: iso(T0 - 2 * HOUR), updatedAt: iso(T0 - 2 * HOUR) });
    await store.outbox.claim({ owner: 'w', now: iso(T0 - 2 * HOUR), leaseUntil: iso(T0 - HOUR), limit: 5 });
    await store.outbox.markFailed(dead, iso(T0 - 10 * MIN), '403 Forbidden', undefined);

    const body = await health();
    const vault = body.connectors.find((c) => c.connectorId === 'vault')!;
    expect(vault.errors).toEqual({
      inboxUnrecognised: 6, inboxFailed: 0, lastInboxError: { status: 'unrecognised', error: 'reason 6', at: iso(T0 - HOUR + 5 * MIN) },
      outboxFailed: 0, deadLetters: 1, lastOutboxError: { status: 'abandoned', error: '403 Forbidden', at: iso(T0 - 10 * MIN) },
      errors: 7, handled: 11, rate: 0.636,
    });
    expect(vault.lag).toEqual({ intakePending: 0, outboundUndelivered: 0 });
    expect(vault.status).toBe('failing');
    expect(vault.reasons).toEqual(['1 dead letter', 'error rate 64% of 11 handled in the last 24 h', '6 inbox deliveries not recognised in the last 24 h']);
    expect(body.connectors.find((c) => c.connectorId === 'quiet')).toMatchObject({ status: 'ok', reasons: [], errors: { rate: null } });
    expect(body.errorWindow).toEqual({ since: iso(T0 - 24 * HOUR), hours: 24 });
  });
});
