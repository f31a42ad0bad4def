/**
 * The small writes of a reconciliation, each inside the caller's transaction: observed grants, conflicts (with
 * a `conflict.changed` event and a ledger entry when one opens), and the cheap principal → identity lookup used
 * to rate findings. Outbox writes and revocations go through the sync engine's helpers (one saga for all).
 */
import type { DesiredConflict } from '../domain/conflict-rules.ts';
import type { Conflict } from '../domain/conflict.ts';
import type { Grant, PamTarget } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';
import { newId, type RandomSource } from '../domain/ids.ts';
import { samePermissions } from '../domain/reconciliation-diff.ts';
import type { StoreTx } from '../store/store.ts';

export const RECONCILE_ACTOR = 'lockstep:reconcile';

export interface WriteEnv {
  readonly tx: StoreTx;
  readonly now: string;
  readonly nowMs: number;
  readonly random: RandomSource;
}

/** Records what PAM was seen to have (source `observed` unless Lockstep made it); an event when it changed. */
export async function observeGrant(
  w: WriteEnv, seen: { target: PamTarget; principal: string; permissions: readonly string[]; mode: 'standing' | 'jit'; externalId?: string | undefined; windowEnd?: string | undefined },
): Promise<{ grant: Grant; prior: Grant | undefined }> {
  const prior = await w.tx.grants.find(seen.target, seen.principal);
  const grant: Grant = {
    id: prior?.id ?? newId('grant', w.nowMs, w.random), target: seen.target, principal: seen.principal,
    permissions: [...seen.permissions].sort(), mode: seen.mode, source: prior?.status === 'active' ? prior.source : 'observed',
    status: 'active', observedAt: w.now, updatedAt: w.now,
    ...(prior?.assignmentId ? { assignmentId: prior.assignmentId } : {}),
    ...(seen.externalId ?? prior?.externalId ? { externalId: seen.externalId ?? prior?.externalId } : {}),
    ...(seen.windowEnd ? { windowEnd: seen.windowEnd } : {}),
  };
  await w.tx.grants.upsert(grant);
  const changed = !prior || prior.status !== 'active' || !samePermissions(prior.permissions, grant.permissions) || prior.mode !== grant.mode;
  if (changed) {
    await w.tx.events.append({
      type: 'grant.changed', subject: grant.id, actor: RECONCILE_ACTOR,
      payload: { grantId: grant.id, status: 'active', source: grant.source, connectorId: seen.target.connectorId, observed: true }, occurredAt: w.now,
    });
  }
  return { grant, prior };
}

/** A stored active grant PAM no longer has: marked removed. */
export async function markGrantGone(w: WriteEnv, target: PamTarget, principal: string): Promise<Grant | undefined> {
  const prior = await w.tx.grants.find(target, principal);
  if (!prior || prior.status !== 'active') return prior;
  await w.tx.grants.upsert({ ...prior, status: 'removed', observedAt: w.now, updatedAt: w.now });
  await w.tx.events.append({
    type: 'grant.changed', subject: prior.id, actor: RECONCILE_ACTOR,
    payload: { grantId: prior.id, status: 'removed', connectorId: target.connectorId, observed: true }, occurredAt: w.now,
  });
  return prior;
}

/**
 * Opens a conflict a detector wants, or refreshes the open one. A conflict a person already resolved is left
 * resolved: the decision stands (the findings still show the state).
 */
export async function raiseConflict(w: WriteEnv, d: DesiredConflict): Promise<'opened' | 'refreshed' | 'decided'> {
  const prior = await w.tx.conflicts.getByKey(d.kind, d.key);
  if (prior?.status === 'resolved') return 'decided';
  if (prior) {
    await w.tx.conflicts.upsert({ ...prior, subject: d.subject, summary: d.summary, details: d.details, updatedAt: w.now });
    return 'refreshed';
  }
  const conflict: Conflict = { id: newId('conflict', w.nowMs, w.random), ...d, status: 'open', createdAt: w.now, updatedAt: w.now };
  await w.tx.conflicts.upsert(conflict);
  const stored = (await w.tx.conflicts.getByKey(d.kind, d.key)) ?? conflict;
  await w.tx.events.append({
    type: 'conflict.changed', subject: stored.id, actor: RECONCILE_ACTOR,
    payload: { conflictId: stored.id, kind: d.kind, key: d.key, status: 'open' }, occurredAt: w.now,
  });
  await w.tx.ledger.append({ at: w.now, actor: RECONCILE_ACTOR, action: 'conflict.opened', subject: stored.id, data: { kind: d.kind, key: d.key, summary: d.summary, subject: d.subject } });
  return 'opened';
}

/** `CORP\bob`, `bob@corp` → `bob`: the identity a PAM principal most plainly names, when exactly one does. */
export async function identityOfPrincipal(tx: StoreTx, principal: string): Promise<Identity | undefined> {
  const plain = (principal.split('\\').pop() ?? principal).split('@')[0] ?? principal;
  const found = await tx.identities.listByUserName(plain);
  return found.length === 1 ? found[0] : undefined;
}
