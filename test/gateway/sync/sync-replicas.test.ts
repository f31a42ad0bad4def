/**
 * Sync engines on several replicas sharing one PostgreSQL schema (each replica its own store, its own pool):
 * every event's effect happens once however the engines interleave, two replicas reaching the same expiry end
 * it once, and when one replica stops mid-run the other carries on from the committed cursor.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import type { MappingSet } from '../../../mappings/lib/index.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { newId, type AssignmentId, type EntitlementId } from '../../../gateway/domain/ids.ts';
import { verifyStoreLedger } from '../../../gateway/ledger/verify-store-ledger.ts';
import { openPostgresStore, type PostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import type { SyncConnector } from '../../../gateway/sync/sync-context.ts';
import { createSyncEngine, SYNC_CURSOR, type SyncEngine } from '../../../gateway/sync/sync-engine.ts';
import { SYNC_MAPPINGS } from '../../e2e/sync-mappings.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { eventually } from '../intake/harness.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const connectors: SyncConnector[] = [
  { id: 'sailpoint', kind: 'iga', profile: 'scim-iga', outbound: true },
  { id: 'cyberark-prod', kind: 'pam', profile: 'cyberark', outbound: true },
];
const clock = new ManualClock(Date.parse('2026-11-01T10:00:00Z'));
const iso = () => new Date(clock.now()).toISOString();
let set: MappingSet;

beforeAll(async () => {
  const dir = tempDir('lockstep-sync-replicas-');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SYNC_MAPPINGS)) writeFileSync(path.join(dir, `${name}.yaml`), text);
  const loaded = await loadMappingDirs([path.resolve(import.meta.dirname, '../../../mappings/profiles'), dir]);
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.message).join('; '));
  set = loaded.value;
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two replicas: two stores on one fresh schema, each with an engine. */
async function replicas(): Promise<{ stores: [PostgresStore, PostgresStore]; engines: [SyncEngine, SyncEngine] }> {
  const { schema, drop } = await freshSchema();
  cleanups.push(drop);
  const open = () => openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 4 });
  const a = await open();
  const b = await open();
  cleanups.push(async () => {
    await a.close();
    await b.close();
  });
  const engine = (store: Store) => createSyncEngine({
    store, clock, random, logger: pino({ level: 'silent' }), mappings: () => set, connectors: () => connectors,
    options: { timerIntervalMs: 0, batchSize: 4 },
  });
  const engines: [SyncEngine, SyncEngine] = [engine(a), engine(b)];
  cleanups.push(async () => {
    await Promise.all(engines.map((e) => e.stop()));
  });
  return { stores: [a, b], engines };
}

/** One SCIM-like write: a user joins a standing-access group (one `assignment.added` event). */
async function seed(store: Store, userName: string, group: string, expiresAt?: string): Promise<AssignmentId> {
  const now = iso();
  const identityId = newId('identity', clock.now(), random);
  const assignmentId = newId('assignment', clock.now(), random);
  await store.transaction(async (tx) => {
    let entitlementId: EntitlementId | undefined = (await tx.entitlements.listAll()).find((e) => e.displayName === group)?.id;
    if (!entitlementId) {
      entitlementId = newId('entitlement', clock.now(), random);
      await tx.entitlements.insert({ id: entitlementId, connectorId: 'sailpoint', displayName: group, governance: { owner: 'alice', breakGlass: false, nonHuman: false }, resource: {}, version: 1, createdAt: now, updatedAt: now });
    }
    await tx.identities.insert({ id: identityId, connectorId: 'sailpoint', userName, kind: 'human', active: true, resource: {}, version: 1, createdAt: now, updatedAt: now });
    await tx.assignments.insert({ id: assignmentId, connectorId: 'sailpoint', entitlementId, identityId, approvedAt: now, expiresAt, status: 'active', sessionCount: 0, updatedAt: now });
    await tx.events.append({ type: 'assignment.added', subject: entitlementId, actor: 'scim:test', payload: { assignmentId, entitlementId, identityId }, occurredAt: now });
  });
  return assignmentId;
}

/** How many ledger entries of `action` each subject has. */
async function ledgerCounts(store: Store, action: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await store.ledger.read(1, 10_000)) if (e.action === action) counts.set(e.subject, (counts.get(e.subject) ?? 0) + 1);
  return counts;
}

const once = (ids: readonly string[]) => new Map(ids.map((id) => [id, 1]));

describe('sync engines on two PostgreSQL replicas', () => {
  it('apply every event once when both run over the same events at the same time', async () => {
    const { stores: [a, b], engines: [ea, eb] } = await replicas();
    const seeded: AssignmentId[] = [];
    for (let i = 0; i < 24; i++) seeded.push(await seed(i % 2 === 0 ? a : b, `u${i}`, 'PAM-Payroll-Users'));
    await Promise.all([ea.drain(), eb.drain(), ea.runOnce(), eb.runOnce(), ea.drain(), eb.drain()]);
    expect(await ledgerCounts(a, 'sync.approve.granting')).toEqual(once(seeded));
    const grants = (await a.outbox.list({}, { startIndex: 1, count: 1000 })).items.filter((m) => m.action === 'grant');
    expect(grants).toHaveLength(seeded.length);
    expect(await a.cursors.get(SYNC_CURSOR)).toBe(String(await a.events.lastSeq()));
    expect(await verifyStoreLedger(b)).toMatchObject({ ok: true });
  });

  it('end an expired assignment once when both replicas run the timers together', async () => {
    const { stores: [a, b], engines: [ea, eb] } = await replicas();
    const expiring: AssignmentId[] = [];
    for (let i = 0; i < 10; i++) expiring.push(await seed(a, `x${i}`, 'PAM-Finance-Users', new Date(clock.now() + 60_000).toISOString()));
    await ea.drain();
    clock.advance(120_000);
    await Promise.all([ea.runTimers(), eb.runTimers(), ea.runTimers(), eb.runTimers()]);
    expect(await ledgerCounts(b, 'assignment.expired')).toEqual(once(expiring));
    const removed = (await a.events.readAfter(0, 10_000)).filter((e) => e.type === 'assignment.removed').map((e) => e.payload['assignmentId'] as string);
    expect(removed.sort()).toEqual([...expiring].sort());
    await Promise.all([ea.drain(), eb.drain()]);
    for (const id of expiring) {
      expect(await b.assignments.get(id)).toMatchObject({ status: 'expired', endedBy: 'expiry' });
      expect(await b.revocations.listByAssignment(id)).toHaveLength(1);
    }
    const revokes = (await a.outbox.list({}, { startIndex: 1, count: 1000 })).items.filter((m) => m.action === 'revoke');
    expect(revokes).toHaveLength(expiring.length);
  });

  it('carry on from the committed cursor on the other replica when one stops mid-run', async () => {
    const { stores: [a, b], engines: [ea, eb] } = await replicas();
    const seeded: AssignmentId[] = [];
    for (let i = 0; i < 12; i++) seeded.push(await seed(a, `f${i}`, 'PAM-Ops-Users'));
    ea.start();
    eb.start();
    await eventually(async () => (await ea.position()) > 0);
    const more = Array.from({ length: 12 }, (_, i) => seed(b, `g${i}`, 'PAM-Ops-Users'));
    await ea.stop();
    seeded.push(...(await Promise.all(more)));
    const last = await a.events.lastSeq();
    await eventually(async () => (await eb.position()) >= last, 30_000);
    expect(await ledgerCounts(b, 'sync.approve.granting')).toEqual(once(seeded));
    const grants = (await b.outbox.list({}, { startIndex: 1, count: 1000 })).items.filter((m) => m.action === 'grant');
    expect(grants).toHaveLength(seeded.length);
  });
});
