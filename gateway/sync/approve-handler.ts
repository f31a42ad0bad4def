/**
 * Approve (IGA → PAM): an assignment to a mapped entitlement. Standing mode writes one `grant` outbox message
 * per access path (idempotency key from assignment and path, so a replayed event adds nothing); JIT mode
 * grants nothing and records the approval as the context later elevations must match.
 */
import type { Assignment } from '../domain/assignment.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import { mappingUnresolved } from '../domain/finding-rules.ts';
import { isId } from '../domain/ids.ts';
import { pathKey } from '../domain/revocation-saga.ts';
import { mappedPaths } from './mapped-access.ts';
import type { SyncTx } from './sync-context.ts';
import { ledger, raiseFinding, resolveFinding, send } from './sync-writes.ts';

export const grantKey = (assignmentId: string, target: Parameters<typeof pathKey>[0], principal: string): string =>
  `grant:${assignmentId}:${pathKey(target, principal)}`;

export async function onAssignmentAdded(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['assignmentId'];
  if (!isId('assignment', id)) return;
  const assignment = await s.tx.assignments.get(id);
  if (assignment && assignment.status === 'active') await approve(s, assignment, event.actor);
}

/**
 * Plans the PAM side of one active assignment. `generation` names a re-grant after the access was revoked
 * (a re-activated identity), so that its grant is a new intent rather than a replay of the first.
 */
export async function approve(s: SyncTx, assignment: Assignment, actor: string, generation?: string): Promise<void> {
  if (!s.set) return;
  const [entitlement, identity] = await Promise.all([s.tx.entitlements.get(assignment.entitlementId), s.tx.identities.get(assignment.identityId)]);
  if (!entitlement || !identity || entitlement.deletedAt || identity.deletedAt) return;
  const { paths, unresolved } = await mappedPaths(s.set, entitlement, identity);
  if (unresolved.length > 0) {
    const active = (await s.tx.assignments.listByEntitlement(entitlement.id, { activeOnly: true })).length;
    const f = mappingUnresolved(entitlement, unresolved.join('; '), active);
    if (f) await raiseFinding(s, f);
  } else if (paths.length > 0) {
    await resolveFinding(s, 'mapping-unresolved', entitlement.id);
  }
  if (paths.length === 0) return;
  const standing = paths.filter((p) => p.mode === 'standing');
  if (identity.active) {
    for (const p of standing) {
      const key = grantKey(assignment.id, p.target, p.principal) + (generation ? `:after:${generation}` : '');
      await send(s, p.target.connectorId, 'grant', key, 'grant', {
        target: { kind: p.target.kind, ref: p.target.ref }, targetConnectorId: p.target.connectorId, principal: p.principal,
        permissions: [...p.permissions], validUntil: assignment.expiresAt, assignmentId: assignment.id,
        identity: { userName: identity.userName, kind: identity.kind }, entitlement: { displayName: entitlement.displayName, externalId: entitlement.externalId },
      });
    }
  }
  await ledger(s, standing.length > 0 ? 'sync.approve.granting' : 'sync.approve.jit-context', assignment.id, {
    actor, entitlementId: entitlement.id, identityId: identity.id, identityActive: identity.active,
    paths: paths.map((p) => ({ mapping: p.mapping, path: pathKey(p.target, p.principal), mode: p.mode, permissions: p.permissions })),
  });
}
