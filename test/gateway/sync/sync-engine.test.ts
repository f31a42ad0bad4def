/**
 * The engine against a real SQLite store and the real mapping library: the cursor moves with the effects, a
 * replay or a second engine adds nothing, a restart resumes where the committed cursor is, and the timers turn
 * an expired assignment into a revocation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import type { MappingSet } from '../../../mappings/lib/index.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { newId, type AssignmentId, type EntitlementId, type IdentityId } from '../../../gateway/domain/ids.ts';
import { createSyncEngine, SYNC_CURSOR, type SyncEngine } from '../../../gateway/sync/sync-engine.ts';
import type { SyncConnector } from '../../../gateway/sync/sync-context.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { SYNC_MAPPINGS } from '../../e2e/sync-mappings.ts';
import { tempStore, type TempStore } from '../intake/harness.ts';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const connectors: SyncConnector[] = [
  { id: 'sailpoint', kind: 'iga', profile: 'scim-iga', outbound: true },
  { id: 'cyberark-prod', kind: 'pam', profile: 'cyberark', outbound: true },
];

let set: MappingSet;
let t: TempStore;
const clock = new ManualClock(Date.parse('2026-11-01T10:00:00Z'));
const iso = () => new Date(clock.now()).toISOString();

function engine(store: Store): SyncEngine {
  return createSyncEngine({ store, clock, random, logger: pino({ level: 'silent' }), mappings: () => set, connectors: () => connectors, options: { timerIntervalMs: 0 } });
}

async function seed(store: Store, userName: string, group: string, expiresAt?: string): Promise<{ identityId: IdentityId; assignmentId: AssignmentId; entitlementId: EntitlementId }> {
  const now = iso();
  const identityId = newId('identity', clock.now(), random);
  const assignmentId = newId('assignment', clock.now(), random);
  let entitlementId = newId('entitlement', clock.now(), random);
  await store.transaction(async (tx) => {
    const existing = (await tx.entitlements.listAll()).find((e) => e.displayName === group);
    if (existing) entitlementId = existing.id;
    else await tx.entitlements.insert({ id: entitlementId, connectorId: 'sailpoint', displayName: group, governance: { owner: 'alice', breakGlass: false, nonHuman: false }, resource: {}, version: 1, createdAt: now, updatedAt: now });
    await tx.identities.insert({ id: identityId, connectorId: 'sailpoint', userName, kind: 'human', active: true, resource: {}, version: 1, createdAt: now, updatedAt: now });
    await tx.assignments.insert({ id: assignmentId, connectorId: 'sailpoint', entitlementId, identityId, approvedAt: now, expiresAt, status: 'active', sessionCount: 0, updatedAt: now });
    await tx.events.append({ type: 'assignment.added', subject: entitlementId, actor: 'scim:test', payload: { assignmentId, entitlementId, identityId }, occurredAt: now });
  });
  return { identityId, assignmentId, entitlementId };
}

const grants = async (store: Store) => (await store.outbox.list({}, { startIndex: 1, count: 1000 })).items.filter((m) => m.action === 'grant');

beforeEach(async () => {
  const dir = tempDir('lockstep-sync-maps-');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SYNC_MAPPINGS)) writeFileSync(path.join(dir, `${name}.yaml`), text);
  const loaded = await loadMappingDirs([path.resolve(import.meta.dirname, '../../../mappings/profiles'), dir]);
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.message).join('; '));
  set = loaded.value;
  t = await tempStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe('sync engine', () => {
  it('writes one grant per access path with the cursor, and a replay of the same events adds nothing', async () => {
    const { assignmentId } = await seed(t.store, 'bob', 'PAM-Finance-Users');
    const e = engine(t.store);
    await e.drain();
    const first = await grants(t.store);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ connectorId: 'cyberark-prod', idempotencyKey: `grant:${assignmentId}:cyberark-prod/safe/Finance|bob` });
    expect(first[0]!.payload).toMatchObject({ principal: 'bob', permissions: ['useAccounts', 'retrieveAccounts', 'listAccounts'] });
    expect(await e.position()).toBe(await t.store.events.lastSeq());

    await t.store.cursors.set(SYNC_CURSOR, '0');
    await e.drain();
    expect(await grants(t.store)).toHaveLength(1);
  });

  it('two engines on one store apply each event once', async () => {
    for (let i = 0; i < 20; i++) await seed(t.store, `u${i}`, 'PAM-Payroll-Users');
    const a = engine(t.store);
    const b = engine(t.store);
    await Promise.all([a.drain(), b.drain(), a.runOnce(), b.runOnce()]);
    const ledger = await t.store.ledger.read(1, 1000);
    expect(ledger.filter((l) => l.action === 'sync.approve.granting')).toHaveLength(20);
    expect(await grants(t.store)).toHaveLength(20);
  });

  it('resumes after a restart from the committed cursor', async () => {
    await seed(t.store, 'carol', 'PAM-Ops-Users');
    await engine(t.store).drain();
    const at = await t.store.events.lastSeq();
    await t.reopen();
    await seed(t.store, 'dave', 'PAM-Ops-Users');
    const e = engine(t.store);
    expect(await e.position()).toBeGreaterThanOrEqual(at);
    await e.drain();
    const ledger = (await t.store.ledger.read(1, 1000)).filter((l) => l.action === 'sync.approve.granting');
    expect(ledger).toHaveLength(2);
  });

  it('JIT mappings record the approval only; an expired assignment is ended and revoked', async () => {
    await seed(t.store, 'erin', 'teleport-prod');
    const expiring = await seed(t.store, 'frank', 'PAM-Finance-Admins', new Date(clock.now() + 60_000).toISOString());
    const e = engine(t.store);
    await e.drain();
    const keys = (await grants(t.store)).map((m) => m.idempotencyKey);
    expect(keys).toEqual([expect.stringContaining(expiring.assignmentId)]);
    clock.advance(120_000);
    await e.runTimers();
    await e.drain();
    expect(await t.store.assignments.get(expiring.assignmentId)).toMatchObject({ status: 'expired', endedBy: 'expiry' });
    const [revocation] = await t.store.revocations.listByAssignment(expiring.assignmentId);
    expect(revocation).toMatchObject({ cause: 'assignment-expired', direction: 'iga-to-pam', status: 'pending' });
    const revokes = (await t.store.outbox.list({}, { startIndex: 1, count: 100 })).items.filter((m) => m.action === 'revoke');
    expect(revokes.map((m) => m.payload['principal'])).toEqual(['frank']);

    expect(await t.store.findings.getByKey('revocation-pending', revocation!.id)).toBeUndefined();
    clock.advance(120_000);
    await e.runTimers();
    expect(await t.store.findings.getByKey('revocation-pending', revocation!.id)).toMatchObject({ status: 'open', severity: 'high' });
  });
});
