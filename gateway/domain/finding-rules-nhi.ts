import { desiredFinding, type DesiredFinding } from './desired-finding.ts';
import { type Identity, type IdentityHead, isNonHuman } from './identity.ts';
import { daysBetween } from './iso-time.ts';
import type { SessionEvidence } from './session-evidence.ts';

const liveNhi = (i: IdentityHead): boolean => isNonHuman(i.kind) && i.active && i.deletedAt === undefined;

/** A non-human identity with no accountable owner cannot be offboarded by anyone (OWASP NHI1). */
export function nhiWithoutOwner(identity: IdentityHead): DesiredFinding | undefined {
  if (!liveNhi(identity) || identity.owner) return undefined;
  return desiredFinding(
    'nhi-without-owner', identity.id, identity.kind === 'ai-agent' ? 'critical' : 'high',
    { identityId: identity.id, connectorId: identity.connectorId, userName: identity.userName },
    `Non-human identity ${identity.userName} (${identity.kind}) has no accountable owner`,
    { kind: identity.kind },
    { identityKind: identity.kind },
  );
}

/**
 * A static secret not rotated within the mapping's maximum age (OWASP NHI7). `lastRotatedAt` is the last
 * `credential.rotated` event; never rotated counts from the identity's creation.
 */
export function nhiStaticSecretStale(
  identity: IdentityHead, credential: { readonly ref?: string | undefined; readonly lastRotatedAt?: string | undefined; readonly maxAgeDays: number }, now: string,
): DesiredFinding | undefined {
  if (!liveNhi(identity)) return undefined;
  const since = credential.lastRotatedAt ?? identity.createdAt;
  const ageDays = daysBetween(since, now);
  if (ageDays <= credential.maxAgeDays) return undefined;
  const key = credential.ref ? `${identity.id}|${credential.ref}` : identity.id;
  return desiredFinding(
    'nhi-static-secret-stale', key, ageDays > 2 * credential.maxAgeDays ? 'high' : 'medium',
    { identityId: identity.id, connectorId: identity.connectorId, userName: identity.userName, credential: credential.ref },
    `Secret of ${identity.userName} not rotated for ${ageDays} day(s) (maximum ${credential.maxAgeDays})`,
    { lastRotatedAt: credential.lastRotatedAt ?? null, ageDays, maxAgeDays: credential.maxAgeDays },
    { identityKind: identity.kind },
  );
}

/** A person using a service account interactively (OWASP NHI10); stays until the session is reviewed. */
export function nhiInteractiveSession(session: SessionEvidence, identity: Identity | undefined, reviewed = false): DesiredFinding | undefined {
  if (!identity || !isNonHuman(identity.kind) || !session.interactive || reviewed) return undefined;
  return desiredFinding(
    'nhi-interactive-session', `${session.connectorId}/${session.externalId}`, 'high',
    { identityId: identity.id, connectorId: session.connectorId, sessionId: session.externalId, userName: identity.userName },
    `Interactive session by non-human identity ${identity.userName} (${identity.kind})`,
    { startedAt: session.startedAt, endedAt: session.endedAt ?? null, principal: session.principal, target: session.target ?? null, evidenceId: session.id },
    { identityKind: identity.kind },
  );
}
