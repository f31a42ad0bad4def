import { Counter, Gauge, type Registry } from 'prom-client';

export interface SyncMetrics {
  readonly events: Counter<'type'>;
  readonly failures: Counter<'type'>;
  readonly position: Gauge;
  readonly lag: Gauge;
}

const cache = new WeakMap<Registry, SyncMetrics>();

/** Sync engine figures, registered once per registry: events consumed, events passed over, cursor and lag. */
export function syncMetrics(registry: Registry): SyncMetrics {
  const cached = cache.get(registry);
  if (cached) return cached;
  const registers = [registry];
  const m: SyncMetrics = {
    events: new Counter({ name: 'lockstep_sync_events_total', help: 'Domain events consumed by the sync engine', labelNames: ['type'], registers }),
    failures: new Counter({ name: 'lockstep_sync_event_failures_total', help: 'Domain events the sync engine failed on and passed over (see the ledger: sync.event.failed)', labelNames: ['type'], registers }),
    position: new Gauge({ name: 'lockstep_sync_position', help: 'Last domain event seq the sync engine committed', registers }),
    lag: new Gauge({ name: 'lockstep_sync_lag_events', help: 'Domain events committed but not yet consumed by the sync engine', registers }),
  };
  cache.set(registry, m);
  return m;
}
