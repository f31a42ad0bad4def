import type { Assignment } from './assignment.ts';
import type { Conflict } from './conflict.ts';
import type { Grant, PamTarget } from './grant.ts';
import { targetKey } from './grant.ts';
import { isBefore } from './iso-time.ts';
import { samePermissions } from './reconciliation-diff.ts';
import { pathKey } from './revocation-saga.ts';

/** A conflict as a detector wants it to exist; the engine upserts it by (kind, key). */
export type DesiredConflict = Pick<Conflict, 'kind' | 'key' | 'subject' | 'summary' | 'details'>;

/** One side's view of an access path. */
export interface PathState {
  readonly present: boolean;
  readonly permissions: readonly string[];
  readonly mode?: 'standing' | 'jit' | undefined;
  /** When this side last changed the path. */
  readonly changedAt?: string | undefined;
}

export interface ExceptionRecord {
  readonly owner: string;
  readonly reason: string;
  readonly until: string;
}

const statesDiffer = (a: PathState, b: PathState): boolean =>
  a.present !== b.present || (a.present && (!samePermissions(a.permissions, b.permissions) || (a.mode !== undefined && b.mode !== undefined && a.mode !== b.mode)));

const changedSince = (s: PathState, since: string | undefined): boolean =>
  s.changedAt !== undefined && (since === undefined || isBefore(since, s.changedAt));

/** IGA and PAM both changed one access path since the last sync, and now disagree about it. */
export function detectBothSidesChanged(input: {
  readonly target: PamTarget; readonly principal: string; readonly lastSyncAt?: string | undefined; readonly iga: PathState; readonly pam: PathState;
}): DesiredConflict | undefined {
  const { target, principal, iga, pam, lastSyncAt } = input;
  if (!changedSince(iga, lastSyncAt) || !changedSince(pam, lastSyncAt) || !statesDiffer(iga, pam)) return undefined;
  const describe = (s: PathState): string => (s.present ? `grants [${[...s.permissions].sort().join(', ')}]` : 'removes it');
  return {
    kind: 'both-sides-changed', key: pathKey(target, principal),
    subject: { connectorId: target.connectorId, target: targetKey(target), principal },
    summary: `Since the last sync IGA ${describe(iga)} and PAM ${describe(pam)} for ${principal} on ${targetKey(target)}`,
    details: { target, principal, lastSyncAt: lastSyncAt ?? null, iga, pam },
  };
}

/** IGA revoked the assignment but PAM still has the grant, and an exception says to keep it: which wins? */
export function detectRevokedWithException(input: {
  readonly grant: Grant; readonly assignment: Assignment; readonly exception: ExceptionRecord | undefined; readonly now: string;
}): DesiredConflict | undefined {
  const { grant, assignment, exception, now } = input;
  if (grant.status !== 'active' || assignment.status === 'active' || !exception || !isBefore(now, exception.until)) return undefined;
  return {
    kind: 'revoked-with-exception', key: pathKey(grant.target, grant.principal),
    subject: { connectorId: grant.target.connectorId, target: targetKey(grant.target), principal: grant.principal, assignmentId: assignment.id, identityId: assignment.identityId },
    summary: `IGA ended ${assignment.id} (${assignment.status}) but an exception owned by ${exception.owner} keeps ${grant.principal} on ${targetKey(grant.target)} until ${exception.until}`,
    details: {
      target: grant.target, principal: grant.principal, identityId: assignment.identityId, entitlementId: assignment.entitlementId,
      pam: { present: true, permissions: grant.permissions, mode: grant.mode }, assignmentStatus: assignment.status, exception,
    },
  };
}

/** Two or more mappings resolve one target to different permissions or modes. */
export function detectMappingsDisagree(
  target: PamTarget, resolutions: readonly { readonly mappingId: string; readonly permissions: readonly string[]; readonly mode: 'standing' | 'jit' }[],
  principals: readonly string[] = [],
): DesiredConflict | undefined {
  const signature = (r: (typeof resolutions)[number]): string => `${r.mode}:${[...new Set(r.permissions)].sort().join(',')}`;
  if (new Set(resolutions.map(signature)).size < 2) return undefined;
  return {
    kind: 'mappings-disagree', key: targetKey(target),
    subject: { connectorId: target.connectorId, target: targetKey(target) },
    summary: `Mappings ${resolutions.map((r) => r.mappingId).join(', ')} disagree on ${targetKey(target)}: ${resolutions.map(signature).join(' vs ')}`,
    details: { target, resolutions, principals },
  };
}

/** A grant PAM has without approval, under a drift policy of `propose`: a person decides whether IGA adopts it. */
export function detectUnapprovedGrant(grant: Grant, approvals: readonly string[], driftPolicy: 'alert' | 'revoke' | 'propose'): DesiredConflict | undefined {
  if (driftPolicy !== 'propose' || grant.status !== 'active' || approvals.length > 0) return undefined;
  return {
    kind: 'pam-grant-unapproved', key: pathKey(grant.target, grant.principal),
    subject: { connectorId: grant.target.connectorId, target: targetKey(grant.target), principal: grant.principal, grantId: grant.id },
    summary: `${grant.principal} has access to ${targetKey(grant.target)} at PAM that IGA never approved: adopt it at IGA or revoke it`,
    details: { target: grant.target, principal: grant.principal, pam: { present: true, permissions: grant.permissions, mode: grant.mode } },
  };
}

export { applyResolution, type ResolutionIntent, type ResolvedConflict } from './conflict-resolution.ts';
