/** Scenarios 7 and 9, and the non-human identity rules: PAM → IGA revocation, session evidence and usage, NHI findings. */
import { describe, expect, it } from 'vitest';
import { GOV, LSU, waitFor } from './sync-client.ts';
import { CYBERARK_RELAY_SECRET, DELINEA_SECRET } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const w = useSyncWorld({ clock });
const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };

async function post(path: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const res = await fetch(`${w.h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return res.status;
}

/** A CyberArk Vault audit record (JSON via the XSL translator), relayed to the webhook intake. */
const psm = (id: '300' | '302', user: string, sessionId: string, safe = 'Finance') => ({
  syslog: { audit_record: { MessageID: id, Desc: id === '300' ? 'PSM Connect' : 'PSM Disconnect', IsoTimestamp: new Date(clock.now()).toISOString(), Issuer: 'PSMApp', Safe: safe, File: 'Root\\srv01', ExtraDetails: `SessionID=${sessionId};User=${user};`, RequestId: '', Reason: '' } },
});

describe('PAM → IGA and evidence', () => {
  it('7: a PAM-side account disable reaches the IGA notification endpoint and shows in Lockstep\'s state', async () => {
    const hank = await w.scim.user('hank', { externalId: 'ext-hank' });
    const group = await w.scim.group('DL-42', governance, [hank]);
    await waitFor('hank granted on secret 42', () => [...w.fakes.delinea.state.permissions.values()].some((p) => p.userName === 'hank' && p.secretId === 42));
    w.fakes.iga.state.addUser('ext-hank', 'hank');
    const status = await post('/webhooks/delinea', { 'x-lockstep-secret': DELINEA_SECRET }, { eventId: 'dl-evt-1', eventAction: 'USERDISABLED', occurredAt: new Date().toISOString(), itemName: 'hank', byUser: 'secops' });
    expect(status).toBeLessThan(300);
    await waitFor('IGA user deactivated', () => w.fakes.iga.state.users.get('ext-hank')?.active === false);
    const [asg] = await w.h.gw.store.assignments.listByIdentity(hank as never);
    expect(asg).toMatchObject({ status: 'revoked-at-pam', endedBy: 'delinea' });
    const revocation = await waitFor('pam-to-iga revocation verified', async () => (await w.h.gw.store.revocations.listByAssignment(asg!.id)).find((r) => r.direction === 'pam-to-iga' && r.status === 'verified'));
    expect(revocation.cause).toBe('pam-account-disabled');
    const read = await w.scim.get(`/Groups/${group}`);
    expect((read.body.members ?? []).map((m: { value: string }) => m.value)).not.toContain(hank);
  });

  it('9: sessions become evidence tied to the assignment and show as usage on the SCIM read-back', async () => {
    const ivy = await w.scim.user('ivy');
    const group = await w.scim.group('PAM-Finance-Users', governance, [ivy]);
    await waitFor('ivy in Finance', () => w.fakes.cyberark.state.safe('Finance')?.members.has('ivy'));
    const relay = { 'x-relay-secret': CYBERARK_RELAY_SECRET };
    expect(await post('/webhooks/cyberark-prod', relay, psm('300', 'ivy', 'S-1'))).toBeLessThan(300);
    const started = await waitFor('session evidence', () => w.h.gw.store.evidence.getByExternalId('cyberark-prod', 'S-1'));
    const [asg] = await w.h.gw.store.assignments.listByIdentity(ivy as never);
    expect(started).toMatchObject({ kind: 'session', identityId: ivy, assignmentId: asg!.id, entitlementId: group, interactive: true });
    expect(await post('/webhooks/cyberark-prod', relay, psm('302', 'ivy', 'S-1'))).toBeLessThan(300);
    await waitFor('session ended', async () => (await w.h.gw.store.evidence.getByExternalId('cyberark-prod', 'S-1'))?.endedAt !== undefined);
    expect(await post('/webhooks/cyberark-prod', relay, psm('300', 'ivy', 'S-2'))).toBeLessThan(300);
    await waitFor('second session counted', async () => (await w.h.gw.store.assignments.get(asg!.id))?.sessionCount === 2);
    const checkout = { syslog: { audit_record: { MessageID: '295', Desc: 'Retrieve Password', IsoTimestamp: new Date(clock.now()).toISOString(), Issuer: 'ivy', Safe: 'Finance', File: 'Root\\srv02', ExtraDetails: '', RequestId: 'R-7', Reason: 'maintenance' } } };
    expect(await post('/webhooks/cyberark-prod', relay, checkout)).toBeLessThan(300);
    const co = await waitFor('checkout evidence', async () => (await w.h.gw.store.evidence.listByAssignment(asg!.id)).find((e) => e.kind === 'checkout'));
    expect(co).toMatchObject({ interactive: false, identityId: ivy, principal: 'ivy' });
    const read = await w.scim.get(`/Groups/${group}`);
    expect(read.body[GOV]).toMatchObject({ sessionCount: 2 });
    expect(read.body[GOV].lastUsed).toBeDefined();
  });

  it('NHI: an ownerless service account, its interactive session and its stale secret raise findings with OWASP NHI tags', async () => {
    const svc = await w.scim.user('svc-backup', { [LSU]: { kind: 'service-account' }, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', LSU] });
    const noOwner = await waitFor('nhi-without-owner', () => w.h.gw.store.findings.getByKey('nhi-without-owner', svc));
    expect(noOwner.tags).toContain('OWASP-NHI:NHI1');
    await w.scim.group('SVC-Payroll', { ...governance, nonHuman: true }, [svc]);
    await waitFor('svc in Payroll', () => w.fakes.cyberark.state.safe('Payroll')?.members.has('svc-backup'));
    await post('/webhooks/cyberark-prod', { 'x-relay-secret': CYBERARK_RELAY_SECRET }, psm('300', 'svc-backup', 'S-9', 'Payroll'));
    const interactive = await waitFor('nhi-interactive-session', () => w.h.gw.store.findings.getByKey('nhi-interactive-session', 'cyberark-prod/S-9'));
    expect(interactive.tags).toContain('OWASP-NHI:NHI10');
    await w.scim.patch('Users', svc, [{ op: 'replace', path: `${LSU}:owner`, value: 'alice' }]);
    await waitFor('owner finding resolved', async () => (await w.h.gw.store.findings.getByKey('nhi-without-owner', svc))?.status === 'resolved');
    offsetMs += 31 * 86_400_000;
    const stale = await waitFor('nhi-static-secret-stale', () => w.h.gw.store.findings.getByKey('nhi-static-secret-stale', svc));
    expect(stale.tags).toContain('OWASP-NHI:NHI7');
  });
});
