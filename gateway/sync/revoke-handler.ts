/**
 * Revoke IGA → PAM: a removed or expired assignment, a deactivated or deleted user. Every mapped access path
 * (and every grant Lockstep made for the assignment) is revoked and every live elevation ended, as one saga
 * per cause; identity and entitlement deletions arrive as the `assignment.removed` events SCIM writes with them.
 */
import type { Assignment } from '../domain/assignment.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import { isId } from '../domain/ids.ts';
import type { Identity } from '../domain/identity.ts';
import { REVOCATION_CAUSES, type RevocationCause } from '../domain/revocation.ts';
import { asSagaStep, pathKey, type LiveElevationRef, type RevokePath } from '../domain/revocation-saga.ts';
import { approve } from './approve-handler.ts';
import { mappedPaths } from './mapped-access.ts';
import { startRevocation } from './revocation-writer.ts';
import { supports, type SyncTx } from './sync-context.ts';
import { emit, ledger } from './sync-writes.ts';

async function pathsOf(s: SyncTx, assignment: Assignment, identity: Identity | undefined): Promise<RevokePath[]> {
  const out: RevokePath[] = [];
  const entitlement = await s.tx.entitlements.get(assignment.entitlementId);
  if (s.set && entitlement && identity) {
    for (const p of (await mappedPaths(s.set, entitlement, identity)).paths) if (p.mode === 'standing') out.push({ target: p.target, principal: p.principal });
  }
  for (const g of await s.tx.grants.listByAssignment(assignment.id)) {
    if (g.status === 'active') out.push({ target: g.target, principal: g.principal, grantId: g.id });
  }
  return out;
}

/**
 * Live elevations of the identity (of one assignment when given). Those the vendor can be told to end go into
 * the saga; the others end here, in Lockstep's state, with a ledger entry saying the vendor was not called.
 */
async function liveElevations(s: SyncTx, identityId: Assignment['identityId'], assignmentId?: Assignment['id']): Promise<LiveElevationRef[]> {
  const out: LiveElevationRef[] = [];
  for (const e of await s.tx.elevations.listByIdentity(identityId)) {
    if (e.status !== 'active' || e.decision.outcome !== 'allow') continue;
    if (assignmentId && e.decision.assignmentId !== assignmentId) continue;
    await s.tx.elevations.update({ ...e, status: 'ended', endedAt: s.now, updatedAt: s.now });
    await emit(s, 'elevation.ended', e.id, { elevationId: e.id, reason: 'revoked' });
    if (e.externalRequestId && supports(s, e.connectorId, 'end-elevation')) {
      out.push({ id: e.id, target: e.target, principal: e.principal, externalRequestId: e.externalRequestId });
    } else {
      await ledger(s, 'elevation.ended-locally', e.id, { reason: 'revoked', vendorCalled: false, connectorId: e.connectorId });
    }
  }
  return out;
}

/**
 * Paths a revocation of this assignment, planned since it ended, already covers (a grant delivered after the
 * removal was compensated before the removal event was consumed): planning them again would only duplicate.
 */
async function alreadyRevoking(s: SyncTx, assignment: Assignment): Promise<Set<string>> {
  const out = new Set<string>();
  if (!assignment.endedAt) return out;
  for (const r of await s.tx.revocations.listByAssignment(assignment.id)) {
    if (r.createdAt < assignment.endedAt || r.status === 'failed') continue;
    for (const st of r.steps.map(asSagaStep)) if (st.action === 'revoke' && st.target && st.principal !== undefined) out.add(pathKey(st.target, st.principal));
  }
  return out;
}

const causeOf = (value: unknown, fallback: RevocationCause): RevocationCause =>
  (REVOCATION_CAUSES as readonly unknown[]).includes(value) ? (value as RevocationCause) : fallback;

export async function onAssignmentRemoved(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['assignmentId'];
  if (!isId('assignment', id)) return;
  const assignment = await s.tx.assignments.get(id);
  if (!assignment || assignment.status === 'active') return;
  const identity = await s.tx.identities.get(assignment.identityId);
  const covered = await alreadyRevoking(s, assignment);
  const paths = (await pathsOf(s, assignment, identity)).filter((p) => !covered.has(pathKey(p.target, p.principal)));
  const elevations = await liveElevations(s, assignment.identityId, assignment.id);
  if (paths.length === 0 && elevations.length === 0) return;
  await startRevocation(s, {
    cause: causeOf(event.payload['cause'], 'iga-member-removed'), direction: 'iga-to-pam',
    subject: { assignmentId: assignment.id, identityId: assignment.identityId, entitlementId: assignment.entitlementId },
    requestedBy: event.actor, paths, liveElevations: elevations,
  });
}

/** A deactivated user keeps its assignments at IGA, but loses every access path at PAM. */
export async function onIdentityDeactivated(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['identityId'];
  if (!isId('identity', id)) return;
  const identity = await s.tx.identities.get(id);
  if (!identity || identity.active) return;
  const paths: RevokePath[] = [];
  for (const a of await s.tx.assignments.listByIdentity(id, { activeOnly: true })) paths.push(...(await pathsOf(s, a, identity)));
  const elevations = await liveElevations(s, id);
  if (paths.length === 0 && elevations.length === 0) return;
  const revocation = await startRevocation(s, { cause: 'iga-user-deactivated', direction: 'iga-to-pam', subject: { identityId: id }, requestedBy: event.actor, paths, liveElevations: elevations });
  await s.tx.cursors.set(deactivatedCursor(id), revocation.id);
}

/** Set while a deactivated identity's access is revoked; its re-activation grants the standing access again. */
export const deactivatedCursor = (identityId: string): string => `sync.deactivated:${identityId}`;

/** A re-activated identity gets the standing access of its still-active assignments back, as new grant intents. */
export async function onIdentityReactivated(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['identityId'];
  if (!isId('identity', id) || event.payload['active'] !== true) return;
  const generation = await s.tx.cursors.get(deactivatedCursor(id));
  if (!generation) return;
  const identity = await s.tx.identities.get(id);
  if (!identity?.active || identity.deletedAt) return;
  await s.tx.cursors.set(deactivatedCursor(id), '');
  for (const a of await s.tx.assignments.listByIdentity(id, { activeOnly: true })) await approve(s, a, event.actor, generation);
}

/** A deleted user's assignments were removed with it (their own events revoke the paths); end what is left. */
export async function onIdentityDeleted(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['identityId'];
  if (!isId('identity', id)) return;
  const elevations = await liveElevations(s, id);
  if (elevations.length === 0) return;
  await startRevocation(s, { cause: 'iga-user-deleted', direction: 'iga-to-pam', subject: { identityId: id }, requestedBy: event.actor, paths: [], liveElevations: elevations });
}

