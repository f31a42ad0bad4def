import type { ConnectorId, InboxId } from './ids.ts';

export const INBOX_STATUSES = ['pending', 'processed', 'unrecognised', 'failed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/**
 * A delivery accepted from an external system (webhook, syslog record, polled item), stored with its raw body
 * before it is acknowledged. `(connectorId, dedupeKey)` is unique: the vendor's event id, or a content hash for
 * vendors without ids.
 */
export interface InboxEvent {
  readonly id: InboxId;
  readonly connectorId: ConnectorId;
  readonly dedupeKey: string;
  readonly channel: 'webhook' | 'syslog' | 'poll';
  readonly contentType: string;
  /** Raw body exactly as received (UTF-8 text; binary bodies are base64 with contentType saying so). */
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly receivedAt: string;
  readonly status: InboxStatus;
  readonly attempts: number;
  readonly processedAt?: string | undefined;
  readonly error?: string | undefined;
}
