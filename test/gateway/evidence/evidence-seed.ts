/**
 * A seeded recertification scenario in a real SQLite store: entitlement `PAM-Finance-Users` (in scope) with
 * three holders (bob used it yesterday, carol never in 120 days, dave removed and revoked), an elevation with a
 * session, a finding and a conflict about it, ledger entries; and an unrelated entitlement with its own facts
 * that no pack of the first may contain.
 */
import type { Store } from '../../../gateway/store/store.ts';
import type { Assignment } from '../../../gateway/domain/assignment.ts';
import type { Conflict } from '../../../gateway/domain/conflict.ts';
import type { Elevation } from '../../../gateway/domain/elevation.ts';
import type { Entitlement } from '../../../gateway/domain/entitlement.ts';
import type { Finding } from '../../../gateway/domain/finding.ts';
import type { Identity } from '../../../gateway/domain/identity.ts';
import type { AssignmentId, ConflictId, ElevationId, EntitlementId, EvidenceId, FindingId, IdentityId, RevocationId } from '../../../gateway/domain/ids.ts';
import type { Revocation } from '../../../gateway/domain/revocation.ts';
import type { SessionEvidence } from '../../../gateway/domain/session-evidence.ts';

export const NOW = new Date().toISOString();
const daysAgo = (d: number): string => new Date(Date.parse(NOW) - d * 86_400_000).toISOString();

const id = <T extends string>(prefix: string, tail: string): T => `${prefix}_${tail.padEnd(26, '0')}` as T;
export const IDS = {
  finance: id<EntitlementId>('ent', 'FINANCE'), hr: id<EntitlementId>('ent', 'HR'),
  bob: id<IdentityId>('idn', 'BOB'), carol: id<IdentityId>('idn', 'CAROL'), dave: id<IdentityId>('idn', 'DAVE'), erin: id<IdentityId>('idn', 'ERIN'),
  asgBob: id<AssignmentId>('asg', 'BOB'), asgCarol: id<AssignmentId>('asg', 'CAROL'), asgDave: id<AssignmentId>('asg', 'DAVE'), asgErin: id<AssignmentId>('asg', 'ERIN'),
  elevation: id<ElevationId>('elv', 'BOB'), elevationErin: id<ElevationId>('elv', 'ERIN'), session: id<EvidenceId>('evd', 'BOB'),
  revocation: id<RevocationId>('rvk', 'DAVE'), findingReview: id<FindingId>('fnd', 'REVIEW'), findingGrant: id<FindingId>('fnd', 'GRANT'), findingHr: id<FindingId>('fnd', 'HR'),
  conflict: id<ConflictId>('cfl', 'FINANCE'), conflictHr: id<ConflictId>('cfl', 'HR'),
};

function identity(i: IdentityId, userName: string, over: Partial<Identity> = {}): Identity {
  return { id: i, connectorId: 'sailpoint', userName, kind: 'human', active: true, resource: {}, version: 1, createdAt: daysAgo(400), updatedAt: daysAgo(400), ...over };
}
function entitlement(e: EntitlementId, displayName: string, owner: string): Entitlement {
  return {
    id: e, connectorId: 'sailpoint', displayName, resource: {}, version: 1, createdAt: daysAgo(400), updatedAt: daysAgo(400),
    governance: { owner, reviewCadenceDays: 90, lastCertifiedAt: daysAgo(100), riskTier: 'high', breakGlass: false, nonHuman: false },
  };
}
function assignment(a: AssignmentId, e: EntitlementId, i: IdentityId, over: Partial<Assignment> = {}): Assignment {
  return { id: a, connectorId: 'sailpoint', entitlementId: e, identityId: i, approver: 'alice', approvedAt: daysAgo(120), ticket: 'CHG-1', status: 'active', sessionCount: 0, updatedAt: daysAgo(120), ...over };
}

export async function seedEvidenceScenario(store: Store): Promise<void> {
  const finance = { connectorId: 'cyberark-prod', kind: 'safe' as const, ref: 'Finance' };
  await store.entitlements.insert(entitlement(IDS.finance, 'PAM-Finance-Users', 'alice'));
  await store.entitlements.insert(entitlement(IDS.hr, 'PAM-HR-Users', 'zoe'));
  for (const [i, n] of [[IDS.bob, 'bob'], [IDS.carol, 'carol'], [IDS.dave, 'dave'], [IDS.erin, 'erin']] as const) await store.identities.insert(identity(i, n));
  await store.assignments.insert(assignment(IDS.asgBob, IDS.finance, IDS.bob, { lastUsedAt: daysAgo(1), sessionCount: 1 }));
  await store.assignments.insert(assignment(IDS.asgCarol, IDS.finance, IDS.carol));
  await store.assignments.insert(assignment(IDS.asgDave, IDS.finance, IDS.dave, { status: 'removed', endedAt: daysAgo(5), endedBy: 'scim:sailpoint' }));
  await store.assignments.insert(assignment(IDS.asgErin, IDS.hr, IDS.erin));
  const elevation = (x: ElevationId, i: IdentityId, a: AssignmentId, e: EntitlementId, who: string): Elevation => ({
    id: x, connectorId: 'cyberark-prod', principal: who, identityId: i, target: finance, requestedMinutes: 30, requestedAt: daysAgo(1),
    decision: { outcome: 'allow', assignmentId: a, entitlementId: e, breakGlass: false, windowEnd: daysAgo(0.9) }, status: 'ended', updatedAt: daysAgo(0.9),
  });
  await store.elevations.insert(elevation(IDS.elevation, IDS.bob, IDS.asgBob, IDS.finance, 'bob'));
  await store.elevations.insert(elevation(IDS.elevationErin, IDS.erin, IDS.asgErin, IDS.hr, 'erin'));
  const session: SessionEvidence = {
    id: IDS.session, connectorId: 'cyberark-prod', externalId: 'psm-77', kind: 'session', principal: 'bob', identityId: IDS.bob, target: finance,
    elevationId: IDS.elevation, assignmentId: IDS.asgBob, entitlementId: IDS.finance, interactive: true, startedAt: daysAgo(1), endedAt: daysAgo(0.95), attributes: {},
  };
  await store.evidence.upsert(session);
  const revocation: Revocation = {
    id: IDS.revocation, cause: 'iga-member-removed', direction: 'iga-to-pam', identityId: IDS.dave, entitlementId: IDS.finance, assignmentId: IDS.asgDave,
    status: 'verified', steps: [{ name: 'revoke:cyberark-prod/safe/Finance|dave', connectorId: 'cyberark-prod', status: 'verified', at: daysAgo(5) }],
    requestedBy: 'scim:sailpoint', createdAt: daysAgo(5), updatedAt: daysAgo(5), verifiedAt: daysAgo(5),
  };
  await store.revocations.insert(revocation);
  const finding = (f: FindingId, kind: Finding['kind'], key: string, subject: Record<string, string>): Finding => ({
    id: f, kind, key, severity: 'high', subject, summary: `${kind} ${key}`, status: 'open', evidence: {}, tags: ['NIST-CSF-2.0:PR.AA-05', 'NIST-CSF-1.1:PR.AC-4'],
    firstSeenAt: daysAgo(2), lastSeenAt: daysAgo(1),
  });
  await store.findings.upsert(finding(IDS.findingReview, 'review-overdue', IDS.finance, { entitlementId: IDS.finance, connectorId: 'sailpoint' }));
  await store.findings.upsert(finding(IDS.findingGrant, 'pam-grant-without-entitlement', 'cyberark-prod/safe/Finance|mallory', { connectorId: 'cyberark-prod', target: 'cyberark-prod/safe/Finance', principal: 'mallory' }));
  await store.findings.upsert(finding(IDS.findingHr, 'review-overdue', IDS.hr, { entitlementId: IDS.hr, connectorId: 'sailpoint' }));
  const conflict = (c: ConflictId, key: string, subject: Record<string, string>): Conflict => ({
    id: c, kind: 'pam-grant-unapproved', key, subject, summary: `conflict ${key}`, details: {}, status: 'resolved', createdAt: daysAgo(2), updatedAt: daysAgo(1),
    resolution: { action: 'revoke', by: 'dana', reason: 'not approved', at: daysAgo(1) },
  });
  await store.conflicts.upsert(conflict(IDS.conflict, 'cyberark-prod/safe/Finance|mallory', { connectorId: 'cyberark-prod', target: 'cyberark-prod/safe/Finance', principal: 'mallory' }));
  await store.conflicts.upsert(conflict(IDS.conflictHr, 'cyberark-prod/safe/HR|eve', { connectorId: 'cyberark-prod', target: 'cyberark-prod/safe/HR', principal: 'eve' }));
  for (const [subject, action] of [[IDS.asgBob, 'sync.approve.granting'], [IDS.revocation, 'revocation.verified'], [IDS.conflict, 'conflict.resolved'], [IDS.asgErin, 'sync.approve.granting'], [IDS.findingHr, 'finding.opened']] as const) {
    await store.ledger.append({ at: daysAgo(1), actor: 'lockstep:sync', action, subject, data: { note: subject } });
  }
}
