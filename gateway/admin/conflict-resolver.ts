/**
 * Carries out a conflict resolution decided by a person: the pure `applyResolution` plans it, and the intents are
 * carried out exactly as reconciliation carries them out (`applyConflictIntents`): a revoke is a revocation saga
 * with read-back, a grant goes through the outbox like an approval, a proposal is a `notify-iga` call the IGA
 * profiles read, an exception excepts the related findings. All of it, the resolved conflict, the ledger entry
 * saying who decided what and why, and a `conflict.changed` domain event commit in one transaction.
 */
import type { ResolveConflictInput, ResolveConflictResult } from '../../console/shared/api-types.ts';
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { Clock } from '../domain/clock.ts';
import { applyResolution } from '../domain/conflict-resolution.ts';
import type { ConflictId, RandomSource } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { MappingRegistry } from '../mapping-registry/mapping-registry.ts';
import type { Logger } from '../observability/logger.ts';
import { applyConflictIntents } from '../reconcile/conflict-intents.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment } from '../sync/sync-context.ts';

export interface ConflictResolverDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
  readonly connectors: () => readonly ConnectorConfig[];
  readonly mappings: Pick<MappingRegistry, 'current'>;
}

export type ResolveFailure = { readonly kind: 'not-found' } | { readonly kind: 'rejected'; readonly problems: readonly string[] };

function syncEnvironment(deps: ConflictResolverDeps): SyncEnvironment {
  return {
    clock: deps.clock, random: deps.random, logger: deps.logger,
    mappings: () => deps.mappings.current(),
    connectors: () => deps.connectors().filter((c) => c.enabled !== false)
      .map((c) => ({ id: c.id, kind: c.kind, profile: c.profile, outbound: c.outbound !== undefined })),
  };
}

export async function resolveConflict(deps: ConflictResolverDeps, id: ConflictId, input: ResolveConflictInput): Promise<Result<ResolveConflictResult, ResolveFailure>> {
  const now = new Date(deps.clock.now()).toISOString();
  return deps.store.transaction(async (tx) => {
    const conflict = await tx.conflicts.get(id);
    if (!conflict) return err({ kind: 'not-found' as const });
    const exception = input.action === 'exception' ? { owner: input.owner, reason: input.reason, until: input.until } : undefined;
    const planned = applyResolution(conflict, input.action, input.by, input.reason, now, exception);
    if (!planned.ok) return err({ kind: 'rejected' as const, problems: planned.error });
    const resolved = planned.value.conflict;
    await tx.conflicts.upsert(resolved);
    const { applied } = await applyConflictIntents(tx, syncEnvironment(deps), resolved, planned.value.intents);
    const ledgerSeq = (await tx.ledger.last())?.seq ?? 0;
    await tx.events.append({
      type: 'conflict.changed', subject: conflict.id, actor: input.by,
      payload: { conflictId: conflict.id, kind: conflict.kind, status: 'resolved', action: input.action },
      occurredAt: now,
    });
    return ok({ conflict: resolved, applied, ledgerSeq });
  });
}
