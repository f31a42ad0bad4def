/**
 * Non-human identities: an owner is required (`nhi-without-owner`), and static secrets must rotate within the
 * mapping's `nhi.maxSecretAgeDays` (`nhi-static-secret-stale`). The last `credential.rotated` per identity is
 * kept as a durable named position (`nhi.rotated:<identityId>`), read by the periodic staleness pass.
 */
import type { CanonicalEvent } from '../../mappings/lib/index.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import { nhiStaticSecretStale, nhiWithoutOwner } from '../domain/finding-rules.ts';
import { isId, type IdentityId } from '../domain/ids.ts';
import { isNonHuman, type Identity } from '../domain/identity.ts';
import { resolveEntitlement } from './mapped-access.ts';
import { correlate } from './principal-correlation.ts';
import type { SyncTx } from './sync-context.ts';
import { ledger, raiseFinding, resolveFinding } from './sync-writes.ts';

export const rotatedCursor = (identityId: IdentityId): string => `nhi.rotated:${identityId}`;

export async function onIdentityChanged(s: SyncTx, event: DomainEvent): Promise<void> {
  const id = event.payload['identityId'];
  if (!isId('identity', id)) return;
  const identity = await s.tx.identities.get(id);
  if (!identity) return;
  const f = nhiWithoutOwner(identity);
  if (f) await raiseFinding(s, f);
  else await resolveFinding(s, 'nhi-without-owner', identity.id);
}

export async function onCredentialRotated(s: SyncTx, e: CanonicalEvent): Promise<void> {
  if (!e.principal) return;
  const target = e.target ? { connectorId: e.connectorId, kind: e.target.kind, ref: e.target.ref } : undefined;
  const match = await correlate(s.tx, s.set, e.principal, e.connectorId, target);
  if (match.kind !== 'one') return;
  const key = rotatedCursor(match.identity.id);
  const prior = await s.tx.cursors.get(key);
  if (prior && prior >= e.occurredAt) return;
  await s.tx.cursors.set(key, e.occurredAt);
  await ledger(s, 'nhi.credential.rotated', match.identity.id, { connectorId: e.connectorId, principal: e.principal, at: e.occurredAt });
  await checkSecretAge(s, match.identity);
}

/** The strictest `nhi.maxSecretAgeDays` among the mappings of the identity's active assignments. */
async function maxSecretAgeDays(s: SyncTx, identity: Identity): Promise<number | undefined> {
  if (!s.set) return undefined;
  let limit: number | undefined;
  for (const a of await s.tx.assignments.listByIdentity(identity.id, { activeOnly: true })) {
    const entitlement = await s.tx.entitlements.get(a.entitlementId);
    if (!entitlement) continue;
    for (const m of (await resolveEntitlement(s.set, entitlement)).matches) {
      const days = m.nhi?.maxSecretAgeDays;
      if (days !== undefined) limit = limit === undefined ? days : Math.min(limit, days);
    }
  }
  return limit;
}

/** Raises or resolves `nhi-static-secret-stale` for one identity. */
export async function checkSecretAge(s: SyncTx, identity: Identity): Promise<void> {
  if (!isNonHuman(identity.kind)) return;
  const maxAgeDays = await maxSecretAgeDays(s, identity);
  if (maxAgeDays === undefined) return;
  const lastRotatedAt = await s.tx.cursors.get(rotatedCursor(identity.id));
  const f = nhiStaticSecretStale(identity, { lastRotatedAt, maxAgeDays }, s.now);
  if (f) await raiseFinding(s, f);
  else await resolveFinding(s, 'nhi-static-secret-stale', identity.id);
}
