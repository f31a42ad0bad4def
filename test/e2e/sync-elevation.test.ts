/** Scenarios 2, 3 and 8: the just-in-time gate (webhook intake and POST /api/v1/decisions), window end, break-glass. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sendTeleportWebhook } from '../fakes/teleport/teleport-events.ts';
import { Scim, decide, waitFor } from './sync-client.ts';
import { TELEPORT_AUTH } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const w = useSyncWorld({ clock, scimConnector: 'okta' });
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const fresh = { owner: 'alice', lastCertified: daysAgo(1), reviewCadenceDays: 180 };
const ask = (principal: string, ref: string, minutes: number, extra: Record<string, unknown> = {}) =>
  decide(w.h.url, w.h.adminToken, { connectorId: 'teleport', principal, target: { kind: 'role', ref }, minutes, ...extra });
const codes = (body: { reasons?: { code: string }[] }) => (body.reasons ?? []).map((r) => r.code).sort();

beforeAll(async () => {
  const [bob, , dana, gus] = [await w.scim.user('bob'), await w.scim.user('carol'), await w.scim.user('dana'), await w.scim.user('gus')];
  await w.scim.group('teleport-prod', fresh, [bob]);
  await w.scim.group('teleport-legacy', { owner: 'alice', lastCertified: daysAgo(200), reviewCadenceDays: 365 }, [dana]);
  await w.scim.group('teleport-orphan', { lastCertified: daysAgo(1), reviewCadenceDays: 180 }, [dana]);
  await w.scim.group('teleport-emergency', { lastCertified: daysAgo(400), breakGlass: true, reviewCadenceDays: 90 }, [gus]);
});

describe('elevate: the just-in-time gate', () => {
  it('2: allows bob 30 min on a mapped target; the ledger holds the facts', async () => {
    const r = await ask('bob', 'prod', 30);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: 'allow', breakGlass: false, replay: false });
    expect(Date.parse(r.body.windowEnd) - Date.parse(r.body.windowStart)).toBe(30 * 60_000);
    const [entry] = await w.h.gw.store.ledger.listBySubject(r.body.elevationId);
    expect(entry).toMatchObject({ action: 'elevation.allowed' });
    expect(entry!.data).toMatchObject({ identity: { userName: 'bob' }, chosen: { assignmentId: r.body.assignmentId } });
  });

  it('2: denies carol (no assignment), bob beyond the maximum, an overdue review and an entitlement without owner', async () => {
    const carol = await ask('carol', 'prod', 30);
    expect(carol.body.outcome).toBe('deny');
    expect(codes(carol.body)).toEqual(['no-matching-assignment']);
    expect(codes((await ask('bob', 'prod', 180)).body)).toEqual(['duration-exceeds-maximum']);
    expect(codes((await ask('dana', 'legacy', 30)).body)).toEqual(['review-overdue']);
    expect(codes((await ask('dana', 'orphan', 30)).body)).toEqual(['entitlement-without-owner']);
    expect(codes((await ask('nobody', 'prod', 30)).body)).toEqual(['identity-unknown']);
    const denied = await w.h.gw.store.ledger.listBySubject((await ask('carol', 'prod', 10)).body.elevationId);
    expect(denied[0]).toMatchObject({ action: 'elevation.denied' });
  });

  it('2: a Teleport request posted by its webhook plugin is approved or denied at Teleport', async () => {
    const ok = w.fakes.teleport.state.addRequest({ user: 'bob', roles: ['prod'] });
    const no = w.fakes.teleport.state.addRequest({ user: 'carol', roles: ['prod'] });
    for (const r of [ok, no]) {
      const res = await sendTeleportWebhook(`${w.h.url}/webhooks/teleport`, { RequestID: r.id, User: r.user, Roles: r.roles, State: 'Pending', CreatedAt: r.created }, TELEPORT_AUTH);
      expect(res.status).toBeLessThan(300);
    }
    await waitFor('teleport approved bob', () => w.fakes.teleport.state.requests.get(ok.id)?.state === 'APPROVED');
    await waitFor('teleport denied carol', () => w.fakes.teleport.state.requests.get(no.id)?.state === 'DENIED');
    expect(w.fakes.teleport.state.requests.get(no.id)?.resolve_reason).toContain('no-matching-assignment');
    const again = await sendTeleportWebhook(`${w.h.url}/webhooks/teleport`, { RequestID: ok.id, User: 'bob', Roles: ['prod'], State: 'Pending', CreatedAt: ok.created }, TELEPORT_AUTH);
    expect(again.status).toBeLessThan(300);
    const elevations = (await w.h.gw.store.elevations.listByIdentity((await w.h.gw.store.identities.listByUserName('bob'))[0]!.id)).filter((e) => e.externalRequestId === ok.id);
    expect(elevations).toHaveLength(1);
  });

  it('2: a principal that correlates to two IGA identities is denied as ambiguous, never guessed', async () => {
    const other = new Scim(w.h.url, await w.h.scimToken('sailpoint'));
    await w.scim.user('sam');
    await other.user('sam');
    expect(codes((await ask('sam', 'prod', 10)).body)).toEqual(['identity-ambiguous']);
  });

  it('decisions accept the PAM connector\'s own credential, and nothing else', async () => {
    const basic = `Basic ${Buffer.from(`${TELEPORT_AUTH.username}:${TELEPORT_AUTH.password}`).toString('base64')}`;
    const body = { connectorId: 'teleport', principal: 'bob', target: { kind: 'role', ref: 'prod' }, minutes: 15 };
    const res = await fetch(`${w.h.url}/api/v1/decisions`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const wrong = await fetch(`${w.h.url}/api/v1/decisions`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('teleport:nope').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(wrong.status).toBe(401);
    const other = await fetch(`${w.h.url}/api/v1/decisions`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, connectorId: 'cyberark-prod' }) });
    expect(other.status).toBe(401);
    const bad = await ask('bob', 'prod', -5);
    expect(bad.status).toBe(400);
  });

  it('8: break-glass use is allowed and raises a post-use review finding with framework tags', async () => {
    const r = await ask('gus', 'emergency', 20, { breakGlass: true, justification: 'incident 42' });
    expect(r.body).toMatchObject({ outcome: 'allow', breakGlass: true });
    expect(r.body.overridden.map((o: { code: string }) => o.code).sort()).toEqual(['entitlement-without-owner', 'review-overdue']);
    const finding = await w.h.gw.store.findings.getByKey('break-glass-unreviewed', r.body.elevationId);
    expect(finding).toMatchObject({ status: 'open', kind: 'break-glass-unreviewed' });
    expect(finding!.tags).toContain('NIST-CSF-2.0:PR.AA-05');
    expect(codes((await ask('gus', 'emergency', 20)).body)).toEqual(['entitlement-without-owner', 'review-overdue']);
  });

  it('3: when the window ends the elevation is ended at Teleport and the evidence is closed', async () => {
    const req = w.fakes.teleport.state.addRequest({ user: 'bob', roles: ['prod'] });
    await sendTeleportWebhook(`${w.h.url}/webhooks/teleport`, { RequestID: req.id, User: 'bob', Roles: ['prod'], State: 'Pending', CreatedAt: req.created }, TELEPORT_AUTH);
    const elevation = await waitFor('elevation recorded', () => w.h.gw.store.elevations.getByExternalId('teleport', req.id));
    expect(elevation.status).toBe('active');
    offsetMs += 2 * 3_600_000;
    await waitFor('bob locked at Teleport', () => [...w.fakes.teleport.state.locks.values()].some((l) => l.target.user === 'bob'));
    const ended = await w.h.gw.store.elevations.get(elevation.id);
    expect(ended?.status).toBe('expired');
    const evidence = await w.h.gw.store.evidence.getByExternalId('teleport', req.id);
    expect(evidence).toMatchObject({ kind: 'approval', elevationId: elevation.id });
    expect(evidence?.endedAt).toBeDefined();
    const actions = (await w.h.gw.store.ledger.listBySubject(elevation.id)).map((e) => e.action);
    expect(actions[0]).toBe('elevation.allowed');
    expect(actions).toContain('elevation.window-ended');
    await waitFor('end call delivered', async () => (await w.h.gw.store.ledger.listBySubject(elevation.id)).filter((e) => e.action === 'elevation.vendor.delivered').length === 2);
  });
});
