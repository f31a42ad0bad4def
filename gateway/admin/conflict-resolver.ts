/**
 * Carries out a conflict resolution decided by a person: the pure `applyResolution` plans it; this writes, in
 * one transaction, the resolved conflict, the outbound calls it needs (outbox, idempotent per conflict and
 * path), the exception on the related findings, the ledger entry saying who decided what and why, and a
 * `conflict.changed` domain event for live views.
 */
import type { AppliedIntent, ResolveConflictInput, ResolveConflictResult } from '../../console/shared/api-types.ts';
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { Clock } from '../domain/clock.ts';
import { applyResolution, type ResolutionIntent } from '../domain/conflict-resolution.ts';
import type { Conflict } from '../domain/conflict.ts';
import { FINDING_KINDS } from '../domain/finding.ts';
import { exceptFinding } from '../domain/finding-reconcile.ts';
import { targetKey } from '../domain/grant.ts';
import type { ConflictId, RandomSource } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import { enqueue } from '../outbox/enqueue.ts';
import type { Store, StoreTx } from '../store/store.ts';

export interface ConflictResolverDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly connectors: () => readonly ConnectorConfig[];
}

export type ResolveFailure = { readonly kind: 'not-found' } | { readonly kind: 'rejected'; readonly problems: readonly string[] };

/** The IGA connector a proposal is sent to: the first enabled IGA connector that can be called. */
function igaTarget(connectors: readonly ConnectorConfig[]): string | undefined {
  return connectors.find((c) => c.kind === 'iga' && c.enabled && c.outbound !== undefined)?.id;
}

async function carryOut(tx: StoreTx, deps: ConflictResolverDeps, conflict: Conflict, intent: ResolutionIntent, now: string): Promise<AppliedIntent | undefined> {
  const key = (what: string) => `conflict:${conflict.id}:${what}`;
  const cause = { conflictId: conflict.id, cause: 'conflict-resolution' };
  switch (intent.kind) {
    case 'grant':
    case 'revoke': {
      const path = `${targetKey(intent.target)}:${intent.principal}`;
      const payload = intent.kind === 'grant'
        ? { target: intent.target, principal: intent.principal, permissions: intent.permissions, mode: intent.mode, ...cause }
        : { target: intent.target, principal: intent.principal, ...cause };
      const r = await enqueue(tx, { connectorId: intent.target.connectorId, action: intent.kind, idempotencyKey: key(`${intent.kind}:${path}`), payload }, deps);
      return { kind: intent.kind, detail: `${intent.kind} ${intent.principal} on ${targetKey(intent.target)}`, outboxId: r.id };
    }
    case 'propose-to-iga': {
      const detail = `propose to IGA: ${intent.change} ${intent.principal} on ${targetKey(intent.target)}`;
      const iga = igaTarget(deps.connectors());
      if (!iga) return { kind: intent.kind, detail: `${detail} (no callable IGA connector: recorded in the ledger only)` };
      const payload = { change: intent.change, target: intent.target, principal: intent.principal, permissions: intent.permissions, ...cause };
      const r = await enqueue(tx, { connectorId: iga, action: 'notify-iga', idempotencyKey: key(`notify-iga:${intent.change}:${targetKey(intent.target)}:${intent.principal}`), payload }, deps);
      return { kind: intent.kind, detail, outboxId: r.id };
    }
    case 'target-policy':
      return { kind: intent.kind, detail: `least privilege on ${targetKey(intent.target)}: [${intent.permissions.join(', ')}] ${intent.mode}` };
    case 'exception': {
      let excepted = 0;
      for (const kind of FINDING_KINDS) {
        const finding = await tx.findings.getByKey(kind, intent.key);
        if (!finding || finding.status !== 'open') continue;
        const r = exceptFinding(finding, intent, now);
        if (r.ok) {
          await tx.findings.upsert(r.value);
          excepted++;
        }
      }
      return { kind: intent.kind, detail: `exception owned by ${intent.owner} until ${intent.until}${excepted ? ` (${excepted} finding(s) excepted)` : ''}` };
    }
    case 'ledger':
      return undefined;
  }
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
    const applied: AppliedIntent[] = [];
    let ledgerSeq = 0;
    for (const intent of planned.value.intents) {
      if (intent.kind === 'ledger') {
        const entry = await tx.ledger.append({ ...intent.entry, at: now, data: { ...intent.entry.data, applied: applied.map((a) => a.detail) } });
        ledgerSeq = entry.seq;
        continue;
      }
      const done = await carryOut(tx, deps, conflict, intent, now);
      if (done) applied.push(done);
    }
    await tx.events.append({
      type: 'conflict.changed', subject: conflict.id, actor: input.by,
      payload: { conflictId: conflict.id, kind: conflict.kind, status: 'resolved', action: input.action },
      occurredAt: now,
    });
    return ok({ conflict: resolved, applied, ledgerSeq });
  });
}
