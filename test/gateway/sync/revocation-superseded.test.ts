/**
 * The engine settles revocation steps as superseded when the path is approved again: a read-back that finds the
 * access of a member IGA added back (a newer active assignment) is not revoked again, and a saga or grant call the
 * dispatcher settled as overtaken by a newer message for its path (`{ superseded: <id> }`) is not treated as sent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import type { MappingSet } from '../../../mappings/lib/index.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { newId, type AssignmentId, type EntitlementId, type IdentityId, type OutboxId } from '../../../gateway/domain/ids.ts';
import type { OutboxMessage } from '../../../gateway/domain/outbox-message.ts';
import { createSyncEngine, type SyncEngine } from '../../../gateway/sync/sync-engine.ts';
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
const GROUP = 'PAM-Finance-Users';
const PATH = 'cyberark-prod/safe/Finance|bob';

let set: MappingSet;
let t: TempStore;
let e: SyncEngine;
const clock = new ManualClock(Date.parse('2026-11-01T10:00:00Z'));
const iso = () => new Date(clock.now()).toISOString();

async function assign(identityId?: IdentityId): Promise<{ identityId: IdentityId; assignmentId: AssignmentId; entitlementId: EntitlementId }> {
  const now = iso();
  const id = identityId ?? newId('identity', clock.now(), random);
  const assignmentId = newId('assignment', clock.now(), random);
  let entitlementId = newId('entitlement', clock.now(), random);
  await t.store.transaction(async (tx) => {
    const existing = (await tx.entitlements.listAll()).find((x) => x.displayName === GROUP);
    if (existing) entitlementId = existing.id;
    else await tx.entitlements.insert({ id: entitlementId, connectorId: 'sailpoint', displayName: GROUP, governance: { owner: 'alice', breakGlass: false, nonHuman: false }, resource: {}, version: 1, createdAt: now, updatedAt: now });
    if (!identityId) await tx.identities.insert({ id, connectorId: 'sailpoint', userName: 'bob', kind: 'human', active: true, resource: {}, version: 1, createdAt: now, updatedAt: now });
    await tx.assignments.insert({ id: assignmentId, connectorId: 'sailpoint', entitlementId, identityId: id, approvedAt: now, status: 'active', sessionCount: 0, updatedAt: now });
    await tx.events.append({ type: 'assignment.added', subject: entitlementId, actor: 'scim:test', payload: { assignmentId, entitlementId, identityId: id }, occurredAt: now });
  });
  await e.drain();
  return { identityId: id, assignmentId, entitlementId };
}

async function unassign(assignmentId: AssignmentId): Promise<void> {
  await t.store.transaction(async (tx) => {
    const a = (await tx.assignments.get(assignmentId))!;
    await tx.assignments.update({ ...a, status: 'removed', endedAt: iso(), endedBy: 'scim:test', updatedAt: iso() });
    await tx.events.append({ type: 'assignment.removed', subject: a.entitlementId, actor: 'scim:test', payload: { assignmentId, entitlementId: a.entitlementId, identityId: a.identityId }, occurredAt: iso() });
  });
  await e.drain();
}

/** What the dispatcher does when a call returns (or is settled without one): mark and tell the engine. */
async function deliver(key: string, response: Record<string, unknown> = {}): Promise<OutboxMessage> {
  const m = await t.store.outbox.getByIdempotencyKey(key);
  if (!m) throw new Error(`no outbox message ${key}`);
  await t.store.transaction(async (tx) => {
    await tx.outbox.markDelivered(m.id, iso(), response);
    await tx.events.append({ type: 'outbox.changed', subject: `connector:${m.connectorId}`, actor: 'lockstep', payload: { outboxId: m.id, connectorId: m.connectorId, action: m.action, status: 'delivered', attempts: 1 }, occurredAt: iso() });
  });
  await e.drain();
  return m;
}

const keys = async () => (await t.store.outbox.list({}, { startIndex: 1, count: 1000 })).items.map((m) => m.idempotencyKey);
const revocationOf = async (assignmentId: AssignmentId) => (await t.store.revocations.listByAssignment(assignmentId))[0]!;
const ledgerActions = async () => (await t.store.ledger.read(1, 10_000)).map((l) => l.action);

beforeEach(async () => {
  const dir = tempDir('lockstep-sync-maps-');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SYNC_MAPPINGS)) writeFileSync(path.join(dir, `${name}.yaml`), text);
  const loaded = await loadMappingDirs([path.resolve(import.meta.dirname, '../../../mappings/profiles'), dir]);
  if (!loaded.ok) throw new Error(loaded.error.map((x) => x.message).join('; '));
  set = loaded.value;
  t = await tempStore();
  e = createSyncEngine({ store: t.store, clock, random, logger: pino({ level: 'silent' }), mappings: () => set, connectors: () => connectors, options: { timerIntervalMs: 0 } });
});
afterEach(async () => {
  await t.cleanup();
});

describe('revocation steps superseded by approved access', () => {
  it('a read-back that finds the access of a member added back does not revoke it again; the ledger says why', async () => {
    const first = await assign();
    await deliver(`grant:${first.assignmentId}:${PATH}`);
    await unassign(first.assignmentId);
    const r = await revocationOf(first.assignmentId);
    await deliver(`${r.id}:revoke:${PATH}:1`);
    const second = await assign(first.identityId);
    await deliver(`grant:${second.assignmentId}:${PATH}`);
    await deliver(`${r.id}:read-back:${PATH}:1`, { present: true });

    expect(await keys()).not.toContain(`${r.id}:revoke:${PATH}:2`);
    const after = (await t.store.revocations.get(r.id))!;
    expect(after.status).toBe('verified');
    expect(after.steps.map((s) => `${s.name}=${s.status}`)).toEqual([`revoke:${PATH}=superseded`, `read-back:${PATH}=superseded`]);
    const entry = (await t.store.ledger.read(1, 10_000)).find((l) => l.action === 'revocation.step.superseded')!;
    expect(entry.subject).toBe(r.id);
    expect(entry.data).toMatchObject({ assignmentId: second.assignmentId, revokedAssignmentId: first.assignmentId, principal: 'bob', target: 'cyberark-prod/safe/Finance' });
    expect((await t.store.grants.find({ connectorId: 'cyberark-prod', kind: 'safe', ref: 'Finance' }, 'bob'))?.status).toBe('active');
  });

  it('without a newer approval, a present read-back still re-issues the revoke', async () => {
    const first = await assign();
    await deliver(`grant:${first.assignmentId}:${PATH}`);
    await unassign(first.assignmentId);
    const r = await revocationOf(first.assignmentId);
    await deliver(`${r.id}:revoke:${PATH}:1`);
    await deliver(`${r.id}:read-back:${PATH}:1`, { present: true });
    expect(await keys()).toContain(`${r.id}:revoke:${PATH}:2`);
    expect(await ledgerActions()).not.toContain('revocation.step.superseded');
  });

  it('a revoke and a grant settled as overtaken by a newer message are neither counted as done nor revoked again', async () => {
    const first = await assign();
    await unassign(first.assignmentId);
    const r = await revocationOf(first.assignmentId);
    const grant = await deliver(`grant:${first.assignmentId}:${PATH}`, { superseded: 'obx_NEWER' as OutboxId });
    expect((await t.store.revocations.listByAssignment(first.assignmentId)).map((x) => x.id)).toEqual([r.id]);
    expect(await t.store.grants.find({ connectorId: 'cyberark-prod', kind: 'safe', ref: 'Finance' }, 'bob')).toBeUndefined();
    expect((await t.store.ledger.read(1, 10_000)).find((l) => l.action === 'sync.grant.superseded')?.data).toMatchObject({ outboxId: grant.id, newerOutboxId: 'obx_NEWER' });

    await deliver(`${r.id}:revoke:${PATH}:1`, { superseded: 'obx_NEWER2' });
    const after = (await t.store.revocations.get(r.id))!;
    expect(after.steps.map((s) => s.status)).toEqual(['superseded', 'superseded']);
    expect(await keys()).not.toContain(`${r.id}:read-back:${PATH}:1`);
    expect((await t.store.ledger.read(1, 10_000)).find((l) => l.action === 'revocation.step.superseded')?.data).toMatchObject({ newerOutboxId: 'obx_NEWER2', action: 'revoke' });
  });

  it('a grant delivered after its assignment ended is left to the newer revoke of its path; without one it is revoked again', async () => {
    const first = await assign();
    await unassign(first.assignmentId);
    const r = await revocationOf(first.assignmentId);
    await deliver(`grant:${first.assignmentId}:${PATH}`);
    expect((await t.store.revocations.listByAssignment(first.assignmentId)).map((x) => x.id)).toEqual([r.id]);
    expect(await ledgerActions()).toContain('sync.grant.delivered-after-end');

    const other = await assign(first.identityId);
    await unassign(other.assignmentId);
    const before = (await t.store.revocations.listByAssignment(other.assignmentId)).length;
    // As if the grant were still the newest message of its path (no revoke written after it): it must be undone.
    await t.store.cursors.set(`outbox.path:${PATH}`, (await t.store.outbox.getByIdempotencyKey(`grant:${other.assignmentId}:${PATH}`))!.id);
    await deliver(`grant:${other.assignmentId}:${PATH}`);
    expect((await t.store.revocations.listByAssignment(other.assignmentId)).length).toBe(before + 1);
  });
});
