/** Scenario 10: the same event delivered twice, and a restart in the middle of a saga, cause no duplicate effect. */
import { describe, expect, it } from 'vitest';
import { sendTeleportAuditEvent, sendTeleportWebhook, accessRequestCreateEvent } from '../fakes/teleport/teleport-events.ts';
import { waitFor } from './sync-client.ts';
import { CYBERARK_RELAY_SECRET, TELEPORT_AUTH } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

const w = useSyncWorld();
const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };

const onceEach = (counts: Map<string, number>) => [...counts.entries()].filter(([, n]) => n !== 1);

describe('no duplicate effects', () => {
  it('10: the same deliveries twice (IGA PATCH, PAM session record, one request over two channels) act once', async () => {
    const kim = await w.scim.user('kim');
    const group = await w.scim.group('PAM-Ops-Users', governance, []);
    for (let i = 0; i < 2; i++) await w.scim.patch('Groups', group, [{ op: 'add', path: 'members', value: [{ value: kim }] }]);
    await waitFor('kim in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.has('kim'));
    const record = { syslog: { audit_record: { MessageID: '300', Desc: 'PSM Connect', IsoTimestamp: new Date().toISOString(), Issuer: 'PSMApp', Safe: 'Ops', File: 'Root\\db', ExtraDetails: 'SessionID=K-1;User=kim;', RequestId: '', Reason: '' } } };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${w.h.url}/webhooks/cyberark-prod`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-relay-secret': CYBERARK_RELAY_SECRET }, body: JSON.stringify(record) });
      expect(res.status).toBeLessThan(300);
    }
    await w.scim.group('teleport-ops', governance, [kim]);
    const req = w.fakes.teleport.state.addRequest({ user: 'kim', roles: ['ops'] });
    await sendTeleportWebhook(`${w.h.url}/webhooks/teleport`, { RequestID: req.id, User: 'kim', Roles: ['ops'], State: 'Pending', CreatedAt: req.created }, TELEPORT_AUTH);
    await sendTeleportAuditEvent(`${w.h.url}/webhooks/teleport`, accessRequestCreateEvent({ id: req.id, user: 'kim', roles: ['ops'] }), TELEPORT_AUTH);
    await waitFor('request approved', () => w.fakes.teleport.state.requests.get(req.id)?.state === 'APPROVED');
    await waitFor('session counted', async () => (await w.h.gw.store.evidence.getByExternalId('cyberark-prod', 'K-1')) !== undefined);
    await w.h.settled();
    const [asg] = (await w.h.gw.store.assignments.listByIdentity(kim as never)).filter((a) => a.entitlementId === group);
    expect(asg?.sessionCount).toBe(1);
    const kimElevations = (await w.h.gw.store.elevations.listByIdentity(kim as never)).filter((e) => e.externalRequestId === req.id);
    expect(kimElevations).toHaveLength(1);
    expect(w.fakes.teleport.calls.count({ method: 'POST', path: new RegExp(`${req.id}/approve$`) })).toBe(1);
    expect(onceEach(w.fakes.cyberark.calls.effectsByKey())).toEqual([]);
  });

  it('10: a restart in the middle of a revocation saga neither repeats nor loses a step', async () => {
    const lee = await w.scim.user('lee');
    const group = await w.scim.group('PAM-Payroll-Admins', governance, [lee]);
    await waitFor('lee in Payroll', () => w.fakes.cyberark.state.safe('Payroll')?.members.has('lee'));
    await w.h.dispatcher.stop(1_000);
    await w.scim.patch('Groups', group, [{ op: 'remove', path: `members[value eq "${lee}"]` }]);
    const [asg] = await w.h.gw.store.assignments.listByIdentity(lee as never);
    const planned = await waitFor('revocation planned', async () => (await w.h.gw.store.revocations.listByAssignment(asg!.id))[0]);
    expect(planned.status).toBe('pending');
    await w.h.stop();
    expect(w.fakes.cyberark.state.safe('Payroll')?.members.has('lee')).toBe(true);

    await w.reopen();
    await waitFor('verified after restart', async () => (await w.h.gw.store.revocations.get(planned.id))?.status === 'verified');
    expect(await w.h.gw.store.revocations.listByAssignment(asg!.id)).toHaveLength(1);
    expect(w.fakes.cyberark.state.safe('Payroll')?.members.has('lee')).toBe(false);
    expect(w.fakes.cyberark.calls.stateChanges().get('safe:Payroll/member:lee')).toBe(2);
    expect(onceEach(w.fakes.cyberark.calls.effectsByKey())).toEqual([]);
  });
});
