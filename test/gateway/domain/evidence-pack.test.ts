import { describe, expect, it } from 'vitest';
import { buildEvidencePack, recommend } from '../../../gateway/domain/evidence-pack.ts';
import type { EntitlementId } from '../../../gateway/domain/ids.ts';
import { assignment, daysBefore, identity, NOW, session } from './domain-fixtures.ts';
import { OTHER, scenario } from './evidence-scenario.ts';

describe('buildEvidencePack', () => {
  it('holds exactly the facts of one entitlement', () => {
    const p = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, scenario, NOW);
    expect(p.title).toBe('Evidence pack: entitlement Prod DB admins');
    expect(p.entitlements.map((e) => e.id)).toEqual(['ent_DBA']);
    expect(p.assignments.map((a) => a.id)).toEqual(['asg_BOB_DBA', 'asg_OLD', 'asg_SVC']);
    expect(p.elevations.map((x) => x.id)).toEqual(['elv_1', 'elv_DENY']);
    expect(p.sessions.map((s) => s.id)).toEqual(['evd_1']);
    expect(p.revocations.map((r) => r.id)).toEqual(['rvk_1']);
    expect(p.findings.map((f) => f.id)).toEqual(['fnd_1', 'fnd_T']);
    expect(p.conflicts.map((c) => c.id)).toEqual(['cfl_1']);
    expect(p.ledger.map((l) => l.seq)).toEqual([1, 2, 4, 5, 6]);
    expect(p.summary).toMatchObject({ entitlements: 1, assignments: 3, activeAssignments: 2, elevationsAllowed: 1, elevationsDenied: 1, sessions: 1, revocationsVerified: 1, findingsOpen: 1, findingsResolved: 1, conflicts: 1 });
  });

  it('recommends revoking access unused for N days, keeping access in use', () => {
    const p = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, scenario, NOW, { unusedDays: 90 });
    expect(p.recommendations.map((r) => [r.assignmentId, r.action])).toEqual([['asg_BOB_DBA', 'keep'], ['asg_SVC', 'revoke']]);
    expect(p.recommendations[1]!.reason).toContain('never used in the 200 days');
    expect(p.assignments.find((a) => a.id === 'asg_SVC')).toMatchObject({ recommendation: 'revoke', userName: 'svc-etl', identityKind: 'service-account' });
    expect(p.summary['recommendRevoke']).toBe(1);
  });

  it('tags entitlements and collects every tag used with its title', () => {
    const p = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, scenario, NOW);
    expect(p.entitlements[0]!.tags).toEqual(expect.arrayContaining(['NIST-CSF-2.0:PR.AA-05', 'NIST-CSF-1.1:PR.AC-4', 'OWASP-NHI:NHI5']));
    expect(p.frameworkTags.map((t) => t.id)).toContain('OWASP-NHI:NHI7');
    expect(p.frameworkTags.find((t) => t.id === 'OWASP-NHI:NHI7')?.title).toBe('Long-Lived Secrets');
  });

  it('scopes by owner and by campaign', () => {
    const dave = buildEvidencePack({ kind: 'owner', owner: 'dave' }, scenario, NOW);
    expect(dave.entitlements.map((e) => e.id)).toEqual(['ent_OTHER']);
    expect(dave.elevations.map((x) => x.id)).toEqual(['elv_PAY']);
    expect(dave.conflicts.map((c) => c.id)).toEqual(['cfl_PAY']);
    expect(dave.ledger.map((l) => l.seq)).toEqual([3]);
    const campaign = buildEvidencePack({ kind: 'campaign', name: 'Q2', entitlementIds: ['ent_DBA', OTHER] as EntitlementId[] }, scenario, NOW);
    expect(campaign.title).toContain('Q2');
    expect(campaign.assignments).toHaveLength(4);
    expect(campaign.elevations.map((x) => x.id)).not.toContain('elv_ELSE');
  });

  it('keeps activity within a period when one is given', () => {
    const p = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, scenario, NOW, { period: { from: daysBefore(7), to: NOW } });
    expect(p.ledger.map((l) => l.seq)).toEqual([4, 5, 6]);
    expect(p.assignments).toHaveLength(3);
  });
});

describe('recommend', () => {
  const a = assignment({ approvedAt: daysBefore(100) });
  it.each([
    ['used recently', { lastUsedAt: daysBefore(5) }, [], 'keep'],
    ['last used long ago', { lastUsedAt: daysBefore(95) }, [], 'revoke'],
    ['a recent session counts as use', { lastUsedAt: daysBefore(95) }, [session({ startedAt: daysBefore(2), endedAt: daysBefore(2) })], 'keep'],
    ['never used, approved long ago', {}, [], 'revoke'],
    ['never used, approved recently', { approvedAt: daysBefore(10) }, [], 'keep'],
  ] as const)('%s → %s', (_n, over, sessions, action) => {
    expect(recommend({ ...a, ...over }, identity(), sessions, NOW, 90).action).toBe(action);
  });

  it('revokes when the holder is deactivated and asks for review of an ownerless NHI', () => {
    expect(recommend(a, identity({ active: false }), [], NOW, 90)).toMatchObject({ action: 'revoke', reason: expect.stringContaining('deactivated') });
    expect(recommend({ ...a, lastUsedAt: daysBefore(1) }, identity({ kind: 'workload' }), [], NOW, 90).action).toBe('review');
  });
});
