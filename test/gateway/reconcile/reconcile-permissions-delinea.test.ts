/**
 * Permission drift on a Delinea secret permission: a principal holding another access role than the approved one
 * gets the approved role back with the delinea profile's `update-permissions` call (`PUT secret-permissions/{id}`)
 * through the outbox, against the Delinea fake; the stored grant follows once it is delivered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { newId } from '../../../gateway/domain/ids.ts';
import { createDispatcher } from '../../../gateway/outbox/dispatcher.ts';
import { createReconciler } from '../../../gateway/reconcile/reconciler.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import type { SyncConnector } from '../../../gateway/sync/sync-context.ts';
import { createSyncEngine } from '../../../gateway/sync/sync-engine.ts';
import { startDelineaFake } from '../../fakes/index.ts';
import { IGA, logger, random } from './reconcile-harness.ts';

const PAM = 'delinea-prod';
const SECRET = 311;
const BOB = `${PAM}/secret/${SECRET}|bob`;
const mapping = (drift: 'revoke' | 'alert'): string => [
  'apiVersion: lockstep.dev/v1', 'kind: EntitlementMapping', 'name: secrets',
  'match:', `  connector: ${IGA}`, "  name: { regex: '^DL-(?<secret>[0-9]+)$' }",
  'targets:', `  - connector: ${PAM}`, '    kind: secret', "    ref: '{{ $captures.secret }}'", '    permissions: [View]',
  'access:', '  mode: standing', '  requireOwner: true', `drift: ${drift}`, 'conflict: iga-wins', '',
].join('\n');

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function rig(drift: 'revoke' | 'alert' = 'revoke') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-reconcile-delinea-'));
  closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'mappings'));
  fs.writeFileSync(path.join(dir, 'mappings', 'secrets.yaml'), mapping(drift));
  const loaded = await loadMappingDirs([path.resolve(import.meta.dirname, '../../../mappings/profiles'), path.join(dir, 'mappings')]);
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.message).join('; '));
  const set = loaded.value;
  const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
  closers.push(() => store.close());
  const fake = await startDelineaFake();
  closers.push(() => fake.close());
  fake.state.addSecret({ id: SECRET, name: 'db-prod' });
  const connector = createProfileConnector({
    id: PAM, vendor: 'delinea', profile: set.profiles.get('delinea')!, baseUrl: fake.url,
    auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fake.url}/SecretServer/oauth2/token`, clientId: 'lockstep-client', clientSecret: 'secret' }, timeoutMs: 5_000,
  }, { clock: { now: () => Date.now() } });
  closers.push(() => connector.close());
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00.000Z'));
  const connectors: SyncConnector[] = [
    { id: PAM, kind: 'pam', profile: 'delinea', outbound: true },
    { id: IGA, kind: 'iga', profile: 'iga-webhook', outbound: false },
  ];
  const env = { clock, random, logger, mappings: () => set, connectors: () => connectors };
  const dispatcher = createDispatcher({
    store, clock, random: () => 0.5, connectors: new Map([[PAM, connector]]), logger, registry: new Registry(), owner: 'test',
    options: { pollIntervalMs: 10, leaseMs: 60_000, concurrency: 4, retry: { scheduleMs: [0, 20, 20], maxAttempts: 3, jitter: 0, maxRetryAfterMs: 1_000 } },
  });
  closers.push(() => dispatcher.stop());
  const sync = createSyncEngine({ ...env, store, options: { pollIntervalMs: 10, timerIntervalMs: 3_600_000 } });
  closers.push(() => sync.stop());
  const reconciler = createReconciler({ ...env, store, openConnectors: () => ({ connectors: [connector], close: () => undefined }), options: { pageSize: 2 } });
  closers.push(() => reconciler.stop());
  const iso = new Date(clock.now()).toISOString();
  return {
    store, fake,
    async reconcile() {
      const r = await reconciler.reconcileNow();
      if (!r.ran) throw new Error(`reconciliation did not run: ${r.reason}`);
      return r.report;
    },
    async settle(done: () => Promise<boolean> | boolean) {
      const until = Date.now() + 15_000;
      while (!(await done())) {
        if (Date.now() > until) throw new Error('condition not reached in time');
        await dispatcher.tick();
        await dispatcher.idle();
        await sync.runOnce();
      }
    },
    async approve(userName: string, group: string) {
      const identityId = newId('identity', clock.now(), random);
      const entitlementId = newId('entitlement', clock.now(), random);
      await store.identities.insert({ id: identityId, connectorId: IGA, userName, kind: 'human', active: true, resource: {}, version: 1, createdAt: iso, updatedAt: iso });
      await store.entitlements.insert({
        id: entitlementId, connectorId: IGA, displayName: group, resource: {}, version: 1, createdAt: iso, updatedAt: iso,
        governance: { owner: 'alice', reviewCadenceDays: 90, lastCertifiedAt: iso, breakGlass: false, nonHuman: false },
      });
      await store.assignments.insert({ id: newId('assignment', clock.now(), random), connectorId: IGA, entitlementId, identityId, approver: 'alice', approvedAt: iso, status: 'active', sessionCount: 0, updatedAt: iso });
    },
  };
}

async function updates(store: Store) {
  return (await store.outbox.list({}, { startIndex: 1, count: 100 })).items.filter((m) => m.action === 'update-permissions');
}

describe('permission drift on Delinea secret permissions', () => {
  it('sets the approved access role back with PUT secret-permissions/{id} through the outbox; the next run finds no drift', async () => {
    const r = await rig();
    await r.approve('bob', `DL-${SECRET}`);
    const perm = r.fake.state.addPermission({ secretId: SECRET, role: 'List', userName: 'bob' });

    const first = await r.reconcile();
    expect(first.differences).toMatchObject({ permissionMismatch: 1, missingAtPam: 0, unapprovedAtPam: 0, permissionUpdates: 1 });
    const [call] = await updates(r.store);
    expect(call).toMatchObject({
      connectorId: PAM, idempotencyKey: `reconcile:${first.startedAt}:permissions:${BOB}:View`,
      payload: expect.objectContaining({ permissions: ['View'], externalId: String(perm.id), principal: 'bob', pathKey: BOB }),
    });

    await r.settle(async () => r.fake.state.permissions.get(perm.id)?.secretAccessRoleName === 'View' && (await r.store.outbox.get(call!.id))?.status === 'delivered');
    const puts = r.fake.calls.all().filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`/SecretServer/api/v1/secret-permissions/${perm.id}`]);
    expect(puts[0]).toMatchObject({ idempotencyKey: call!.idempotencyKey, status: 200, effects: [`secret:${SECRET}/principal:bob`] });
    expect(puts[0]!.body).toEqual({ id: perm.id, secretId: SECRET, secretAccessRoleName: 'View' });
    await r.settle(async () => (await r.store.grants.find({ connectorId: PAM, kind: 'secret', ref: String(SECRET) }, 'bob'))?.permissions.join() === 'View');

    const second = await r.reconcile();
    expect(second.differences).toMatchObject({ permissionMismatch: 0 });
    expect(second.differences.permissionUpdates).toBeUndefined();
    expect(await updates(r.store)).toHaveLength(1);
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', BOB)).toMatchObject({ status: 'resolved' });
  });

  it('under drift alert asks for the held and the approved roles, sends the strongest, and converges', async () => {
    const r = await rig('alert');
    await r.approve('bob', `DL-${SECRET}`);
    const perm = r.fake.state.addPermission({ secretId: SECRET, role: 'List', userName: 'bob' });

    const first = await r.reconcile();
    expect(first.differences).toMatchObject({ permissionMismatch: 1, permissionUpdates: 1 });
    const [call] = await updates(r.store);
    expect(call!.payload).toMatchObject({ permissions: ['List', 'View'] });
    await r.settle(async () => (await r.store.outbox.get(call!.id))?.status === 'delivered');
    expect(r.fake.state.permissions.get(perm.id)?.secretAccessRoleName).toBe('View');

    const second = await r.reconcile();
    expect(second.differences).toMatchObject({ permissionMismatch: 0 });
    expect(await updates(r.store)).toHaveLength(1);
  });
});
