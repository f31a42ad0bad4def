/** Scenario 10: the same event delivered twice, and a restart in the middle of a saga, cause no duplicate effect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTeleportAuditEvent, sendTeleportWebhook, accessRequestCreateEvent } from '../fakes/teleport/teleport-events.ts';
import { Scim, waitFor } from './sync-client.ts';
import { CYBERARK_RELAY_SECRET, TELEPORT_AUTH, startFakes, startSyncHarness, type Fakes, type SyncHarness } from './sync-harness.ts';

let fakes: Fakes & { close(): Promise<void> };
let h: SyncHarness;
let scim: Scim;
const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };

beforeAll(async () => {
  fakes = await startFakes();
  h = await startSyncHarness(fakes);
  scim = new Scim(h.url, await h.scimToken('sailpoint'));
});
afterAll(async () => {
  await h?.stop();
  await fakes?.close();
});

const onceEach = (counts: Map<string, number>) => [...counts.entries()].filter(([, n]) => n !== 1);

describe('no duplicate effects', () => {
  it('10: the same deliveries twice (IGA PATCH, PAM session record, one request over two channels) act once', async () => {
    const kim = await scim.user('kim');
    const group = await scim.group('PAM-Ops-Users', governance, []);
    for (let i = 0; i < 2; i++) await scim.patch('Groups', group, [{ op: 'add', path: 'members', value: [{ value: kim }] }]);
    await waitFor('kim in Ops', () => fakes.cyberark.state.safe('Ops')?.members.has('kim'));
    const record = { syslog: { audit_record: { MessageID: '300', Desc: 'PSM Connect', IsoTimestamp: new Date().toISOString(), Issuer: 'PSMApp', Safe: 'Ops', File: 'Root\\db', ExtraDetails: 'SessionID=K-1;User=kim;', RequestId: '', Reason: '' } } };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${h.url}/webhooks/cyberark-prod`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-relay-secret': CYBERARK_RELAY_SECRET }, body: JSON.stringify(record) });
      expect(res.status).toBeLessThan(300);
    }
    await scim.group('teleport-ops', governance, [kim]);
    const req = fakes.teleport.state.addRequest({ user: 'kim', roles: ['ops'] });
    await sendTeleportWebhook(`${h.url}/webhooks/teleport`, { RequestID: req.id, User: 'kim', Roles: ['ops'], State: 'Pending', CreatedAt: req.created }, TELEPORT_AUTH);
    await sendTeleportAuditEvent(`${h.url}/webhooks/teleport`, accessRequestCreateEvent({ id: req.id, user: 'kim', roles: ['ops'] }), TELEPORT_AUTH);
    await waitFor('request approved', () => fakes.teleport.state.requests.get(req.id)?.state === 'APPROVED');
    await waitFor('session counted', async () => (await h.gw.store.evidence.getByExternalId('cyberark-prod', 'K-1')) !== undefined);
    await h.settled();
    const [asg] = (await h.gw.store.assignments.listByIdentity(kim as never)).filter((a) => a.entitlementId === group);
    expect(asg?.sessionCount).toBe(1);
    const kimElevations = (await h.gw.store.elevations.listByIdentity(kim as never)).filter((e) => e.externalRequestId === req.id);
    expect(kimElevations).toHaveLength(1);
    expect(fakes.teleport.calls.count({ method: 'POST', path: new RegExp(`${req.id}/approve$`) })).toBe(1);
    expect(onceEach(fakes.cyberark.calls.effectsByKey())).toEqual([]);
  });

  it('10: a restart in the middle of a revocation saga neither repeats nor loses a step', async () => {
    const lee = await scim.user('lee');
    const group = await scim.group('PAM-Payroll-Admins', governance, [lee]);
    await waitFor('lee in Payroll', () => fakes.cyberark.state.safe('Payroll')?.members.has('lee'));
    await h.dispatcher.stop(1_000);
    await scim.patch('Groups', group, [{ op: 'remove', path: `members[value eq "${lee}"]` }]);
    const [asg] = await h.gw.store.assignments.listByIdentity(lee as never);
    const planned = await waitFor('revocation planned', async () => (await h.gw.store.revocations.listByAssignment(asg!.id))[0]);
    expect(planned.status).toBe('pending');
    const dataDir = h.dataDir;
    const adminToken = h.adminToken;
    await h.stop();
    expect(fakes.cyberark.state.safe('Payroll')?.members.has('lee')).toBe(true);

    h = await startSyncHarness(fakes, { dataDir, adminToken });
    await waitFor('verified after restart', async () => (await h.gw.store.revocations.get(planned.id))?.status === 'verified');
    expect(await h.gw.store.revocations.listByAssignment(asg!.id)).toHaveLength(1);
    expect(fakes.cyberark.state.safe('Payroll')?.members.has('lee')).toBe(false);
    expect(fakes.cyberark.calls.stateChanges().get('safe:Payroll/member:lee')).toBe(2);
    expect(onceEach(fakes.cyberark.calls.effectsByKey())).toEqual([]);
  });
});
