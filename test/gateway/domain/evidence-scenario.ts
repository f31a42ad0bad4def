/** A seeded scenario of two entitlements and their facts, for evidence pack tests. */
import type { EvidenceFacts } from '../../../gateway/domain/evidence-pack.ts';
import type { AssignmentId, ConflictId, ElevationId, EntitlementId, EvidenceId, FindingId, IdentityId, RevocationId } from '../../../gateway/domain/ids.ts';
import type { LedgerEntry } from '../../../gateway/domain/ledger-entry.ts';
import { allow, assignment, conflict, daysBefore, elevation, entitlement, finding, identity, NOW, revocation, session, target } from './domain-fixtures.ts';

export const OTHER = 'ent_OTHER' as EntitlementId;
const ledger = (seq: number, subject: string): LedgerEntry => ({ seq, at: daysBefore(10 - seq), actor: 'engine', action: 'x', subject, data: {}, prevHash: '0', hash: `h${seq}` });

export const scenario: EvidenceFacts = {
  entitlements: [entitlement(), entitlement({ id: OTHER, displayName: 'Payroll', governance: { owner: 'dave' } })],
  identities: [identity(), identity({ id: 'idn_SVC' as IdentityId, userName: 'svc-etl', kind: 'service-account', owner: 'alice' }), identity({ id: 'idn_CAROL' as IdentityId, userName: 'carol' })],
  assignments: [
    assignment({ lastUsedAt: daysBefore(3), sessionCount: 4 }),
    assignment({ id: 'asg_SVC' as AssignmentId, identityId: 'idn_SVC' as IdentityId, approvedAt: daysBefore(200) }),
    assignment({ id: 'asg_OLD' as AssignmentId, identityId: 'idn_CAROL' as IdentityId, status: 'removed', endedAt: daysBefore(20) }),
    assignment({ id: 'asg_CAROL_PAY' as AssignmentId, identityId: 'idn_CAROL' as IdentityId, entitlementId: OTHER }),
  ],
  elevations: [
    elevation(),
    elevation({ id: 'elv_DENY' as ElevationId, decision: { outcome: 'deny', reasons: [{ code: 'no-matching-assignment', detail: 'none' }] }, status: 'denied', principal: 'eve' }),
    elevation({ id: 'elv_PAY' as ElevationId, target: target('PAYROLL'), decision: allow({ entitlementId: OTHER, assignmentId: 'asg_CAROL_PAY' as AssignmentId }) }),
    elevation({ id: 'elv_ELSE' as ElevationId, target: target('ELSEWHERE'), decision: { outcome: 'deny', reasons: [] }, status: 'denied' }),
  ],
  sessions: [
    session({ assignmentId: 'asg_BOB_DBA' as AssignmentId, elevationId: 'elv_1' as ElevationId }),
    session({ id: 'evd_PAY' as EvidenceId, externalId: 'psm-9', assignmentId: 'asg_CAROL_PAY' as AssignmentId }),
  ],
  revocations: [revocation({ assignmentId: 'asg_OLD' as AssignmentId, status: 'verified' }), revocation({ id: 'rvk_PAY' as RevocationId, entitlementId: OTHER, assignmentId: 'asg_CAROL_PAY' as AssignmentId })],
  findings: [
    finding({ tags: ['OWASP-NHI:NHI7'] }),
    finding({ id: 'fnd_T' as FindingId, kind: 'pam-grant-without-entitlement', key: 'k', subject: { target: 'cyberark/safe/PROD-DB', principal: 'eve' }, status: 'resolved' }),
    finding({ id: 'fnd_PAY' as FindingId, subject: { entitlementId: OTHER } }),
  ],
  conflicts: [
    conflict({ subject: { target: 'cyberark/safe/PROD-DB' }, status: 'resolved', resolution: { action: 'exception', by: 'carol', reason: 'r', at: NOW, owner: 'alice', until: '2026-07-01T00:00:00.000Z' } }),
    conflict({ id: 'cfl_PAY' as ConflictId, subject: { target: 'cyberark/safe/PAYROLL' } }),
  ],
  ledger: [ledger(1, 'ent_DBA'), ledger(2, 'asg_SVC'), ledger(3, 'ent_OTHER'), ledger(4, 'fnd_1'), ledger(5, 'cfl_1'), ledger(6, 'elv_1')],
  targets: new Map([['ent_DBA' as EntitlementId, [target('PROD-DB')]], [OTHER, [target('PAYROLL')]]]),
};

