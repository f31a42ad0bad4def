/**
 * Elevation overstay in the full pass for elevations that already ended: the sync engine decides the elevation,
 * records the session and ends the window (none of which raises `elevation-overstay`); the next full run finds
 * the session that ran past the window because it reads the elevations ended since the previous run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../gateway/domain/ids.ts';
import { recordElevationReview } from '../../../gateway/findings/elevation-review.ts';
import { ENDED_LOOK_BACK_MS } from '../../../gateway/reconcile/governance-pass.ts';
import { LAST_RUN_CURSOR } from '../../../gateway/reconcile/reconcile-run.ts';
import { IGA, PAM, random, type Rig, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MIN = 60_000;

const jitMapping = [
  'apiVersion: lockstep.dev/v1', 'kind: EntitlementMapping', 'name: jit-safes',
  'match:', `  connector: ${IGA}`, "  name: { regex: '^JIT-(?<safe>[A-Za-z0-9_]+)$' }",
  'targets:', `  - connector: ${PAM}`, '    kind: safe', "    ref: '{{ $captures.safe }}'", '    permissions: [listAccounts, useAccounts]',
  'access:', '  mode: jit', '  maxDuration: 2h', '  requireOwner: true',
  'drift: alert', 'conflict: manual', '',
].join('\n');

const iso = (r: Rig, offsetMs = 0) => new Date(r.clock.now() + offsetMs).toISOString();

/** A PAM event as the inbox processor hands it to the engine (normalised). */
async function pamEvent(r: Rig, event: Record<string, unknown>): Promise<void> {
  await r.store.events.append({
    type: 'pam.event', subject: `pam:${String(event['type'])}`, actor: `connector:${PAM}`,
    payload: { stage: 'normalised', event: { connectorId: PAM, attributes: {}, ...event } }, occurredAt: iso(r),
  });
  while ((await r.sync.runOnce()) > 0);
}

describe('elevation overstay of elevations that already ended', () => {
  it('a full run raises it from a session that ran past the window of an elevation ended since the previous run; a review closes it', async () => {
    rig = await startRig([jitMapping]);
    const r = rig;
    const bob = await r.identity('bob');
    await r.assign(bob, await r.entitlement('JIT-Finance'));
    await r.reconcile();
    const previousRun = await r.store.cursors.get(LAST_RUN_CURSOR);
    expect(previousRun).toBe(iso(r));

    r.clock.advance(MIN);
    await pamEvent(r, { type: 'elevation.requested', occurredAt: iso(r), principal: 'bob', target: { kind: 'safe', ref: 'Finance' }, durationMinutes: 30 });
    const [elevation] = await r.store.elevations.listByIdentity(bob.id);
    expect(elevation).toMatchObject({ status: 'active', decision: { outcome: 'allow' }, windowEnd: iso(r, 30 * MIN) });

    r.clock.advance(4 * MIN);
    const session = { target: { kind: 'account', ref: 'Finance/db-root' }, principal: 'bob', externalId: 'psm-7', attributes: { safe: 'Finance' } };
    await pamEvent(r, { type: 'session.started', occurredAt: iso(r), ...session });
    r.clock.advance(36 * MIN);
    await r.sync.runTimers();
    expect((await r.store.elevations.get(elevation!.id))?.status).toBe('expired');
    const endedAt = iso(r, 5 * MIN);
    await pamEvent(r, { type: 'session.ended', occurredAt: endedAt, ...session });
    const recorded = await r.store.evidence.getByExternalId(PAM, 'psm-7');
    expect(recorded).toMatchObject({ elevationId: elevation!.id, endedAt });
    // The engine raised no overstay finding along the way: only the full pass can.
    expect(await r.store.findings.getByKey('elevation-overstay', elevation!.id)).toBeUndefined();

    r.clock.advance(10 * MIN);
    const report = await r.reconcile();
    expect(report.findings.opened).toBe(1);
    const finding = await r.store.findings.getByKey('elevation-overstay', elevation!.id);
    expect(finding).toMatchObject({
      status: 'open', severity: 'high', subject: { elevationId: elevation!.id, principal: 'bob', identityId: bob.id },
      evidence: { elevationStatus: 'expired', windowEnd: elevation!.windowEnd, openSessions: [], lateSessions: [{ externalId: 'psm-7', endedAt }] },
    });
    expect((await r.store.ledger.listBySubject(finding!.id)).map((e) => e.action)).toEqual(['finding.opened']);

    // The next run (its previous run is now after the window) keeps it: a live finding is always checked.
    r.clock.advance(15 * MIN);
    expect((await r.reconcile()).findings.resolved).toBe(0);
    expect((await r.store.findings.getByKey('elevation-overstay', elevation!.id))?.status).toBe('open');

    const reviewed = await recordElevationReview(r.store, { elevationId: elevation!.id, by: 'dana', note: 'late PSM disconnect, INC-9', now: iso(r), newId: () => newId('finding', r.clock.now(), random) });
    expect(reviewed).toEqual({ ok: true, value: { resolved: 1 } });
    expect((await r.store.findings.getByKey('elevation-overstay', elevation!.id))?.status).toBe('resolved');
    r.clock.advance(15 * MIN);
    await r.reconcile();
    expect((await r.store.findings.getByKey('elevation-overstay', elevation!.id))?.status).toBe('resolved');
  });

  it('looks back a day at least, so a late session report after the next run is still seen, and no further when runs are recent', async () => {
    rig = await startRig([jitMapping]);
    const r = rig;
    const bob = await r.identity('bob');
    await r.assign(bob, await r.entitlement('JIT-Finance'));
    await pamEvent(r, { type: 'elevation.requested', occurredAt: iso(r), principal: 'bob', target: { kind: 'safe', ref: 'Finance' }, durationMinutes: 30 });
    const [elevation] = await r.store.elevations.listByIdentity(bob.id);
    const session = { target: { kind: 'account', ref: 'Finance/db-root' }, principal: 'bob', externalId: 'psm-8', attributes: { safe: 'Finance' } };
    await pamEvent(r, { type: 'session.started', occurredAt: iso(r, MIN), ...session });
    r.clock.advance(33 * MIN);
    await r.sync.runTimers();
    // The session was still open, but its end was reported only after a run had passed.
    await r.store.evidence.upsert({ ...(await r.store.evidence.getByExternalId(PAM, 'psm-8'))!, endedAt: iso(r) });
    r.clock.advance(3 * 3_600_000);
    await r.reconcile();
    r.clock.advance(15 * MIN);
    await r.store.findings.upsert({ ...(await r.store.findings.getByKey('elevation-overstay', elevation!.id))!, status: 'resolved', resolvedAt: iso(r) });
    r.clock.advance(MIN);
    await r.reconcile();
    expect((await r.store.findings.getByKey('elevation-overstay', elevation!.id))?.status).toBe('open');

    // Past the look-back, with a recent previous run, the ended elevation is no longer read.
    await r.store.findings.upsert({ ...(await r.store.findings.getByKey('elevation-overstay', elevation!.id))!, status: 'resolved', resolvedAt: iso(r) });
    r.clock.advance(ENDED_LOOK_BACK_MS);
    await r.reconcile();
    expect((await r.store.findings.getByKey('elevation-overstay', elevation!.id))?.status).toBe('resolved');
  });
});
