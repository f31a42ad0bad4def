import { describe, expect, it } from 'vitest';
import type { DesiredFinding } from '../../../gateway/domain/desired-finding.ts';
import type { FindingFacts } from '../../../gateway/domain/finding-rules.ts';
import {
  breakGlassUnreviewed, elevationOverstay, entitlementWithoutOwner, evaluateFindings, grantWithoutEntitlement, mappingUnresolved,
  nhiInteractiveSession, nhiStaticSecretStale, nhiWithoutOwner, revocationPending, reviewOverdue,
} from '../../../gateway/domain/finding-rules.ts';
import type { EntitlementId, IdentityId } from '../../../gateway/domain/ids.ts';
import { allow, daysBefore, elevation, entitlement, grant, identity, minutesAfter, NOW, revocation, session } from './domain-fixtures.ts';

const svc = identity({ id: 'idn_SVC' as IdentityId, userName: 'svc-backup', kind: 'service-account', owner: 'alice' });
const agent = identity({ id: 'idn_AI' as IdentityId, userName: 'agent-7', kind: 'ai-agent' });

describe('each finding rule: raised when the cause holds, absent otherwise', () => {
  const cases: { name: string; raised: DesiredFinding | undefined; clear: DesiredFinding | undefined; kind: string; key: string; severity: string }[] = [
    { name: 'grant without entitlement', raised: grantWithoutEntitlement(grant(), [], identity()), clear: grantWithoutEntitlement(grant(), ['asg_BOB_DBA']),
      kind: 'pam-grant-without-entitlement', key: 'cyberark/safe/PROD-DB|bob', severity: 'high' },
    { name: 'grant of an unknown principal', raised: grantWithoutEntitlement(grant({ principal: 'ghost' }), []), clear: grantWithoutEntitlement(grant({ status: 'removed' }), []),
      kind: 'pam-grant-without-entitlement', key: 'cyberark/safe/PROD-DB|ghost', severity: 'critical' },
    { name: 'revocation past grace', raised: revocationPending(revocation({ createdAt: minutesAfter(-5) }), NOW, 60), clear: revocationPending(revocation({ createdAt: minutesAfter(-0.5) }), NOW, 60),
      kind: 'revocation-pending', key: 'rvk_1', severity: 'high' },
    { name: 'revocation failed (no grace)', raised: revocationPending(revocation({ status: 'failed', createdAt: NOW }), NOW, 60), clear: revocationPending(revocation({ status: 'verified', createdAt: daysBefore(1) }), NOW, 60),
      kind: 'revocation-pending', key: 'rvk_1', severity: 'critical' },
    { name: 'entitlement without owner', raised: entitlementWithoutOwner(entitlement({ governance: { owner: undefined } })), clear: entitlementWithoutOwner(entitlement()),
      kind: 'entitlement-without-owner', key: 'ent_DBA', severity: 'high' },
    { name: 'review overdue', raised: reviewOverdue(entitlement({ governance: { lastCertifiedAt: daysBefore(100), riskTier: 'low' } }), NOW), clear: reviewOverdue(entitlement(), NOW),
      kind: 'review-overdue', key: 'ent_DBA', severity: 'medium' },
    { name: 'review overdue by mapping limit', raised: reviewOverdue(entitlement({ governance: { riskTier: 'low' } }), NOW, 7), clear: reviewOverdue(entitlement({ governance: { reviewCadenceDays: undefined } }), NOW),
      kind: 'review-overdue', key: 'ent_DBA', severity: 'medium' },
    { name: 'elevation still active after window', raised: elevationOverstay(elevation({ status: 'active' }), [], NOW, 60), clear: elevationOverstay(elevation({ status: 'ended' }), [], NOW, 60),
      kind: 'elevation-overstay', key: 'elv_1', severity: 'high' },
    { name: 'session still open after window', raised: elevationOverstay(elevation(), [session({ endedAt: undefined })], NOW, 60), clear: elevationOverstay(elevation({ status: 'active', windowEnd: minutesAfter(30) }), [session({ endedAt: undefined })], NOW, 60),
      kind: 'elevation-overstay', key: 'elv_1', severity: 'high' },
    { name: 'session ended after window', raised: elevationOverstay(elevation(), [session({ endedAt: minutesAfter(-10) })], NOW, 60), clear: elevationOverstay(elevation(), [session({ endedAt: minutesAfter(-10) })], NOW, 60, { reviewed: true }),
      kind: 'elevation-overstay', key: 'elv_1', severity: 'high' },
    { name: 'break-glass unreviewed', raised: breakGlassUnreviewed(elevation({ decision: allow({ breakGlass: true }) }), undefined), clear: breakGlassUnreviewed(elevation({ decision: allow({ breakGlass: true }) }), NOW),
      kind: 'break-glass-unreviewed', key: 'elv_1', severity: 'high' },
    { name: 'nhi without owner', raised: nhiWithoutOwner({ ...svc, owner: undefined }), clear: nhiWithoutOwner(svc),
      kind: 'nhi-without-owner', key: 'idn_SVC', severity: 'high' },
    { name: 'ai agent without owner', raised: nhiWithoutOwner(agent), clear: nhiWithoutOwner(identity()),
      kind: 'nhi-without-owner', key: 'idn_AI', severity: 'critical' },
    { name: 'static secret stale', raised: nhiStaticSecretStale(svc, { lastRotatedAt: daysBefore(31), maxAgeDays: 30 }, NOW), clear: nhiStaticSecretStale(svc, { lastRotatedAt: daysBefore(29), maxAgeDays: 30 }, NOW),
      kind: 'nhi-static-secret-stale', key: 'idn_SVC', severity: 'medium' },
    { name: 'static secret never rotated, per credential', raised: nhiStaticSecretStale(svc, { ref: 'vault:kv/backup', maxAgeDays: 30 }, NOW), clear: nhiStaticSecretStale(identity(), { maxAgeDays: 30 }, NOW),
      kind: 'nhi-static-secret-stale', key: 'idn_SVC|vault:kv/backup', severity: 'high' },
    { name: 'interactive session on a service account', raised: nhiInteractiveSession(session({ identityId: svc.id }), svc), clear: nhiInteractiveSession(session({ interactive: false }), svc),
      kind: 'nhi-interactive-session', key: 'cyberark/psm-1', severity: 'high' },
    { name: 'mapping unresolved', raised: mappingUnresolved(entitlement(), 'no rule matches', 3), clear: mappingUnresolved(entitlement({ deletedAt: NOW }), 'x', 3),
      kind: 'mapping-unresolved', key: 'ent_DBA', severity: 'high' },
  ];
  it.each(cases)('$name', ({ raised, clear, kind, key, severity }) => {
    expect(raised).toMatchObject({ kind, key, severity });
    expect(raised!.summary.length).toBeGreaterThan(10);
    expect(raised!.tags.length).toBeGreaterThan(0);
    expect(Object.values(raised!.subject).every((v) => typeof v === 'string')).toBe(true);
    expect(clear).toBeUndefined();
  });

  it('puts the evidence behind each finding in it', () => {
    expect(grantWithoutEntitlement(grant(), [])!.evidence).toMatchObject({ permissions: ['listAccounts', 'useAccounts'], identityKnown: false });
    expect(nhiStaticSecretStale(svc, { lastRotatedAt: daysBefore(40), maxAgeDays: 30 }, NOW)!.evidence).toMatchObject({ ageDays: 40, maxAgeDays: 30 });
    expect(reviewOverdue(entitlement({ governance: { lastCertifiedAt: daysBefore(100) } }), NOW)!.evidence).toMatchObject({ daysLate: 10 });
  });

  it('ignores denied elevations, humans on interactive sessions, and deactivated NHIs', () => {
    expect(elevationOverstay(elevation({ status: 'active', decision: { outcome: 'deny', reasons: [] } }), [], NOW, 0)).toBeUndefined();
    expect(nhiInteractiveSession(session(), identity())).toBeUndefined();
    expect(nhiWithoutOwner({ ...svc, owner: undefined, active: false })).toBeUndefined();
  });
});

describe('evaluateFindings over a snapshot', () => {
  it('produces exactly the findings the facts call for, with tags by subject kind', () => {
    const facts: FindingFacts = {
      identities: [identity(), { ...svc, owner: undefined }, agent],
      entitlements: [entitlement({ governance: { owner: undefined } }), entitlement({ id: 'ent_OK' as EntitlementId })],
      grants: [{ grant: grant({ principal: 'agent-7' }), approvals: [], identityId: agent.id }, { grant: grant({ principal: 'bob' }), approvals: ['asg_BOB_DBA'] }],
      revocations: [revocation({ createdAt: minutesAfter(-30), identityId: svc.id })],
      elevations: [{ elevation: elevation({ decision: allow({ breakGlass: true }) }), sessions: [] }],
      sessions: [{ session: session({ identityId: svc.id }) }, { session: session({ externalId: 'psm-2', identityId: svc.id }), reviewed: true }],
      mappingErrors: [{ entitlementId: 'ent_OK' as EntitlementId, error: 'target ref missing', activeAssignments: 0 }],
      credentials: [{ identityId: svc.id, maxAgeDays: 30 }],
    };
    const found = evaluateFindings(facts, NOW);
    expect(found.map((f) => `${f.kind}:${f.key}`).sort()).toEqual([
      'break-glass-unreviewed:elv_1',
      'entitlement-without-owner:ent_DBA',
      'mapping-unresolved:ent_OK',
      'nhi-interactive-session:cyberark/psm-1',
      'nhi-static-secret-stale:idn_SVC',
      'nhi-without-owner:idn_AI',
      'nhi-without-owner:idn_SVC',
      'pam-grant-without-entitlement:cyberark/safe/PROD-DB|agent-7',
      'revocation-pending:rvk_1',
    ]);
    const byKey = new Map(found.map((f) => [`${f.kind}:${f.key}`, f]));
    expect(byKey.get('pam-grant-without-entitlement:cyberark/safe/PROD-DB|agent-7')!.tags).toEqual(expect.arrayContaining(['NIST-AI-RMF:GOVERN-1.6', 'OWASP-NHI:NHI5']));
    expect(byKey.get('revocation-pending:rvk_1')!.tags).toContain('OWASP-NHI:NHI1');
    expect(byKey.get('break-glass-unreviewed:elv_1')!.tags.some((t) => t.startsWith('OWASP'))).toBe(false);
  });
});
