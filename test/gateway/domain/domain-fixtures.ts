/** Builders of canonical records for the pure domain tests: valid defaults, overridden per case. */
import type { Assignment } from '../../../gateway/domain/assignment.ts';
import type { Conflict } from '../../../gateway/domain/conflict.ts';
import type { Elevation, ElevationDecision } from '../../../gateway/domain/elevation.ts';
import type { Entitlement, Governance } from '../../../gateway/domain/entitlement.ts';
import type { Finding } from '../../../gateway/domain/finding.ts';
import type { Grant, PamTarget } from '../../../gateway/domain/grant.ts';
import type { Identity } from '../../../gateway/domain/identity.ts';
import type { AssignmentId, ConflictId, ElevationId, EntitlementId, EvidenceId, FindingId, GrantId, IdentityId, RevocationId } from '../../../gateway/domain/ids.ts';
import type { Revocation } from '../../../gateway/domain/revocation.ts';
import type { SessionEvidence } from '../../../gateway/domain/session-evidence.ts';

export const NOW = '2026-06-01T12:00:00.000Z';
export const LONG_AGO = '2026-01-01T00:00:00.000Z';

export const daysBefore = (days: number, from = NOW): string => new Date(Date.parse(from) - days * 86_400_000).toISOString();
export const minutesAfter = (minutes: number, from = NOW): string => new Date(Date.parse(from) + minutes * 60_000).toISOString();

export const target = (ref = 'PROD-DB', connectorId = 'cyberark'): PamTarget => ({ connectorId, kind: 'safe', ref });

export function identity(over: Partial<Identity> = {}): Identity {
  return {
    id: 'idn_BOB' as IdentityId, connectorId: 'entra', userName: 'bob', kind: 'human', active: true, resource: {},
    version: 1, createdAt: LONG_AGO, updatedAt: LONG_AGO, ...over,
  };
}

export function entitlement(over: Partial<Omit<Entitlement, 'governance'>> & { governance?: Partial<Governance> } = {}): Entitlement {
  const { governance, ...rest } = over;
  return {
    id: 'ent_DBA' as EntitlementId, connectorId: 'entra', displayName: 'Prod DB admins', resource: {}, version: 1,
    createdAt: LONG_AGO, updatedAt: LONG_AGO,
    governance: {
      owner: 'alice', reviewCadenceDays: 90, lastCertifiedAt: daysBefore(10), riskTier: 'high', jitMaxMinutes: 120,
      breakGlass: false, nonHuman: false, ...governance,
    },
    ...rest,
  };
}

export function assignment(over: Partial<Assignment> = {}): Assignment {
  return {
    id: 'asg_BOB_DBA' as AssignmentId, connectorId: 'entra', entitlementId: 'ent_DBA' as EntitlementId, identityId: 'idn_BOB' as IdentityId,
    approver: 'alice', approvedAt: daysBefore(30), status: 'active', sessionCount: 0, updatedAt: daysBefore(30), ...over,
  };
}

export function grant(over: Partial<Grant> = {}): Grant {
  return {
    id: 'grt_1' as GrantId, target: target(), principal: 'bob', permissions: ['listAccounts', 'useAccounts'], mode: 'standing',
    source: 'observed', status: 'active', observedAt: daysBefore(1), updatedAt: daysBefore(1), ...over,
  };
}

export const allow = (over: Partial<Extract<ElevationDecision, { outcome: 'allow' }>> = {}): ElevationDecision => ({
  outcome: 'allow', assignmentId: 'asg_BOB_DBA' as AssignmentId, entitlementId: 'ent_DBA' as EntitlementId, breakGlass: false,
  windowEnd: minutesAfter(-30), ...over,
});

export function elevation(over: Partial<Elevation> = {}): Elevation {
  return {
    id: 'elv_1' as ElevationId, connectorId: 'cyberark', principal: 'bob', identityId: 'idn_BOB' as IdentityId, target: target(),
    requestedMinutes: 30, requestedAt: minutesAfter(-60), decision: allow(), status: 'ended', windowStart: minutesAfter(-60),
    windowEnd: minutesAfter(-30), updatedAt: minutesAfter(-30), ...over,
  };
}

export function session(over: Partial<SessionEvidence> = {}): SessionEvidence {
  return {
    id: 'evd_1' as EvidenceId, connectorId: 'cyberark', externalId: 'psm-1', kind: 'session', principal: 'bob',
    identityId: 'idn_BOB' as IdentityId, target: target(), interactive: true, startedAt: minutesAfter(-50), endedAt: minutesAfter(-40),
    attributes: {}, ...over,
  };
}

export function revocation(over: Partial<Revocation> = {}): Revocation {
  return {
    id: 'rvk_1' as RevocationId, cause: 'iga-member-removed', direction: 'iga-to-pam', identityId: 'idn_BOB' as IdentityId,
    entitlementId: 'ent_DBA' as EntitlementId, assignmentId: 'asg_BOB_DBA' as AssignmentId, status: 'in-progress', steps: [],
    requestedBy: 'scim:entra', createdAt: minutesAfter(-10), updatedAt: minutesAfter(-10), ...over,
  };
}

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'fnd_1' as FindingId, kind: 'review-overdue', key: 'ent_DBA', severity: 'medium', subject: { entitlementId: 'ent_DBA' },
    summary: 'Review overdue', status: 'open', evidence: {}, tags: [], firstSeenAt: daysBefore(5), lastSeenAt: daysBefore(1), ...over,
  };
}

export function conflict(over: Partial<Conflict> = {}): Conflict {
  return {
    id: 'cfl_1' as ConflictId, kind: 'both-sides-changed', key: 'cyberark/safe/PROD-DB|bob', subject: {}, summary: 'both changed',
    details: { target: target(), principal: 'bob', iga: { present: true, permissions: ['useAccounts'] }, pam: { present: false, permissions: [] } },
    status: 'open', createdAt: daysBefore(1), updatedAt: daysBefore(1), ...over,
  };
}
