import { afterEach, describe, expect, it } from 'vitest';
import { resolveConflict } from '../../../gateway/admin/conflict-resolver.ts';
import type { Finding } from '../../../gateway/domain/finding.ts';
import { newId } from '../../../gateway/domain/ids.ts';
import { logger, member, PAM, random, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FINANCE = { connectorId: PAM, kind: 'safe' as const, ref: 'Finance' };
const pathOf = (p: string) => `${PAM}/safe/Finance|${p}`;

describe('conflicts found by reconciliation', () => {
  it('a grant IGA revoked while an exception covers it is a conflict, not a revocation', async () => {
    rig = await startRig([safeMapping({ drift: 'revoke' })]);
    const r = rig;
    const ent = await r.entitlement('PAM-Finance-Users');
    await r.assign(await r.identity('alice'), ent);
    const bob = await r.identity('bob');
    const now = new Date(r.clock.now()).toISOString();
    const ended = await r.assign(bob, ent, { status: 'removed', endedAt: now, endedBy: 'scim:sailpoint' });
    await r.store.grants.upsert({ id: newId('grant', r.clock.now(), random), target: FINANCE, principal: 'bob', permissions: ['listAccounts', 'useAccounts'], mode: 'standing', source: 'lockstep', assignmentId: ended.id, status: 'active', observedAt: now, updatedAt: now });
    const until = new Date(r.clock.now() + 86_400_000).toISOString();
    const excepted: Finding = {
      id: newId('finding', r.clock.now(), random), kind: 'pam-grant-without-entitlement', key: pathOf('bob'), severity: 'high', subject: { connectorId: PAM, principal: 'bob' },
      summary: 'bob kept on Finance', status: 'excepted', evidence: {}, tags: [], firstSeenAt: now, lastSeenAt: now, exceptionUntil: until,
    };
    await r.store.findings.upsert(excepted);
    await r.store.ledger.append({ at: now, actor: 'carol', action: 'finding.excepted', subject: excepted.id, data: { owner: 'carol', reason: 'quarter close', until } });
    r.fake.state.putMember('Finance', member('alice'));
    r.fake.state.putMember('Finance', member('bob'));

    const report = await r.reconcile();
    expect(report.differences).toMatchObject({ unapprovedAtPam: 1, revocations: 0, conflictsOpened: 1 });
    const conflict = await r.store.conflicts.getByKey('revoked-with-exception', pathOf('bob'));
    expect(conflict).toMatchObject({ status: 'open', subject: { assignmentId: ended.id, identityId: bob.id }, details: expect.objectContaining({ exception: { owner: 'carol', reason: 'quarter close', until } }) });
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', pathOf('bob')))?.status).toBe('excepted');

    const resolved = await resolveConflict({ store: r.store, clock: r.clock, random, logger, mappings: { current: () => r.set }, connectors: () => [{ id: PAM, kind: 'pam', vendor: 'cyberark', profile: 'cyberark', enabled: true, outbound: { baseUrl: 'http://127.0.0.1:1', auth: { kind: 'none' }, timeoutMs: 1000, concurrency: 1 } }] }, conflict!.id, { action: 'revoke', by: 'dana', reason: 'exception no longer needed' });
    expect(resolved.ok).toBe(true);
    await r.settle(async () => r.fake.state.member('Finance', 'bob') === undefined);
    const entry = (await r.store.ledger.listBySubject(conflict!.id)).find((e) => e.action === 'conflict.resolved');
    expect(entry).toMatchObject({ actor: 'dana', data: expect.objectContaining({ action: 'revoke', reason: 'exception no longer needed' }) });
  });

  it('two mappings giving one target different permissions are a mappings-disagree conflict naming its holders', async () => {
    rig = await startRig([safeMapping({ name: 'users' }), safeMapping({ name: 'ops', prefix: 'OPS', permissions: ['listAccounts', 'useAccounts', 'retrieveAccounts'] })]);
    const r = rig;
    await r.assign(await r.identity('bob'), await r.entitlement('PAM-Finance-Users'));
    await r.assign(await r.identity('carol'), await r.entitlement('OPS-Finance-Users'));
    r.fake.state.putMember('Finance', member('bob'));
    r.fake.state.putMember('Finance', member('carol', ['listAccounts', 'useAccounts', 'retrieveAccounts']));
    await r.reconcile();
    const conflict = await r.store.conflicts.getByKey('mappings-disagree', `${PAM}/safe/Finance`);
    expect(conflict).toMatchObject({ status: 'open', details: expect.objectContaining({ principals: ['bob', 'carol'] }) });
    expect((conflict!.details['resolutions'] as { mappingId: string }[]).map((x) => x.mappingId).sort()).toEqual(['ops', 'users']);
  });

  it('access both sides changed since the last run is a both-sides-changed conflict and is not re-granted', async () => {
    rig = await startRig([safeMapping({ conflict: 'iga-wins' })]);
    const r = rig;
    const ent = await r.entitlement('PAM-Finance-Users');
    await r.assign(await r.identity('alice'), ent);
    const bob = await r.identity('bob');
    const a = await r.assign(bob, ent);
    const now = new Date(r.clock.now()).toISOString();
    await r.store.grants.upsert({ id: newId('grant', r.clock.now(), random), target: FINANCE, principal: 'bob', permissions: ['listAccounts', 'useAccounts'], mode: 'standing', source: 'lockstep', assignmentId: a.id, status: 'active', observedAt: now, updatedAt: now });
    r.fake.state.putMember('Finance', member('alice'));
    r.fake.state.putMember('Finance', member('bob'));
    expect((await r.reconcile()).differences).toMatchObject({ missingAtPam: 0, unapprovedAtPam: 0 });

    r.clock.advance(60_000);
    r.fake.state.safe('Finance')!.members.delete('bob');
    await r.store.assignments.update({ ...a, ticket: 'CHG-42', updatedAt: new Date(r.clock.now()).toISOString() });
    r.clock.advance(60_000);
    const report = await r.reconcile();
    expect(report.differences).toMatchObject({ missingAtPam: 1, grants: 0, conflictsOpened: 1 });
    const conflict = await r.store.conflicts.getByKey('both-sides-changed', pathOf('bob'));
    expect(conflict).toMatchObject({ status: 'open', details: expect.objectContaining({ iga: expect.objectContaining({ present: true }), pam: expect.objectContaining({ present: false }) }) });
    expect((await r.store.grants.find(FINANCE, 'bob'))?.status).toBe('removed');
    expect(r.fake.state.member('Finance', 'bob')).toBeUndefined();
  });
});
