import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface OutboxMetrics {
  readonly attempts: Counter<'connector' | 'action' | 'outcome'>;
  readonly callSeconds: Histogram<'connector' | 'action'>;
  readonly circuit: Gauge<'connector'>;
  readonly replayed: Counter<'connector'>;
}

const cache = new WeakMap<Registry, OutboxMetrics>();

/** Outbox counters, registered once per registry. `lockstep_outbox_circuit_state`: 0 closed, 1 half-open, 2 open. */
export function outboxMetrics(registry: Registry): OutboxMetrics {
  const cached = cache.get(registry);
  if (cached) return cached;
  const registers = [registry];
  const m: OutboxMetrics = {
    attempts: new Counter({ name: 'lockstep_outbox_attempts_total', help: 'Outbound call attempts by outcome (delivered, retry, dead-letter)', labelNames: ['connector', 'action', 'outcome'], registers }),
    callSeconds: new Histogram({ name: 'lockstep_outbox_call_seconds', help: 'Duration of outbound PAM/IGA calls', labelNames: ['connector', 'action'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers }),
    circuit: new Gauge({ name: 'lockstep_outbox_circuit_state', help: 'Circuit breaker per connector: 0 closed, 1 half-open, 2 open', labelNames: ['connector'], registers }),
    replayed: new Counter({ name: 'lockstep_outbox_replayed_total', help: 'Dead letters put back in the queue', labelNames: ['connector'], registers }),
  };
  cache.set(registry, m);
  return m;
}
