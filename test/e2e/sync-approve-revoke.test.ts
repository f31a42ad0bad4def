/** Scenarios 1, 4, 5 and 6 of the sync engine: approve to PAM, revoke IGA → PAM with read-back, across two PAMs, with a PAM outage. */
import { describe, expect, it } from 'vitest';
import { Scim, waitFor } from './sync-client.ts';
import { useSyncWorld } from './sync-world.ts';

const w = useSyncWorld();
const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };

const revocationsOf = async (assignmentOrIdentity: { assignmentId?: string; identityId?: string }) => {
  const page = await w.h.gw.store.revocations.list({}, { startIndex: 1, count: 500 });
  return page.items.filter((r) => (assignmentOrIdentity.assignmentId ? r.assignmentId === assignmentOrIdentity.assignmentId : r.identityId === assignmentOrIdentity.identityId));
};

describe('approve and revoke through the real gateway', () => {
  it('1: IGA approves bob for a standing mapping → CyberArk has bob as safe member with the mapped rights', async () => {
    const bob = await w.scim.user('bob');
    await w.scim.group('PAM-Finance-Users', governance, [bob]);
    const member = await waitFor('bob in Finance', () => w.fakes.cyberark.state.safe('Finance')?.members.get('bob'));
    expect(Object.entries(member.permissions).filter(([, v]) => v).map(([k]) => k).sort()).toEqual(['listAccounts', 'retrieveAccounts', 'useAccounts']);
    const grant = await waitFor('grant row', async () => (await w.h.gw.store.grants.listByPrincipal('cyberark-prod', 'bob', { activeOnly: true }))[0]);
    expect(grant.source).toBe('lockstep');
    const perms = await w.scim.get('/ContainerPermissions');
    expect(JSON.stringify(perms.body)).toContain('bob');
    const metrics = await (await fetch(`${w.h.url}/metrics`, { headers: { authorization: `Bearer ${w.h.adminToken}` } })).text();
    expect(metrics).toMatch(/lockstep_sync_events_total\{type="assignment.added"\} [1-9]/);
  });

  it('4: IGA removes bob (Entra-style PATCH) → revoked at PAM, read back, verified, in the ledger', async () => {
    const carol = await w.scim.user('carol4');
    const bob = await w.scim.user('bob4');
    const group = await w.scim.group('PAM-Payroll-Users', governance, [bob, carol]);
    await waitFor('bob4 in Payroll', () => w.fakes.cyberark.state.safe('Payroll')?.members.has('bob4'));
    const r = await w.scim.patch('Groups', group, [{ op: 'Remove', path: 'members', value: [{ value: bob }] }]);
    expect([200, 204]).toContain(r.status);
    await waitFor('bob4 gone from Payroll', () => !w.fakes.cyberark.state.safe('Payroll')?.members.has('bob4'));
    const [asg] = await w.h.gw.store.assignments.listByIdentity(bob as never);
    const revocation = await waitFor('verified revocation', async () => (await revocationsOf({ assignmentId: asg!.id })).find((x) => x.status === 'verified'));
    expect(revocation.steps.map((s) => [s.name.split(':')[0], s.status])).toEqual([['revoke', 'verified'], ['read-back', 'verified']]);
    const ledger = await w.h.gw.store.ledger.listBySubject(revocation.id);
    expect(ledger.map((e) => e.action)).toEqual(['revocation.requested', 'revocation.verified']);
    expect(w.fakes.cyberark.state.safe('Payroll')?.members.has('carol4')).toBe(true);
  });

  it('5: Okta-style deactivation of a user with grants in two PAM products → both revoked and verified', async () => {
    const okta = new Scim(w.h.url, await w.h.scimToken('okta'));
    const dave = await okta.user('dave');
    await okta.group('PAM-Ops-Users', governance, [dave]);
    await okta.group('SDM-db-prod', governance, [dave]);
    await waitFor('dave in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.has('dave'));
    await waitFor('dave at StrongDM', () => [...w.fakes.strongdm.state.grants.values()].some((g) => g.accountId === 'dave' && g.resourceId === 'db-prod'));
    const r = await okta.patch('Users', dave, [{ op: 'replace', value: { active: false } }]);
    expect(r.status).toBe(200);
    const revocation = await waitFor('verified deactivation revocation', async () => (await revocationsOf({ identityId: dave })).find((x) => x.status === 'verified'));
    expect(revocation.cause).toBe('iga-user-deactivated');
    expect(new Set(revocation.steps.map((s) => s.connectorId))).toEqual(new Set(['cyberark-prod', 'strongdm']));
    expect(w.fakes.cyberark.state.safe('Ops')?.members.has('dave')).toBe(false);
    expect([...w.fakes.strongdm.state.grants.values()].some((g) => g.accountId === 'dave')).toBe(false);

    expect((await okta.patch('Users', dave, [{ op: 'replace', value: { active: true } }])).status).toBe(200);
    await waitFor('dave back in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.has('dave'));
    await waitFor('dave back at StrongDM', () => [...w.fakes.strongdm.state.grants.values()].some((g) => g.accountId === 'dave'));
  });

  it('6: PAM answers 503 twice, then recovers → retried, verified only after the read-back', async () => {
    const erin = await w.scim.user('erin');
    const group = await w.scim.group('PAM-Finance-Admins', governance, [erin]);
    await waitFor('erin in Finance', () => w.fakes.cyberark.state.safe('Finance')?.members.has('erin'));
    const deletesBefore = w.fakes.cyberark.calls.count({ method: 'DELETE' });
    w.fakes.cyberark.faults.next({ status: 503 }, 2, { method: 'DELETE' });
    await w.scim.patch('Groups', group, [{ op: 'remove', path: `members[value eq "${erin}"]` }]);
    const [asg] = await w.h.gw.store.assignments.listByIdentity(erin as never);
    const done = await waitFor('verified after recovery', async () => (await revocationsOf({ assignmentId: asg!.id })).find((x) => x.status === 'verified'));
    expect(w.fakes.cyberark.calls.count({ method: 'DELETE' }) - deletesBefore).toBeGreaterThanOrEqual(3);
    expect(done.steps.every((s) => s.status === 'verified')).toBe(true);
    expect(w.fakes.cyberark.state.safe('Finance')?.members.has('erin')).toBe(false);
  });

  it('6: PAM refuses until the retries run out → failed, finding and dead letter; replayed after recovery → verified', async () => {
    const frank = await w.scim.user('frank');
    const group = await w.scim.group('PAM-Ops-Admins', governance, [frank]);
    await waitFor('frank in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.has('frank'));
    w.fakes.cyberark.faults.always({ status: 503 }, { method: 'DELETE' });
    await w.scim.patch('Groups', group, [{ op: 'remove', path: `members[value eq "${frank}"]` }]);
    const [asg] = await w.h.gw.store.assignments.listByIdentity(frank as never);
    const failed = await waitFor('failed revocation', async () => (await revocationsOf({ assignmentId: asg!.id })).find((x) => x.status === 'failed'));
    expect(failed.steps.find((s) => s.name.startsWith('revoke:'))?.status).toBe('failed');
    expect(w.fakes.cyberark.state.safe('Ops')?.members.has('frank')).toBe(true);
    const finding = await w.h.gw.store.findings.getByKey('revocation-pending', failed.id);
    expect(finding).toMatchObject({ status: 'open', severity: 'critical' });
    const dead = await w.h.gw.store.outbox.list({ status: 'abandoned', connectorId: 'cyberark-prod' }, { startIndex: 1, count: 50 });
    expect(dead.items.some((m) => m.payload['revocationId'] === failed.id)).toBe(true);

    w.fakes.cyberark.faults.clear();
    const replay = await fetch(`${w.h.url}/api/v1/outbox/replay`, { method: 'POST', headers: { authorization: `Bearer ${w.h.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ connectorId: 'cyberark-prod' }) });
    expect(replay.status).toBe(200);
    await waitFor('verified after replay', async () => (await w.h.gw.store.revocations.get(failed.id))?.status === 'verified');
    expect(w.fakes.cyberark.state.safe('Ops')?.members.has('frank')).toBe(false);
    expect((await w.h.gw.store.findings.getByKey('revocation-pending', failed.id))?.status).toBe('resolved');
  });
});
