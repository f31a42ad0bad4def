import { afterEach, describe, expect, it } from 'vitest';
import { exceptFinding } from '../../../gateway/domain/finding-reconcile.ts';
import { member, PAM, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MALLORY = `${PAM}/safe/Finance|mallory`;

describe('full reconciliation against CyberArk inventory', () => {
  it('revokes an unapproved grant through the saga under drift revoke, and closes the finding once it is gone', async () => {
    rig = await startRig([safeMapping({ drift: 'revoke' })]);
    const r = rig;
    const bob = await r.identity('bob');
    await r.assign(bob, await r.entitlement('PAM-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob'));
    r.fake.state.putMember('Finance', member('mallory', ['listAccounts', 'useAccounts', 'manageSafe']));
    for (let i = 0; i < 3; i++) r.fake.state.putMember('Finance', member(`svc${i}`));

    const first = await r.reconcile();
    expect(first.connectors).toEqual([expect.objectContaining({ id: PAM, perTarget: true, paths: 5 })]);
    expect(first.differences).toMatchObject({ unapprovedAtPam: 4, missingAtPam: 0, permissionMismatch: 0, revocations: 4 });
    const finding = await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY);
    expect(finding).toMatchObject({ status: 'open', severity: 'critical', subject: { connectorId: PAM, principal: 'mallory', target: `${PAM}/safe/Finance` } });
    expect(finding!.tags).toContain('NIST-CSF-2.0:PR.AA-05');
    expect(finding!.evidence).toMatchObject({ driftPolicy: 'revoke', difference: 'unapproved-at-pam', permissions: ['listAccounts', 'manageSafe', 'useAccounts'] });
    const grant = await r.store.grants.find({ connectorId: PAM, kind: 'safe', ref: 'Finance' }, 'mallory');
    expect(grant).toMatchObject({ source: 'observed', status: 'active' });

    await r.settle(async () => (await r.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 10 })).totalResults === 4);
    expect(r.fake.state.memberNames('Finance')).toEqual(['bob']);
    expect((await r.store.grants.find({ connectorId: PAM, kind: 'safe', ref: 'Finance' }, 'mallory'))?.status).toBe('removed');

    const second = await r.reconcile();
    expect(second.differences).toMatchObject({ unapprovedAtPam: 0, revocations: 0 });
    expect(second.findings.resolved).toBeGreaterThanOrEqual(4);
    const closed = await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY);
    expect(closed).toMatchObject({ status: 'resolved', id: finding!.id });
    const ledger = (await r.store.ledger.listBySubject(finding!.id)).map((e) => e.action);
    expect(ledger).toEqual(['finding.opened', 'finding.resolved']);
    const events = (await r.store.events.readAfter(0, 10_000)).filter((e) => e.type === 'finding.changed' && e.payload['key'] === MALLORY);
    expect(events.map((e) => e.payload['status'])).toEqual(['open', 'resolved']);
  });

  it('grants approved standing access PAM lacks (iga-wins) and leaves matching access alone', async () => {
    rig = await startRig([safeMapping({ drift: 'revoke', conflict: 'iga-wins' })]);
    const r = rig;
    const ent = await r.entitlement('PAM-Finance-Users');
    await r.assign(await r.identity('alice'), ent);
    await r.assign(await r.identity('bob'), ent);
    r.fake.state.putMember('Finance', member('BOB'));
    const report = await r.reconcile();
    expect(report.differences).toMatchObject({ missingAtPam: 1, unapprovedAtPam: 0, grants: 1 });
    await r.settle(async () => r.fake.state.member('Finance', 'alice') !== undefined);
    expect(r.fake.state.member('Finance', 'alice')!.permissions).toMatchObject({ listAccounts: true, useAccounts: true, manageSafe: false });
    await r.settle(async () => (await r.store.grants.find({ connectorId: PAM, kind: 'safe', ref: 'Finance' }, 'alice'))?.status === 'active');
    expect((await r.reconcile()).differences).toMatchObject({ missingAtPam: 0, unapprovedAtPam: 0, grants: 0 });
  });

  it('under drift alert only reports; an exception keeps the finding excepted until it expires, then it is open again', async () => {
    rig = await startRig([safeMapping({ drift: 'alert' })]);
    const r = rig;
    await r.assign(await r.identity('bob'), await r.entitlement('PAM-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob'));
    r.fake.state.putMember('Finance', member('mallory'));
    await r.reconcile();
    const open = await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY);
    expect(open?.status).toBe('open');
    const until = new Date(r.clock.now() + 3_600_000).toISOString();
    const excepted = exceptFinding(open!, { owner: 'carol', reason: 'vendor migration', until }, new Date(r.clock.now()).toISOString());
    if (!excepted.ok) throw new Error(excepted.error.join('; '));
    await r.store.findings.upsert(excepted.value);

    r.clock.advance(1_800_000);
    await r.reconcile();
    expect(await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY)).toMatchObject({ status: 'excepted', exceptionUntil: until });
    expect(r.fake.state.memberNames('Finance')).toEqual(['bob', 'mallory']);
    expect(await r.store.outbox.stats()).toEqual([]);

    r.clock.advance(3_600_000);
    const report = await r.reconcile();
    expect(report.findings.exceptionExpired).toBe(1);
    const reopened = await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY);
    expect(reopened).toMatchObject({ status: 'open', id: open!.id, evidence: { expiredException: until } });
    expect((await r.store.ledger.listBySubject(open!.id)).map((e) => e.action)).toEqual(['finding.opened', 'finding.exception-expired']);
  });

  it('under drift propose opens a pam-grant-unapproved conflict and proposes the access to IGA', async () => {
    rig = await startRig([safeMapping({ drift: 'propose' })], { igaOutbound: true });
    const r = rig;
    await r.identity('mallory');
    await r.assign(await r.identity('bob'), await r.entitlement('PAM-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob'));
    r.fake.state.putMember('Finance', member('mallory'));
    const report = await r.reconcile();
    expect(report.differences).toMatchObject({ unapprovedAtPam: 1, proposals: 1, conflictsOpened: 1, revocations: 0 });
    const conflict = await r.store.conflicts.getByKey('pam-grant-unapproved', MALLORY);
    expect(conflict).toMatchObject({ status: 'open', subject: { principal: 'mallory' } });
    const events = (await r.store.events.readAfter(0, 1000)).filter((e) => e.type === 'conflict.changed');
    expect(events).toEqual([expect.objectContaining({ subject: conflict!.id, payload: expect.objectContaining({ status: 'open', kind: 'pam-grant-unapproved' }) })]);
    const proposal = await r.store.outbox.getByIdempotencyKey(`reconcile:propose:${MALLORY}`);
    expect(proposal).toMatchObject({ connectorId: 'sailpoint', action: 'notify-iga', payload: expect.objectContaining({ event: 'access.proposed' }) });
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY))?.severity).toBe('high');
    expect((await r.reconcile()).differences.proposals).toBe(0);
    expect(r.fake.state.memberNames('Finance')).toEqual(['bob', 'mallory']);
  });
});
