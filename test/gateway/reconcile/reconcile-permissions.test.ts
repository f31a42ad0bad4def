/**
 * Permission drift on paths PAM has: approved permissions PAM lacks are restored with the profile's
 * `update-permissions` call through the outbox (extra ones taken away under drift `revoke`); where the profile has no
 * such call, or PAM is the authority, the shortfall is in the ledger and in a finding a person sees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Store } from '../../../gateway/store/store.ts';
import { member, PAM, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FINANCE = { connectorId: PAM, kind: 'safe' as const, ref: 'Finance' };
const BOB = `${PAM}/safe/Finance|bob`;
const CAROL = `${PAM}/safe/Finance|carol`;

/** The CyberArk profile as it was before `update-permissions`: same calls, no permission update. */
function profileWithoutUpdate(): string {
  const doc = YAML.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../mappings/profiles/cyberark.yaml'), 'utf8')) as { name: string; outbound: { actions: Record<string, unknown> } };
  doc.name = 'cyberark-legacy';
  delete doc.outbound.actions['update-permissions'];
  return YAML.stringify(doc);
}

async function outboxOf(store: Store, action: string) {
  return (await store.outbox.list({}, { startIndex: 1, count: 100 })).items.filter((m) => m.action === action);
}

const drift = async (store: Store, grantId: string) => (await store.ledger.listBySubject(grantId)).filter((e) => e.action === 'reconcile.permissions-drift');

describe('permission drift on paths PAM has', () => {
  it('restores missing approved permissions (and removes extra ones under drift revoke) with update-permissions through the outbox', async () => {
    rig = await startRig([safeMapping({ drift: 'revoke', conflict: 'iga-wins' })]);
    const r = rig;
    const ent = await r.entitlement('PAM-Finance-Users');
    await r.assign(await r.identity('bob'), ent);
    await r.assign(await r.identity('carol'), ent);
    r.fake.state.putMember('Finance', member('bob', ['listAccounts']));
    r.fake.state.putMember('Finance', member('carol', ['listAccounts', 'useAccounts', 'manageSafe']));

    const first = await r.reconcile();
    expect(first.differences).toMatchObject({ permissionMismatch: 2, missingAtPam: 0, unapprovedAtPam: 0, grants: 0, revocations: 0, permissionUpdates: 2 });
    const calls = await outboxOf(r.store, 'update-permissions');
    expect(calls.map((m) => [m.idempotencyKey, m.payload['permissions']]).sort()).toEqual([
      [`reconcile:${first.startedAt}:permissions:${BOB}:listAccounts,useAccounts`, ['listAccounts', 'useAccounts']],
      [`reconcile:${first.startedAt}:permissions:${CAROL}:listAccounts,useAccounts`, ['listAccounts', 'useAccounts']],
    ]);
    // Bob only lacks access: no finding. Carol holds more than approved: the finding says so until it is removed.
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', BOB)).toBeUndefined();
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', CAROL)).toMatchObject({ status: 'open', evidence: expect.objectContaining({ extra: ['manageSafe'], missing: [] }) });
    const bobGrant = (await r.store.grants.find(FINANCE, 'bob'))!;
    expect((await drift(r.store, bobGrant.id)).map((e) => e.data)).toEqual([expect.objectContaining({
      path: BOB, observed: ['listAccounts'], missing: ['useAccounts'], action: 'update-permissions', set: ['listAccounts', 'useAccounts'], queued: true,
    })]);

    await r.settle(async () => r.fake.state.member('Finance', 'bob')!.permissions.useAccounts && !r.fake.state.member('Finance', 'carol')!.permissions.manageSafe);
    expect(r.fake.state.member('Finance', 'bob')!.permissions).toMatchObject({ listAccounts: true, useAccounts: true, manageSafe: false });
    expect(r.fake.state.member('Finance', 'carol')!.permissions).toMatchObject({ listAccounts: true, useAccounts: true, manageSafe: false });
    const puts = r.fake.calls.all().filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path).sort()).toEqual(['/PasswordVault/API/Safes/Finance/Members/bob/', '/PasswordVault/API/Safes/Finance/Members/carol/']);
    expect(puts.every((c) => c.idempotencyKey !== undefined && c.effects.length === 1)).toBe(true);
    const bobCall = calls.find((m) => m.payload['principal'] === 'bob')!;
    await r.settle(async () => (await r.store.ledger.listBySubject(String(bobCall.payload['assignmentId']))).some((e) => e.action === 'sync.grant.delivered'));
    expect((await r.store.ledger.listBySubject(String(bobCall.payload['assignmentId']))).find((e) => e.action === 'sync.grant.delivered')?.data).toMatchObject({ outboxId: bobCall.id, action: 'update-permissions', permissions: ['listAccounts', 'useAccounts'], principal: 'bob' });
    expect(await r.store.grants.find(FINANCE, 'bob')).toMatchObject({ status: 'active', permissions: ['listAccounts', 'useAccounts'] });

    const second = await r.reconcile();
    expect(second.differences).toMatchObject({ permissionMismatch: 0 });
    expect(second.differences.permissionUpdates).toBeUndefined();
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', CAROL))?.status).toBe('resolved');
    expect(await outboxOf(r.store, 'update-permissions')).toHaveLength(2);
  });

  it('without an update-permissions action: a ledger entry and an open finding naming the missing permissions, closed once PAM has them', async () => {
    rig = await startRig([profileWithoutUpdate(), safeMapping({ drift: 'revoke', conflict: 'iga-wins' })], { pamProfile: 'cyberark-legacy' });
    const r = rig;
    await r.assign(await r.identity('bob'), await r.entitlement('PAM-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob', ['listAccounts']));

    const first = await r.reconcile();
    expect(first.differences).toMatchObject({ permissionMismatch: 1 });
    expect(first.differences.permissionUpdates).toBeUndefined();
    expect(await outboxOf(r.store, 'update-permissions')).toEqual([]);
    const finding = await r.store.findings.getByKey('pam-grant-without-entitlement', BOB);
    expect(finding).toMatchObject({
      status: 'open', severity: 'medium', summary: expect.stringContaining('lacks [useAccounts]'),
      evidence: expect.objectContaining({ difference: 'permission-mismatch', missing: ['useAccounts'], extra: [], approved: ['listAccounts', 'useAccounts'], missingNotRestored: expect.stringContaining('cyberark-legacy profile has no update-permissions') }),
    });
    const grant = (await r.store.grants.find(FINANCE, 'bob'))!;
    expect((await drift(r.store, grant.id)).map((e) => e.data)).toEqual([expect.objectContaining({ path: BOB, action: 'none', missing: ['useAccounts'], missingNotRestored: expect.any(String) })]);
    expect(r.fake.state.member('Finance', 'bob')!.permissions.useAccounts).toBe(false);

    r.fake.state.putMember('Finance', member('bob'));
    await r.reconcile();
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', BOB))?.status).toBe('resolved');
  });

  it('under conflict pam-wins, PAM\'s removal of a permission stands: no call, the shortfall is shown', async () => {
    rig = await startRig([safeMapping({ drift: 'alert', conflict: 'pam-wins' })]);
    const r = rig;
    await r.assign(await r.identity('bob'), await r.entitlement('PAM-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob', ['listAccounts']));
    await r.reconcile();
    expect(await outboxOf(r.store, 'update-permissions')).toEqual([]);
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', BOB)).toMatchObject({
      status: 'open', evidence: expect.objectContaining({ missing: ['useAccounts'], missingNotRestored: expect.stringContaining('pam-wins') }),
    });
  });
});
