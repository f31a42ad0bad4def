import { Counter, Gauge, type Registry } from 'prom-client';

/** What a run of the retention purge did, by table (`inbox`, `outbox`). */
export interface RetentionMetrics {
  /** Rows deleted, ever. */
  readonly purged: Counter<'table'>;
  /** Rows deleted by the last completed run. */
  readonly lastPurged: Gauge<'table'>;
  /** When the last completed run ended (Unix seconds) and how long it took. */
  readonly lastRunTimestamp: Gauge;
  readonly lastRunSeconds: Gauge;
  /** Runs by outcome: `completed`, `locked-elsewhere` (another replica purges), `interrupted` (stop), `failed`. */
  readonly runs: Counter<'outcome'>;
}

const cache = new WeakMap<Registry, RetentionMetrics>();

/** Registered once per registry (`lockstep_retention_*`). */
export function retentionMetrics(registry: Registry): RetentionMetrics {
  const cached = cache.get(registry);
  if (cached) return cached;
  const registers = [registry];
  const m: RetentionMetrics = {
    purged: new Counter({ name: 'lockstep_retention_purged_rows_total', help: 'Rows deleted by the retention purge', labelNames: ['table'], registers }),
    lastPurged: new Gauge({ name: 'lockstep_retention_last_purged_rows', help: 'Rows deleted by the last completed retention run', labelNames: ['table'], registers }),
    lastRunTimestamp: new Gauge({ name: 'lockstep_retention_last_run_timestamp_seconds', help: 'When the last retention run completed (Unix time)', registers }),
    lastRunSeconds: new Gauge({ name: 'lockstep_retention_last_run_duration_seconds', help: 'How long the last completed retention run took', registers }),
    runs: new Counter({ name: 'lockstep_retention_runs_total', help: 'Retention runs by outcome (completed, locked-elsewhere, interrupted, failed)', labelNames: ['outcome'], registers }),
  };
  cache.set(registry, m);
  return m;
}
