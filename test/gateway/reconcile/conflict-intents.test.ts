import { afterEach, describe, expect, it } from 'vitest';
import { applyResolution } from '../../../gateway/domain/conflict-resolution.ts';
import type { ResolutionAction } from '../../../gateway/domain/conflict.ts';
import { applyConflictIntents } from '../../../gateway/reconcile/conflict-intents.ts';
import { IGA, logger, member, PAM, random, type Rig, safeMapping, startRig } from './reconcile-harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MALLORY = `${PAM}/safe/Finance|mallory`;

/** A rig where mallory holds Finance at CyberArk unapproved, under drift propose: one open conflict. */
async function unapproved(): Promise<Rig> {
  rig = await startRig([safeMapping({ drift: 'propose' })], { igaOutbound: true });
  await rig.identity('mallory');
  await rig.assign(await rig.identity('bob'), await rig.entitlement('PAM-Finance-Users'));
  rig.fake.state.putMember('Finance', member('bob'));
  rig.fake.state.putMember('Finance', member('mallory'));
  await rig.reconcile();
  return rig;
}

async function resolve(r: Rig, action: ResolutionAction, exception?: { owner: string; reason: string; until: string }) {
  const conflict = (await r.store.conflicts.getByKey('pam-grant-unapproved', MALLORY))!;
  const now = new Date(r.clock.now()).toISOString();
  const planned = applyResolution(conflict, action, 'dana', `decided: ${action}`, now, exception);
  if (!planned.ok) throw new Error(planned.error.join('; '));
  const env = { clock: r.clock, random, logger, mappings: () => r.set, connectors: () => [{ id: PAM, kind: 'pam' as const, profile: 'cyberark', outbound: true }, { id: IGA, kind: 'iga' as const, profile: 'iga-webhook', outbound: true }] };
  return r.store.transaction(async (tx) => {
    await tx.conflicts.upsert(planned.value.conflict);
    return { conflict, ...(await applyConflictIntents(tx, env, planned.value.conflict, planned.value.intents)) };
  });
}

describe('carrying out conflict resolutions', () => {
  it('revoke: a verified revocation saga removes the grant at CyberArk; the ledger says who and why', async () => {
    const r = await unapproved();
    const { conflict, applied } = await resolve(r, 'revoke');
    expect(applied.map((a) => a.kind)).toEqual(['revoke']);
    await r.settle(async () => (await r.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 5 })).items.some((x) => x.cause === 'conflict-resolution'));
    expect(r.fake.state.memberNames('Finance')).toEqual(['bob']);
    const entry = (await r.store.ledger.listBySubject(conflict.id)).find((e) => e.action === 'conflict.resolved');
    expect(entry).toMatchObject({ actor: 'dana', data: expect.objectContaining({ action: 'revoke', reason: 'decided: revoke', applied: [expect.stringMatching(/^revocation rvk_/)] }) });
    expect((await r.store.conflicts.get(conflict.id))?.status).toBe('resolved');
    await r.reconcile();
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY))?.status).toBe('resolved');
  });

  it('pam-wins: proposes the access to the IGA connector with the event and subject its profile needs', async () => {
    const r = await unapproved();
    const { applied } = await resolve(r, 'pam-wins');
    expect(applied).toEqual([expect.objectContaining({ kind: 'propose-to-iga', detail: expect.stringContaining(`via ${IGA}`) })]);
    const queued = (await r.store.outbox.list({ connectorId: IGA }, { startIndex: 1, count: 10 })).items.filter((m) => m.idempotencyKey.startsWith('conflict:'));
    expect(queued).toEqual([expect.objectContaining({ action: 'notify-iga', payload: expect.objectContaining({ event: 'access.proposed', subject: expect.stringMatching(/^idn_/) }) })]);
    expect(r.fake.state.memberNames('Finance')).toEqual(['bob', 'mallory']);
  });

  it('exception: the finding is excepted with its owner and reason until the expiry, then open again', async () => {
    const r = await unapproved();
    const until = new Date(r.clock.now() + 3_600_000).toISOString();
    const { applied } = await resolve(r, 'exception', { owner: 'carol', reason: 'audit tooling', until });
    expect(applied[0]?.detail).toContain('1 finding(s) excepted');
    const f = await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY);
    expect(f).toMatchObject({ status: 'excepted', exceptionUntil: until, evidence: expect.objectContaining({ exceptionOwner: 'carol' }) });
    expect((await r.store.ledger.listBySubject(f!.id)).map((e) => e.action)).toContain('finding.excepted');
    r.clock.advance(2 * 3_600_000);
    await r.reconcile();
    expect((await r.store.findings.getByKey('pam-grant-without-entitlement', MALLORY))?.status).toBe('open');
  });
});
