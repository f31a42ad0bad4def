import type { Clock } from '../domain/clock.ts';
import type { ConnectorId, OutboxId, RandomSource } from '../domain/ids.ts';
import { nextOrderedId } from '../intake/monotonic-ids.ts';
import type { OutboundAction } from '../domain/outbox-message.ts';
import type { InsertOutcome, StoreTx } from '../store/store.ts';
import { orderedPayload, recordHead } from './path-order.ts';

export interface OutboxIntent {
  readonly connectorId: ConnectorId;
  readonly action: OutboundAction;
  /** Names the intent, not the attempt: the same intent written twice is one message (`grant:asg_…:cyberark-prod`). */
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
  /** Not before this time (ISO); default now. */
  readonly notBefore?: string;
}

/**
 * Records an outbound call inside the caller's transaction, with the state change that causes it (record before
 * the side effect). A second intent with the same idempotency key writes nothing and returns the first one's id.
 * A grant or revoke becomes the newest message of its access path (path-order.ts): older ones are not sent after it.
 */
export async function enqueue(tx: StoreTx, intent: OutboxIntent, deps: { readonly clock: Clock; readonly random: RandomSource }): Promise<InsertOutcome<OutboxId>> {
  const now = new Date(deps.clock.now()).toISOString();
  const payload = await orderedPayload(tx, intent.connectorId, intent.action, intent.payload);
  const outcome = await tx.outbox.enqueue({
    id: nextOrderedId('outbox', deps.clock.now(), deps.random),
    connectorId: intent.connectorId,
    action: intent.action,
    idempotencyKey: intent.idempotencyKey,
    payload,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: intent.notBefore ?? now,
    createdAt: now,
    updatedAt: now,
  });
  if (outcome.inserted) {
    await recordHead(tx, payload, outcome.id);
    await tx.events.append({
      type: 'outbox.changed',
      subject: `connector:${intent.connectorId}`,
      actor: 'lockstep',
      payload: { outboxId: outcome.id, connectorId: intent.connectorId, action: intent.action, status: 'queued', attempts: 0 },
      occurredAt: now,
    });
  }
  return outcome;
}
