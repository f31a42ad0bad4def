import { afterEach, describe, expect, it } from 'vitest';
import type { Elevation } from '../../../gateway/domain/elevation.ts';
import { newId } from '../../../gateway/domain/ids.ts';
import type { Revocation } from '../../../gateway/domain/revocation.ts';
import { recordElevationReview } from '../../../gateway/findings/elevation-review.ts';
import { reviewedCursor } from '../../../gateway/reconcile/governance-pass.ts';
import { rotatedCursor } from '../../../gateway/sync/nhi-handler.ts';
import { DAY, member, PAM, random, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const status = async (r: Rig, kind: Parameters<Rig['store']['findings']['getByKey']>[0], key: string) => (await r.store.findings.getByKey(kind, key))?.status;

describe('governance findings of a full pass', () => {
  it('raises ownerless, overdue, unresolved and NHI findings, and closes each once its cause is gone', async () => {
    rig = await startRig([safeMapping({ maxSecretAgeDays: 30 })]);
    const r = rig;
    const created = new Date(r.clock.now() - 200 * DAY).toISOString();
    const ownerless = await r.entitlement('PAM-Finance-Users', { owner: undefined, riskTier: 'high' });
    const overdue = await r.entitlement('PAM-Ops-Users', { reviewCadenceDays: 90, lastCertifiedAt: new Date(r.clock.now() - 120 * DAY).toISOString() });
    const unmapped = await r.entitlement('Finance Readers');
    const bot = await r.identity('deploy-bot', { kind: 'service-account', createdAt: created });
    await r.assign(bot, ownerless);
    await r.assign(await r.identity('bob'), unmapped);
    r.fake.state.putMember('Finance', member('deploy-bot'));
    r.fake.state.addSafe('Ops');

    const report = await r.reconcile();
    expect(report.findings.opened).toBe(5);
    expect(await r.store.findings.getByKey('entitlement-without-owner', ownerless.id)).toMatchObject({ status: 'open', severity: 'high' });
    expect(await r.store.findings.getByKey('review-overdue', overdue.id)).toMatchObject({ status: 'open', evidence: expect.objectContaining({ daysLate: 30 }) });
    expect(await r.store.findings.getByKey('mapping-unresolved', unmapped.id)).toMatchObject({ status: 'open', severity: 'high', evidence: expect.objectContaining({ activeAssignments: 1 }) });
    const nhi = await r.store.findings.getByKey('nhi-without-owner', bot.id);
    expect(nhi).toMatchObject({ status: 'open', severity: 'high' });
    expect(nhi!.tags).toContain('OWASP-NHI:NHI1');
    expect(await r.store.findings.getByKey('nhi-static-secret-stale', bot.id)).toMatchObject({ status: 'open', evidence: expect.objectContaining({ ageDays: 200, maxAgeDays: 30 }) });

    const now = new Date(r.clock.now()).toISOString();
    await r.store.entitlements.update({ ...ownerless, governance: { ...ownerless.governance, owner: 'alice' }, version: 2 }, 1);
    await r.store.entitlements.update({ ...overdue, governance: { ...overdue.governance, lastCertifiedAt: now }, version: 2 }, 1);
    await r.store.identities.update({ ...bot, owner: 'alice', version: 2 }, 1);
    await r.store.cursors.set(rotatedCursor(bot.id), now);
    for (const a of await r.store.assignments.listByEntitlement(unmapped.id)) await r.store.assignments.update({ ...a, status: 'removed', endedAt: now });

    const after = await r.reconcile();
    expect(after.findings.resolved).toBe(5);
    for (const [kind, key] of [['entitlement-without-owner', ownerless.id], ['review-overdue', overdue.id], ['mapping-unresolved', unmapped.id], ['nhi-without-owner', bot.id], ['nhi-static-secret-stale', bot.id]] as const) {
      expect(await status(r, kind, key)).toBe('resolved');
    }
  });

  it('reports a revocation not verified in time, and closes it once verified', async () => {
    rig = await startRig([safeMapping()]);
    const r = rig;
    const at = new Date(r.clock.now() - 10 * 60_000).toISOString();
    const revocation: Revocation = {
      id: newId('revocation', r.clock.now(), random), cause: 'iga-member-removed', direction: 'iga-to-pam', status: 'in-progress',
      steps: [{ name: `revoke:${PAM}/safe/Finance|bob`, connectorId: PAM, status: 'pending', at }], requestedBy: 'scim:sailpoint', createdAt: at, updatedAt: at,
    };
    await r.store.revocations.insert(revocation);
    await r.reconcile();
    expect(await r.store.findings.getByKey('revocation-pending', revocation.id)).toMatchObject({ status: 'open', severity: 'high' });
    await r.store.revocations.update({ ...revocation, status: 'verified', verifiedAt: at });
    await r.reconcile();
    expect(await status(r, 'revocation-pending', revocation.id)).toBe('resolved');
  });

  it('reports break-glass use and an elevation still active past its window until reviewed and ended', async () => {
    rig = await startRig([safeMapping()]);
    const r = rig;
    const bob = await r.identity('bob');
    const ent = await r.entitlement('PAM-Finance-Users', { breakGlass: true });
    const a = await r.assign(bob, ent);
    const start = new Date(r.clock.now() - 120 * 60_000).toISOString();
    const end = new Date(r.clock.now() - 60 * 60_000).toISOString();
    const elevation: Elevation = {
      id: newId('elevation', r.clock.now(), random), connectorId: PAM, principal: 'bob', identityId: bob.id, target: { connectorId: PAM, kind: 'account', ref: 'db-root' },
      requestedMinutes: 60, requestedAt: start, decision: { outcome: 'allow', assignmentId: a.id, entitlementId: ent.id, breakGlass: true, windowEnd: end },
      status: 'active', windowStart: start, windowEnd: end, updatedAt: start,
    };
    await r.store.elevations.insert(elevation);
    await r.reconcile();
    expect(await r.store.findings.getByKey('elevation-overstay', elevation.id)).toMatchObject({ status: 'open', evidence: expect.objectContaining({ elevationStatus: 'active' }) });
    expect(await r.store.findings.getByKey('break-glass-unreviewed', elevation.id)).toMatchObject({ status: 'open', subject: expect.objectContaining({ entitlementId: ent.id }) });

    await r.store.elevations.update({ ...elevation, status: 'ended', endedAt: end });
    await r.reconcile();
    expect(await status(r, 'elevation-overstay', elevation.id)).toBe('resolved');
    expect(await status(r, 'break-glass-unreviewed', elevation.id)).toBe('open');
    const reviewed = await recordElevationReview(r.store, { elevationId: elevation.id, by: 'dana', note: 'incident INC-7, use confirmed', now: new Date(r.clock.now()).toISOString(), newId: () => newId('finding', r.clock.now(), random) });
    expect(reviewed).toEqual({ ok: true, value: { resolved: 1 } });
    expect(await status(r, 'break-glass-unreviewed', elevation.id)).toBe('resolved');
    expect((await r.store.ledger.listBySubject(elevation.id)).map((e) => [e.action, e.actor])).toEqual([['elevation.reviewed', 'dana']]);
    expect(await r.store.cursors.get(reviewedCursor(elevation.id))).toBeDefined();
    await r.reconcile();
    expect(await status(r, 'break-glass-unreviewed', elevation.id)).toBe('resolved');
  });
});
