/**
 * Outbox delivery outcomes (the dispatcher's `outbox.changed` events) fed back into the engine: a delivered
 * grant becomes a grant row (visible in the SCIM PAM read-back), a revocation step advances its saga, and a
 * dead-lettered call is recorded. Retries in progress (`failed`) change nothing: only the final word counts. A grant
 * delivered after its assignment ended is revoked again unless a newer message of its path (outbox path order) already
 * follows it; a call settled as superseded (`response.superseded`) was never sent.
 */
import type { DomainEvent } from '../domain/domain-event.ts';
import type { TargetKind } from '../domain/grant.ts';
import { isId, type RevocationId } from '../domain/ids.ts';
import type { OutboxMessage } from '../domain/outbox-message.ts';
import type { StepOutcome } from '../domain/revocation-saga.ts';
import { newId } from '../domain/ids.ts';
import { newerOnPath as newerMessageOnPath } from '../outbox/path-order.ts';
import { approvingAssignment } from './approved-path.ts';
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
  const newer = supersededBy(m);
  let outcome: StepOutcome;
  let facts: Record<string, unknown> | undefined;
  if (status === 'abandoned') outcome = { kind: 'failed', detail: `dead letter ${m.id}: ${m.lastError ?? 'delivery abandoned'}`, attempt };
  else if (newer) {
    outcome = { kind: 'superseded', detail: `not sent: outbox message ${newer} for the same path is newer`, attempt };
    facts = { reason: 'a newer outbox message for the same path overtook this one', newerOutboxId: newer };
  } else if (m.action === 'read-back' && m.response?.['present'] === true) {
    const approving = await approvedAgain(s, revocationId, m);
    outcome = approving ? { kind: 'superseded', detail: `present and approved again by assignment ${approving.assignmentId}`, attempt } : { kind: 'present', attempt };
    facts = approving;
  } else if (m.action === 'read-back') outcome = { kind: 'absent', detail: 'read-back confirmed absence', attempt };
  else outcome = { kind: 'done', detail: m.response?.['alreadyDone'] === true ? 'already done at PAM' : `delivered (${m.id})`, attempt };
  if (outcome.kind === 'superseded') {
    await ledger(s, 'revocation.step.superseded', revocationId, { stepName, outboxId: m.id, action: m.action, attempt: attempt ?? null, ...facts });
  }
  await applyOutcome(s, revocationId, stepName, outcome);
}

/** The newer message of the message's path that overtook it, if any (outbox path order, path-order.ts). */
async function newerOnPath(s: SyncTx, m: OutboxMessage): Promise<string | undefined> {
  return newerMessageOnPath(s.tx, m);
}

/** The dispatcher settles a call overtaken by a newer message for its path as delivered with `{ superseded: <newer id> }`. */
function supersededBy(m: OutboxMessage): string | undefined {
  const v = m.response?.['superseded'];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A read-back that still finds the access: when an active assignment approves it again (the member was re-added
 * meanwhile), the facts for the ledger; the step is then superseded rather than revoked again.
 */
async function approvedAgain(s: SyncTx, revocationId: RevocationId, m: OutboxMessage): Promise<(Record<string, unknown> & { assignmentId: string }) | undefined> {
  const t = m.payload['target'] as { connectorId?: unknown; kind?: unknown; ref?: unknown } | undefined;
  const principal = m.payload['principal'];
  const revocation = await s.tx.revocations.get(revocationId);
  if (!revocation || typeof principal !== 'string' || typeof t?.kind !== 'string' || typeof t.ref !== 'string') return undefined;
  const target = { connectorId: typeof t.connectorId === 'string' ? t.connectorId : m.connectorId, kind: t.kind as TargetKind, ref: t.ref };
  const a = await approvingAssignment(s, revocation, target, principal);
  if (!a) return undefined;
  return {
    reason: 'read-back found the access present and an active assignment approves it again', assignmentId: a.id,
    entitlementId: a.entitlementId, identityId: a.identityId, approvedAt: a.approvedAt, revokedAssignmentId: revocation.assignmentId ?? null,
    target: `${target.connectorId}/${target.kind}/${target.ref}`, principal,
  };
}

async function grantOutcome(s: SyncTx, m: OutboxMessage, status: 'delivered' | 'abandoned'): Promise<void> {
  const assignmentId = m.payload['assignmentId'];
  const t = m.payload['target'] as { kind?: unknown; ref?: unknown } | undefined;
  const principal = m.payload['principal'];
  if (!isId('assignment', assignmentId) || typeof principal !== 'string' || typeof t?.kind !== 'string' || typeof t.ref !== 'string') return;
  const newer = supersededBy(m);
  if (status === 'delivered' && newer) {
    await ledger(s, 'sync.grant.superseded', assignmentId, { outboxId: m.id, newerOutboxId: newer, connectorId: m.connectorId, target: `${t.kind}/${t.ref}`, principal });
    return;
  }
  if (status === 'abandoned') {
    await ledger(s, 'sync.grant.failed', assignmentId, { outboxId: m.id, connectorId: m.connectorId, error: m.lastError ?? null });
    return;
  }
  const assignment = await s.tx.assignments.get(assignmentId);
  const target = { connectorId: m.connectorId, kind: t.kind as TargetKind, ref: t.ref };
  const prior = await s.tx.grants.find(target, principal);
  if (assignment?.status !== 'active') {
    const newer = await newerOnPath(s, m);
    if (newer) {
      // Path order sends the newer message (the revocation's revoke, or a re-grant) after this one: it decides.
      await ledger(s, 'sync.grant.delivered-after-end', assignmentId, { outboxId: m.id, newerOutboxId: newer, connectorId: m.connectorId, target: `${t.kind}/${t.ref}`, principal });
      return;
    }
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
  await ledger(s, 'sync.grant.delivered', assignmentId, { grantId: grant.id, outboxId: m.id, action: m.action, permissions, connectorId: m.connectorId, target: `${t.kind}/${t.ref}`, principal });
}
