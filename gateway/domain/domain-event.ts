import type { EventId } from './ids.ts';

/**
 * A fact that happened, appended in the same transaction as the state change. Consumers (sync engine,
 * findings, live updates) read them in `seq` order and keep a durable cursor.
 * `subject` orders processing: events of one subject (identity, entitlement, target) are handled in order.
 */
export interface DomainEvent<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly seq: number;
  readonly id: EventId;
  readonly type: DomainEventType;
  readonly subject: string;
  readonly actor: string;
  readonly payload: P;
  readonly occurredAt: string;
}

export const DOMAIN_EVENT_TYPES = [
  'identity.upserted',
  'identity.deactivated',
  'identity.deleted',
  'entitlement.upserted',
  'entitlement.deleted',
  'assignment.added',
  'assignment.removed',
  'pam.event',
  'grant.changed',
  'elevation.decided',
  'elevation.ended',
  'evidence.recorded',
  'revocation.changed',
  'finding.changed',
  'conflict.changed',
  'outbox.changed',
  'mapping.reloaded',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export type NewDomainEvent = Omit<DomainEvent, 'seq' | 'id' | 'occurredAt'> & { occurredAt?: string };
