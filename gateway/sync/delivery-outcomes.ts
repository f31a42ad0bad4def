/**
 * Outbox delivery outcomes (the dispatcher's `outbox.changed` events) fed back into the engine: a delivered
 * grant becomes a grant row (visible in the SCIM PAM read-back), a revocation step advances its saga, and a
 * dead-lettered call is recorded. Retries in progress (`failed`) change nothing: only the final word counts.
 */
import type { DomainEvent } from '../domain/domain-event.ts';
import type { TargetKind } from '../domain/grant.ts';
import { isId } from '../domain/ids.ts';
import type { OutboxMessage } from '../domain/outbox-message.ts';
import type { StepOutcome } from '../domain/revocation-saga.ts';
import { newId } from '../domain/ids.ts';
import { applyOutcome, startRevocation } from './revocation-writer.ts';
import type { SyncTx } from './sync-context.ts';
import { emit, ledger } from './sync-writes.ts';

export async function onOutboxChanged(s: SyncTx, event: DomainEvent): Promise<void> {
  const status = event.payload['status'];
  if (status !== 'delivered' && status !== 'abandoned') return;
  const id = event.payload['outboxId'];
  if (!isId('outbox', id)) return;
  const message = await s.tx.outbox.get(id);
  if (!message) return;
  const origin = message.payload['origin'];
  if (origin === 'saga') await sagaOutcome(s, message, status);
  else if (origin === 'grant') await grantOutcome(s, message, status);
  else if (origin === 'elevation') {
    await ledger(s, `elevation.vendor.${status}`, String(message.payload['elevationId'] ?? message.id), { action: message.action, outboxId: message.id, error: message.lastError ?? null });
  }
}

async function sagaOutcome(s: SyncTx, m: OutboxMessage, status: 'delivered' | 'abandoned'): Promise<void> {
  const revocationId = m.payload['revocationId'];
  const stepName = m.payload['stepName'];
  if (!isId('revocation', revocationId) || typeof stepName !== 'string') return;
  const attempt = typeof m.payload['attempt'] === 'number' ? m.payload['attempt'] : undefined;
  let outcome: StepOutcome;
  if (status === 'abandoned') outcome = { kind: 'failed', detail: `dead letter ${m.id}: ${m.lastError ?? 'delivery abandoned'}`, attempt };
  else if (m.action === 'read-back') outcome = m.response?.['present'] === true ? { kind: 'present', attempt } : { kind: 'absent', detail: 'read-back confirmed absence', attempt };
  else outcome = { kind: 'done', detail: m.response?.['alreadyDone'] === true ? 'already done at PAM' : `delivered (${m.id})`, attempt };
  await applyOutcome(s, revocationId, stepName, outcome);
}

async function grantOutcome(s: SyncTx, m: OutboxMessage, status: 'delivered' | 'abandoned'): Promise<void> {
  const assignmentId = m.payload['assignmentId'];
  const t = m.payload['target'] as { kind?: unknown; ref?: unknown } | undefined;
  const principal = m.payload['principal'];
  if (!isId('assignment', assignmentId) || typeof principal !== 'string' || typeof t?.kind !== 'string' || typeof t.ref !== 'string') return;
  if (status === 'abandoned') {
    await ledger(s, 'sync.grant.failed', assignmentId, { outboxId: m.id, connectorId: m.connectorId, error: m.lastError ?? null });
    return;
  }
  const assignment = await s.tx.assignments.get(assignmentId);
  const target = { connectorId: m.connectorId, kind: t.kind as TargetKind, ref: t.ref };
  const prior = await s.tx.grants.find(target, principal);
  if (assignment?.status !== 'active') {
    await startRevocation(s, {
      cause: assignment?.status === 'expired' ? 'assignment-expired' : 'iga-member-removed', direction: 'iga-to-pam',
      subject: { assignmentId, ...(assignment ? { identityId: assignment.identityId, entitlementId: assignment.entitlementId } : {}) },
      requestedBy: 'lockstep:sync (grant delivered after the assignment ended)', paths: [{ target, principal }], liveElevations: [],
    });
    return;
  }
  const permissions = Array.isArray(m.payload['permissions']) ? (m.payload['permissions'] as unknown[]).map(String) : [];
  const externalId = m.response?.['externalId'];
  const grant = {
    id: prior?.id ?? newId('grant', s.nowMs, s.env.random), target, principal, permissions, mode: 'standing' as const,
    source: 'lockstep' as const, assignmentId, status: 'active' as const, observedAt: s.now, updatedAt: s.now,
    ...(typeof externalId === 'string' ? { externalId } : prior?.externalId ? { externalId: prior.externalId } : {}),
    ...(typeof m.payload['validUntil'] === 'string' ? { windowEnd: m.payload['validUntil'] } : {}),
  };
  await s.tx.grants.upsert(grant);
  await emit(s, 'grant.changed', grant.id, { grantId: grant.id, status: 'active', assignmentId, connectorId: m.connectorId });
  await ledger(s, 'sync.grant.delivered', assignmentId, { grantId: grant.id, outboxId: m.id, connectorId: m.connectorId, target: `${t.kind}/${t.ref}`, principal });
}
