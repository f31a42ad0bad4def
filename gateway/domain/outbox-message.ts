import type { ConnectorId, OutboxId } from './ids.ts';

/** `queued → sending → delivered | failed → (retry: queued) … → abandoned` (a dead letter). */
export const OUTBOX_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'abandoned'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const OUTBOUND_ACTIONS = ['grant', 'revoke', 'read-back', 'approve-elevation', 'deny-elevation', 'end-elevation', 'notify-iga', 'list-inventory', 'update-permissions'] as const;
export type OutboundAction = (typeof OUTBOUND_ACTIONS)[number];

/**
 * One outbound call, written in the same transaction as the state change that caused it. The idempotency key
 * is unique: writing the same intent twice is a no-op.
 */
export interface OutboxMessage {
  readonly id: OutboxId;
  readonly connectorId: ConnectorId;
  readonly action: OutboundAction;
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError?: string | undefined;
  /** Who holds the claim while `sending` and until when (another dispatcher may take it after). */
  readonly claimedBy?: string | undefined;
  readonly claimedUntil?: string | undefined;
  /** What the call returned when delivered (vendor ids needed by later steps). */
  readonly response?: Record<string, unknown> | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deliveredAt?: string | undefined;
}
