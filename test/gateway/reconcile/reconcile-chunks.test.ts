import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_ASSIGNMENTS } from '../../../gateway/reconcile/expected-paths.ts';
import { member, PAM, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('full reconciliation over several chunks of assignments', () => {
  it('finds the approved paths PAM lacks at chunk edges and inside chunks, and grants them', async () => {
    rig = await startRig([safeMapping({ drift: 'alert', conflict: 'iga-wins' })]);
    const r = rig;
    const holders = 3 * CHUNK_ASSIGNMENTS + 10;
    const ent = await r.entitlement('PAM-Finance-Users');
    const byId: { id: string; name: string }[] = [];
    for (let i = 0; i < holders; i++) {
      const name = `u${String(i).padStart(3, '0')}`;
      byId.push({ id: (await r.assign(await r.identity(name), ent)).id, name });
    }
    byId.sort((a, b) => (a.id < b.id ? -1 : 1));
    const C = CHUNK_ASSIGNMENTS;
    const lacking = new Set([0, 5, C - 1, C, 2 * C - 1, 2 * C, holders - 1].map((position) => byId[position]!.name));
    for (const { name } of byId) if (!lacking.has(name)) r.fake.state.putMember('Finance', member(name));

    const report = await r.reconcile();
    expect(report).toMatchObject({ assignments: holders, expectedPaths: holders });
    expect(report.differences).toMatchObject({ missingAtPam: lacking.size, unapprovedAtPam: 0, permissionMismatch: 0, grants: lacking.size });
    const grants = (await r.store.outbox.list({ connectorId: PAM }, { startIndex: 1, count: 100 })).items;
    expect(grants.map((m) => m.idempotencyKey.split('|').at(-1)).sort()).toEqual([...lacking].sort());

    await r.settle(async () => [...lacking].every((name) => r.fake.state.member('Finance', name) !== undefined));
    await r.settle(async () => (await r.store.grants.find({ connectorId: PAM, kind: 'safe', ref: 'Finance' }, [...lacking][0]!))?.status === 'active');
    expect((await r.reconcile()).differences).toMatchObject({ missingAtPam: 0, unapprovedAtPam: 0, grants: 0 });
  });

  it('reads principals from the SCIM resources when a mapping\'s principal template does', async () => {
    const fromResource = safeMapping({ drift: 'alert' }).replace('access:', "correlation:\n  pamPrincipal: '{{ resource.`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.employeeNumber }}'\naccess:");
    expect(fromResource).toContain('pamPrincipal');
    rig = await startRig([fromResource]);
    const r = rig;
    const ent = await r.entitlement('PAM-Finance-Users');
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    await r.assign(await r.identity('alice', { resource: { [enterprise]: { employeeNumber: 'E100' } } }), ent);
    await r.assign(await r.identity('bob', { resource: { [enterprise]: { employeeNumber: 'E200' } } }), ent);
    r.fake.state.putMember('Finance', member('E100'));
    r.fake.state.putMember('Finance', member('bob'));

    const report = await r.reconcile();
    expect(report.differences).toMatchObject({ missingAtPam: 1, unapprovedAtPam: 1 });
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', `${PAM}/safe/Finance|bob`)).toMatchObject({ status: 'open' });
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', `${PAM}/safe/Finance|e100`)).toBeUndefined();
  });
});
