import type { Clock } from '../domain/clock.ts';
import type { InboxId, RandomSource } from '../domain/ids.ts';
import type { InboxEvent } from '../domain/inbox-event.ts';
import type { InsertOutcome, Store, StoreTx } from '../store/store.ts';
import { createGroupCommitter } from './group-commit.ts';
import { nextOrderedId } from './monotonic-ids.ts';

/** One accepted delivery, before it has an id: what every intake channel hands to the inbox. */
export interface InboundRecord {
  readonly connectorId: string;
  readonly channel: InboxEvent['channel'];
  readonly dedupeKey: string;
  readonly contentType: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface InboxWriterDeps {
  readonly clock: Clock;
  readonly random: RandomSource;
}

/**
 * Writes one inbound record and, when it is new, the `pam.event` domain event that announces it, inside the
 * caller's transaction. A duplicate writes nothing.
 */
export async function recordInbound(tx: StoreTx, record: InboundRecord, deps: InboxWriterDeps): Promise<InsertOutcome<InboxId>> {
  const receivedAt = new Date(deps.clock.now()).toISOString();
  const outcome = await tx.inbox.insert({
    id: nextOrderedId('inbox', deps.clock.now(), deps.random),
    ...record,
    receivedAt,
    status: 'pending',
    attempts: 0,
  });
  if (outcome.inserted) {
    await tx.events.append({
      type: 'pam.event',
      subject: `connector:${record.connectorId}`,
      actor: `connector:${record.connectorId}`,
      payload: { stage: 'received', inboxId: outcome.id, connectorId: record.connectorId, channel: record.channel },
      occurredAt: receivedAt,
    });
  }
  return outcome;
}

/** The inbox as intake channels use it: `write` resolves once the record is durable (group-committed). */
export interface InboxWriter {
  write(record: InboundRecord): Promise<InsertOutcome<InboxId>>;
  drain(): Promise<void>;
}

export function createInboxWriter(deps: InboxWriterDeps & { readonly store: Pick<Store, 'transaction'>; readonly maxBatch?: number }): InboxWriter {
  const committer = createGroupCommitter<InboundRecord, InsertOutcome<InboxId>>({
    store: deps.store,
    maxBatch: deps.maxBatch,
    write: (tx, record) => recordInbound(tx, record, deps),
  });
  return { write: (record) => committer.submit(record), drain: () => committer.drain() };
}
