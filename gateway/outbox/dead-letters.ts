import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import type { ConnectorId, OutboxId } from '../domain/ids.ts';
import type { OutboxMessage } from '../domain/outbox-message.ts';
import type { Page } from '../domain/query.ts';
import type { Store } from '../store/store.ts';
import { outboxMetrics } from './outbox-metrics.ts';

/** Which dead letters to replay: one by id, all of one connector, or all. */
export type ReplayFilter = { readonly id: OutboxId } | { readonly connectorId: ConnectorId } | { readonly all: true };

export interface DeadLetterDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry?: Registry;
}

export function listDeadLetters(deps: Pick<DeadLetterDeps, 'store'>, filter: { connectorId?: ConnectorId }, page = { startIndex: 1, count: 100 }): Promise<Page<OutboxMessage>> {
  return deps.store.outbox.list({ status: 'abandoned', ...(filter.connectorId ? { connectorId: filter.connectorId } : {}) }, page);
}

/**
 * Puts dead letters back in the queue (admin API and `lockstep outbox replay`): they are retried from the first
 * step of the schedule. Returns how many were replayed; an `outbox.changed` event records the replay.
 */
export async function replayDeadLetters(deps: DeadLetterDeps, filter: ReplayFilter, actor: string): Promise<number> {
  const at = new Date(deps.clock.now()).toISOString();
  const storeFilter = 'id' in filter ? { id: filter.id } : 'connectorId' in filter ? { connectorId: filter.connectorId } : {};
  const count = await deps.store.transaction(async (tx) => {
    const n = await tx.outbox.replay(storeFilter, at);
    if (n > 0) {
      await tx.events.append({
        type: 'outbox.changed',
        subject: 'connector' in storeFilter ? `connector:${storeFilter.connectorId}` : 'outbox',
        actor,
        payload: { replayed: n, ...storeFilter, status: 'queued' },
        occurredAt: at,
      });
    }
    return n;
  });
  if (deps.registry && count > 0) outboxMetrics(deps.registry).replayed.inc({ connector: 'connectorId' in storeFilter ? storeFilter.connectorId : 'all' }, count);
  return count;
}
