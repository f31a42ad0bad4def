import { Counter, Histogram, type Registry } from 'prom-client';

/** Intake counters, registered once per registry (webhooks, syslog and pollers share them). */
export interface IntakeMetrics {
  readonly deliveries: Counter<'connector' | 'channel' | 'outcome' | 'reason'>;
  readonly ingestSeconds: Histogram<'channel'>;
  readonly malformedFrames: Counter<'connector'>;
  readonly pollFailures: Counter<'connector'>;
  readonly inboxProcessed: Counter<'connector' | 'status'>;
}

const cache = new WeakMap<Registry, IntakeMetrics>();

export function intakeMetrics(registry: Registry): IntakeMetrics {
  const cached = cache.get(registry);
  if (cached) return cached;
  const registers = [registry];
  const m: IntakeMetrics = {
    deliveries: new Counter({ name: 'lockstep_intake_deliveries_total', help: 'Inbound PAM deliveries by outcome (accepted, duplicate, rejected)', labelNames: ['connector', 'channel', 'outcome', 'reason'], registers }),
    ingestSeconds: new Histogram({ name: 'lockstep_intake_ingest_seconds', help: 'Time from receipt to durable inbox write', labelNames: ['channel'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers }),
    malformedFrames: new Counter({ name: 'lockstep_syslog_malformed_frames_total', help: 'Syslog frames that could not be parsed', labelNames: ['connector'], registers }),
    pollFailures: new Counter({ name: 'lockstep_poller_failures_total', help: 'Failed poll attempts', labelNames: ['connector'], registers }),
    inboxProcessed: new Counter({ name: 'lockstep_inbox_processed_total', help: 'Inbox events processed by final status', labelNames: ['connector', 'status'], registers }),
  };
  cache.set(registry, m);
  return m;
}
