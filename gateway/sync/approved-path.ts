/**
 * Whether access a revocation found still present at PAM is approved again: the identity is active and an
 * active assignment other than the revoked one maps it to the same standing path (IGA removed the member and
 * added it back, or re-activated the user). Such access belongs to the approve flow; revoking it again would
 * remove access IGA approved after the revocation was asked for.
 */
import type { Assignment } from '../domain/assignment.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { Revocation } from '../domain/revocation.ts';
import { mappedPaths } from './mapped-access.ts';
import type { SyncTx } from './sync-context.ts';

const samePath = (a: PamTarget, b: PamTarget): boolean => a.connectorId === b.connectorId && a.kind === b.kind && a.ref === b.ref;

export async function approvingAssignment(s: SyncTx, revocation: Revocation, target: PamTarget, principal: string): Promise<Assignment | undefined> {
  if (!s.set || revocation.direction !== 'iga-to-pam') return undefined;
  const revoked = revocation.assignmentId ? await s.tx.assignments.get(revocation.assignmentId) : undefined;
  const identityId = revocation.identityId ?? revoked?.identityId;
  if (!identityId) return undefined;
  const identity = await s.tx.identities.get(identityId);
  if (!identity || !identity.active || identity.deletedAt) return undefined;
  for (const a of await s.tx.assignments.listByIdentity(identityId, { activeOnly: true })) {
    if (a.status !== 'active' || a.id === revocation.assignmentId) continue;
    const entitlement = await s.tx.entitlements.get(a.entitlementId);
    if (!entitlement || entitlement.deletedAt) continue;
    const { paths } = await mappedPaths(s.set, entitlement, identity);
    if (paths.some((p) => p.mode === 'standing' && p.principal === principal && samePath(p.target, target))) return a;
  }
  return undefined;
}
