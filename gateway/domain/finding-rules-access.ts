import { desiredFinding, type DesiredFinding } from './desired-finding.ts';
import type { Elevation } from './elevation.ts';
import type { Entitlement } from './entitlement.ts';
import type { Severity } from './finding.ts';
import { targetKey, type Grant } from './grant.ts';
import type { Identity } from './identity.ts';
import { addMs, isBefore, msBetween, MINUTE_MS } from './iso-time.ts';
import type { Revocation } from './revocation.ts';
import { pathKey } from './revocation-saga.ts';
import type { SessionEvidence } from './session-evidence.ts';

const tagSubject = (identity: Identity | undefined) => ({ identityKind: identity?.kind });

/**
 * A grant PAM has that no active assignment (or allowed elevation) accounts for. `approvals` are the ids of the
 * assignments or elevations that map to it; an unknown principal (no identity) is critical: nobody at IGA owns it.
 */
export function grantWithoutEntitlement(grant: Grant, approvals: readonly string[], identity?: Identity): DesiredFinding | undefined {
  if (grant.status !== 'active' || approvals.length > 0) return undefined;
  const severity: Severity = identity ? 'high' : 'critical';
  return desiredFinding(
    'pam-grant-without-entitlement', pathKey(grant.target, grant.principal), severity,
    { connectorId: grant.target.connectorId, target: targetKey(grant.target), principal: grant.principal, grantId: grant.id, identityId: identity?.id },
    `${grant.principal} has ${grant.mode} access to ${targetKey(grant.target)} at PAM with no approved entitlement`,
    { permissions: grant.permissions, mode: grant.mode, source: grant.source, observedAt: grant.observedAt, windowEnd: grant.windowEnd ?? null, identityKnown: identity !== undefined },
    tagSubject(identity),
  );
}

/** A revocation not verified within the grace period; a failed one at once and as critical. */
export function revocationPending(revocation: Revocation, now: string, graceSeconds: number, identity?: Identity): DesiredFinding | undefined {
  if (revocation.status === 'verified') return undefined;
  const failed = revocation.status === 'failed';
  if (!failed && msBetween(revocation.createdAt, now) < graceSeconds * 1000) return undefined;
  const open = revocation.steps.filter((s) => s.status !== 'verified');
  return desiredFinding(
    'revocation-pending', revocation.id, failed ? 'critical' : 'high',
    { revocationId: revocation.id, identityId: revocation.identityId, entitlementId: revocation.entitlementId, assignmentId: revocation.assignmentId },
    failed
      ? `Revocation ${revocation.id} (${revocation.cause}) failed: access may still be in place`
      : `Revocation ${revocation.id} (${revocation.cause}) not verified after ${Math.floor(msBetween(revocation.createdAt, now) / 1000)} s`,
    { status: revocation.status, cause: revocation.cause, createdAt: revocation.createdAt, steps: open.map((s) => ({ name: s.name, status: s.status, detail: s.detail ?? null })) },
    tagSubject(identity),
  );
}

/**
 * An allowed elevation used beyond its window: still active at PAM, a session still open, or (unless reviewed)
 * a session that ended after the window.
 */
export function elevationOverstay(
  elevation: Elevation, sessions: readonly SessionEvidence[], now: string, graceSeconds: number, opts: { reviewed?: boolean; identity?: Identity } = {},
): DesiredFinding | undefined {
  const d = elevation.decision;
  if (d.outcome !== 'allow') return undefined;
  const windowEnd = elevation.windowEnd ?? d.windowEnd;
  const limit = addMs(windowEnd, graceSeconds * 1000);
  const pastLimit = isBefore(limit, now);
  const stillActive = pastLimit && elevation.status === 'active';
  const openSessions = pastLimit ? sessions.filter((s) => s.endedAt === undefined) : [];
  const lateSessions = opts.reviewed ? [] : sessions.filter((s) => s.endedAt !== undefined && isBefore(limit, s.endedAt));
  if (!stillActive && openSessions.length === 0 && lateSessions.length === 0) return undefined;
  const overByMinutes = Math.max(0, Math.floor(msBetween(windowEnd, now) / MINUTE_MS));
  return desiredFinding(
    'elevation-overstay', elevation.id, 'high',
    { elevationId: elevation.id, connectorId: elevation.connectorId, target: targetKey(elevation.target), principal: elevation.principal, identityId: elevation.identityId },
    stillActive || openSessions.length > 0
      ? `Elevation of ${elevation.principal} on ${targetKey(elevation.target)} still in use ${overByMinutes} min after its window`
      : `A session of ${elevation.principal} on ${targetKey(elevation.target)} ran past the elevation window`,
    {
      windowEnd, elevationStatus: elevation.status,
      openSessions: openSessions.map((s) => s.externalId),
      lateSessions: lateSessions.map((s) => ({ externalId: s.externalId, endedAt: s.endedAt })),
    },
    tagSubject(opts.identity),
  );
}

/** Every break-glass use needs a post-use review; the finding stays until one is recorded. */
export function breakGlassUnreviewed(elevation: Elevation, reviewedAt: string | undefined, identity?: Identity): DesiredFinding | undefined {
  const d = elevation.decision;
  if (d.outcome !== 'allow' || !d.breakGlass || reviewedAt !== undefined) return undefined;
  return desiredFinding(
    'break-glass-unreviewed', elevation.id, 'high',
    { elevationId: elevation.id, connectorId: elevation.connectorId, target: targetKey(elevation.target), principal: elevation.principal, identityId: elevation.identityId, entitlementId: d.entitlementId },
    `Break-glass use by ${elevation.principal} on ${targetKey(elevation.target)} awaits post-use review`,
    { requestedAt: elevation.requestedAt, windowEnd: d.windowEnd, justification: elevation.justification ?? null, assignmentId: d.assignmentId },
    tagSubject(identity),
  );
}

/** The mapping of an entitlement does not resolve: its members' access cannot be enforced at PAM. */
export function mappingUnresolved(entitlement: Entitlement, error: string, activeAssignments: number): DesiredFinding | undefined {
  if (entitlement.deletedAt !== undefined) return undefined;
  return desiredFinding(
    'mapping-unresolved', entitlement.id, activeAssignments > 0 ? 'high' : 'medium',
    { entitlementId: entitlement.id, connectorId: entitlement.connectorId },
    `No mapping resolves entitlement "${entitlement.displayName}" (${activeAssignments} active assignment(s))`,
    { error, activeAssignments },
    { nonHuman: entitlement.governance.nonHuman },
  );
}
