import type { Clock } from '../domain/clock.ts';
import type { ConnectorId, OutboxId, RandomSource } from '../domain/ids.ts';
import { nextOrderedId } from '../intake/monotonic-ids.ts';
import type { OutboundAction } from '../domain/outbox-message.ts';
import type { InsertOutcome, StoreTx } from '../store/store.ts';
import { orderedPayload, pathKeyOf, recordHead } from './path-order.ts';

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
 * A grant, revoke or permission update is ordered on its access path (path-order.ts): it follows the path's newest
 * message, read under the path's lock, and older ones are not sent after it (as that file says).
 *
 * For an ordered message the `outbox.changed` event is appended before the path is locked: on PostgreSQL an event
 * append takes the schema's append lock until commit, so every transaction takes that lock before any path lock and
 * two appenders can never wait on each other's locks (a deadlock). The cost: two transactions writing the same new
 * intent at once (which the engine's and the reconciler's own locks prevent) may leave one `queued` event naming an
 * id that was not inserted.
 */
export async function enqueue(tx: StoreTx, intent: OutboxIntent, deps: { readonly clock: Clock; readonly random: RandomSource }): Promise<InsertOutcome<OutboxId>> {
  const now = new Date(deps.clock.now()).toISOString();
  const id = nextOrderedId('outbox', deps.clock.now(), deps.random);
  const changed = (outboxId: OutboxId) => tx.events.append({
    type: 'outbox.changed',
    subject: `connector:${intent.connectorId}`,
    actor: 'lockstep',
    payload: { outboxId, connectorId: intent.connectorId, action: intent.action, status: 'queued', attempts: 0 },
    occurredAt: now,
  });
  const ordered = pathKeyOf(intent.connectorId, intent.action, intent.payload) !== undefined;
  if (ordered) {
    const existing = await tx.outbox.getByIdempotencyKey(intent.idempotencyKey);
    if (existing) return { inserted: false, id: existing.id };
    await changed(id);
  }
  const payload = await orderedPayload(tx, intent.connectorId, intent.action, intent.payload);
  const outcome = await tx.outbox.enqueue({
    id,
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
    await recordHead(tx, intent.action, payload, outcome.id);
    if (!ordered) await changed(outcome.id);
  }
  return outcome;
}
