/**
 * Revoke PAM → IGA: PAM removed a grant, disabled an account or reported a compromised credential. Lockstep
 * updates its state (grant removed; the affected assignments marked `revoked-at-pam`), and tells the IGA
 * connector that pushed the identity through the outbox (`notify-iga`, SCIM PATCH or webhook per its profile),
 * as a `pam-to-iga` revocation whose notification step must succeed.
 */
import type { CanonicalEvent } from '../../mappings/lib/index.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';
import type { RevocationCause } from '../domain/revocation.ts';
import { targetsOf } from './evidence-handler.ts';
import { mappedPaths } from './mapped-access.ts';
import { correlate } from './principal-correlation.ts';
import { startRevocation, type IgaNotice } from './revocation-writer.ts';
import { supports, type SyncTx } from './sync-context.ts';
import { emit, ledger } from './sync-writes.ts';

const CAUSES: Partial<Record<CanonicalEvent['type'], RevocationCause>> = {
  'grant.removed': 'pam-grant-removed', 'account.disabled': 'pam-account-disabled', 'credential.compromised': 'credential-compromised',
};

/** Active assignments of the identity whose mapped paths are on this connector (and on the target, when given). */
async function affected(s: SyncTx, identity: Identity, connectorId: string, targets: readonly PamTarget[]): Promise<Assignment[]> {
  if (!s.set) return [];
  const out: Assignment[] = [];
  for (const a of await s.tx.assignments.listByIdentity(identity.id, { activeOnly: true })) {
    const entitlement = await s.tx.entitlements.get(a.entitlementId);
    if (!entitlement) continue;
    const { paths } = await mappedPaths(s.set, entitlement, identity);
    const hit = paths.some((p) => p.target.connectorId === connectorId && (targets.length === 0 || targets.some((t) => t.kind === p.target.kind && t.ref === p.target.ref)));
    if (hit) out.push(a);
  }
  return out;
}

export async function onPamRevoke(s: SyncTx, e: CanonicalEvent): Promise<void> {
  const cause = CAUSES[e.type];
  if (!cause || !e.principal) return;
  const targets = targetsOf(e);
  for (const t of targets.slice(0, 1)) {
    const grant = await s.tx.grants.find(t, e.principal);
    if (grant && grant.status === 'active') {
      await s.tx.grants.upsert({ ...grant, status: 'removed', observedAt: e.occurredAt, updatedAt: s.now });
      await emit(s, 'grant.changed', grant.id, { grantId: grant.id, status: 'removed', by: `connector:${e.connectorId}` });
    }
  }
  const match = await correlate(s.tx, s.set, e.principal, e.connectorId, targets[targets.length - 1]);
  if (match.kind !== 'one') {
    await ledger(s, 'pam.revocation.uncorrelated', `${e.connectorId}/${e.principal}`, { type: e.type, principal: e.principal, correlation: match });
    return;
  }
  const identity = match.identity;
  const scope = e.type === 'grant.removed' ? targets : [];
  const assignments = await affected(s, identity, e.connectorId, scope);
  for (const a of assignments) {
    await s.tx.assignments.update({ ...a, status: 'revoked-at-pam', endedAt: s.now, endedBy: e.connectorId, updatedAt: s.now });
    await ledger(s, 'assignment.revoked-at-pam', a.id, { cause, connectorId: e.connectorId, principal: e.principal, identityId: identity.id, entitlementId: a.entitlementId });
  }
  const first = assignments[0];
  const entitlement = first ? await s.tx.entitlements.get(first.entitlementId) : undefined;
  const notify = supports(s, identity.connectorId, 'notify-iga') ? [identity.connectorId] : [];
  const notice: IgaNotice = {
    event: { type: e.type, occurredAt: e.occurredAt, connectorId: e.connectorId, principal: e.principal, target: e.target, externalId: e.externalId, attributes: e.attributes },
    subject: identity.externalId ?? identity.id,
    identity: { userName: identity.userName, externalId: identity.externalId ?? identity.id },
    ...(entitlement ? { entitlement: { displayName: entitlement.displayName, externalId: entitlement.externalId ?? entitlement.id } } : {}),
  };
  await startRevocation(s, {
    cause, direction: 'pam-to-iga',
    subject: { identityId: identity.id, ...(first ? { assignmentId: first.id, entitlementId: first.entitlementId } : {}) },
    requestedBy: `connector:${e.connectorId}`, paths: [], liveElevations: [], notify, notice,
  });
  if (notify.length === 0) {
    await ledger(s, 'pam.revocation.iga-not-notified', identity.id, { reason: `IGA connector ${identity.connectorId} has no notify-iga outbound`, cause });
  }
}
