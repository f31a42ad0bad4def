/** Domain events and ledger entries written by SCIM changes, always inside the change's transaction. */
import type { DomainEventType } from '../domain/domain-event.ts';
import type { StoreTx } from '../store/store.ts';
import type { ScimContext } from './scim-context.ts';

export async function recordEvent(
  tx: StoreTx, ctx: ScimContext, at: string, type: DomainEventType, subject: string, payload: Record<string, unknown>,
): Promise<void> {
  await tx.events.append({
    type, subject, actor: ctx.actor, occurredAt: at,
    payload: { ...payload, connectorId: ctx.connectorId, requestId: ctx.requestId },
  });
}

/** For changes an auditor must be able to prove: memberships, deactivations, deletions. */
export async function recordLedger(
  tx: StoreTx, ctx: ScimContext, at: string, action: string, subject: string, data: Record<string, unknown>,
): Promise<void> {
  await tx.ledger.append({ at, actor: ctx.actor, action, subject, data: { ...data, connectorId: ctx.connectorId, requestId: ctx.requestId } });
}
