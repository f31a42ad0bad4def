/**
 * Runs the pure revocation saga (domain/revocation-saga.ts) against the store: records the intent, writes
 * each command to the outbox in the same transaction, applies delivery outcomes, and keeps the
 * `revocation-pending` finding and the grant rows in step with it. Revocations are never reported done
 * before every read-back confirmed absence.
 */
import { revocationPending } from '../domain/finding-rules.ts';
import { newId, type RevocationId } from '../domain/ids.ts';
import type { Revocation } from '../domain/revocation.ts';
import {
  applyStepOutcome, asSagaStep, planRevocation, type RevocationPlanInput, type SagaCommand, type SagaStep, type StepOutcome,
} from '../domain/revocation-saga.ts';
import { supports, type SyncTx } from './sync-context.ts';
import { emit, ledger, raiseFinding, resolveFinding, send } from './sync-writes.ts';

/** What a `notify-iga` step tells the IGA connector (kept on the step, so that a retry sends the same). */
export interface IgaNotice {
  readonly event: { readonly type: string; readonly occurredAt: string; readonly connectorId: string; readonly principal?: string | undefined; readonly target?: unknown; readonly externalId?: string | undefined; readonly attributes: Record<string, unknown> };
  readonly subject: string;
  readonly identity?: { readonly userName: string; readonly externalId?: string | undefined } | undefined;
  readonly entitlement?: { readonly displayName: string; readonly externalId?: string | undefined } | undefined;
}

type NoticeStep = SagaStep & { readonly notice?: IgaNotice };

export type RevocationRequest = Omit<RevocationPlanInput, 'id' | 'now'> & { readonly notice?: IgaNotice | undefined };

export async function startRevocation(s: SyncTx, request: RevocationRequest): Promise<Revocation> {
  const { notice, ...plan } = request;
  const t = planRevocation({ ...plan, id: newId('revocation', s.nowMs, s.env.random), now: s.now });
  const revocation: Revocation = {
    ...t.revocation,
    steps: t.revocation.steps.map((st) => (asSagaStep(st).action === 'notify-iga' && notice ? { ...st, notice } : st)),
  };
  await s.tx.revocations.insert(revocation);
  await ledger(s, 'revocation.requested', revocation.id, {
    cause: revocation.cause, direction: revocation.direction, requestedBy: revocation.requestedBy,
    identityId: revocation.identityId ?? null, entitlementId: revocation.entitlementId ?? null, assignmentId: revocation.assignmentId ?? null,
    steps: revocation.steps.map((st) => st.name),
  });
  await emit(s, 'revocation.changed', revocation.id, { revocationId: revocation.id, status: revocation.status, cause: revocation.cause });
  return issueAll(s, revocation, t.commands);
}

/** Applies one step outcome; a duplicate or stale outcome changes nothing. */
export async function applyOutcome(s: SyncTx, revocationId: RevocationId, stepName: string, outcome: StepOutcome): Promise<void> {
  const current = await s.tx.revocations.get(revocationId);
  if (!current) return;
  const r = applyStepOutcome(current, stepName, outcome, s.now);
  if (!r.ok) {
    s.env.logger.warn({ revocationId, stepName, error: r.error }, 'revocation outcome not applicable');
    return;
  }
  if (!r.value.changed) return;
  const issued = await save(s, current, r.value.revocation);
  await issueAll(s, issued, r.value.commands);
}

async function save(s: SyncTx, before: Revocation, revocation: Revocation): Promise<Revocation> {
  await s.tx.revocations.update(revocation);
  if (revocation.status !== before.status) {
    await emit(s, 'revocation.changed', revocation.id, { revocationId: revocation.id, status: revocation.status, cause: revocation.cause });
  }
  if (revocation.status !== before.status && revocation.status !== 'in-progress') {
    await ledger(s, `revocation.${revocation.status}`, revocation.id, {
      cause: revocation.cause, steps: revocation.steps.map((st) => ({ name: st.name, status: st.status, detail: st.detail ?? null })),
    });
  }
  await syncFinding(s, revocation);
  for (const st of revocation.steps.map(asSagaStep)) {
    const was = before.steps.find((b) => b.name === st.name);
    if (st.action === 'read-back' && st.status === 'verified' && was?.status !== 'verified' && st.target && st.principal !== undefined) {
      const grant = await s.tx.grants.find(st.target, st.principal);
      if (grant && grant.status === 'active') {
        await s.tx.grants.upsert({ ...grant, status: 'removed', updatedAt: s.now, observedAt: s.now });
        await emit(s, 'grant.changed', grant.id, { grantId: grant.id, status: 'removed', revocationId: revocation.id });
      }
    }
  }
  return revocation;
}

async function syncFinding(s: SyncTx, revocation: Revocation): Promise<void> {
  if (revocation.status === 'verified') return resolveFinding(s, 'revocation-pending', revocation.id);
  if (revocation.status !== 'failed') return;
  const identity = revocation.identityId ? await s.tx.identities.get(revocation.identityId) : undefined;
  const f = revocationPending(revocation, s.now, 0, identity);
  if (f) await raiseFinding(s, f);
}

/**
 * Writes the commands to the outbox. Steps the connector cannot perform are settled here: a read-back after
 * ending an elevation is settled by the vendor's acknowledgement of the end call (vendors offer no read-back of
 * a request), and a call the connector's profile does not support fails the step (visible, never skipped).
 */
async function issueAll(s: SyncTx, revocation: Revocation, commands: readonly SagaCommand[]): Promise<Revocation> {
  let current = revocation;
  for (const cmd of commands) {
    const step = current.steps.map(asSagaStep).find((st) => st.name === cmd.stepName) as NoticeStep | undefined;
    const attempt = typeof cmd.payload['attempt'] === 'number' ? cmd.payload['attempt'] : undefined;
    const settle = async (outcome: StepOutcome): Promise<void> => {
      await applyOutcome(s, current.id, cmd.stepName, { ...outcome, attempt } as StepOutcome);
      current = (await s.tx.revocations.get(current.id)) ?? current;
    };
    if (cmd.action === 'read-back' && step?.verifies?.startsWith('end-elevation:')) {
      await settle({ kind: 'absent', detail: 'elevation end acknowledged by the vendor (no read-back of a request)' });
      continue;
    }
    if (!supports(s, cmd.connectorId, cmd.action)) {
      await settle({ kind: 'failed', detail: `connector ${cmd.connectorId} cannot ${cmd.action} (no outbound section or no such action in its profile)` });
      continue;
    }
    const payload: Record<string, unknown> = { ...cmd.payload, stepName: cmd.stepName };
    if (cmd.action === 'revoke' && step?.grantId) {
      const grant = await s.tx.grants.get(step.grantId);
      if (grant?.externalId) payload['externalId'] = grant.externalId;
    }
    if (cmd.action === 'notify-iga') {
      const notice = step?.notice;
      payload['event'] = notice?.event.type ?? revocation.cause;
      payload['subject'] = notice?.subject ?? revocation.identityId ?? revocation.id;
      payload['payload'] = { ...(notice ?? {}), revocationId: revocation.id, cause: revocation.cause };
    }
    await send(s, cmd.connectorId, cmd.action, cmd.idempotencyKey, 'saga', payload);
  }
  return current;
}
