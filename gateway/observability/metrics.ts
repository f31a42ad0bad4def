/**
 * Prometheus metrics: one registry per gateway (so that several gateways in one test process do not collide),
 * Node's default metrics, and typed metrics that other modules reuse or add with `counter`/`gauge`/`histogram`
 * (get-or-create by name, so that a module may ask twice).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Every HTTP request, by route pattern (not raw path, to bound cardinality), method and status. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Configuration reloads by result (`applied`, `invalid`). */
  readonly configReloads: Counter<'result'>;
  counter<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = never>(name: string, help: string, labelNames?: readonly L[], collect?: (this: Gauge<L>) => void | Promise<void>): Gauge<L>;
  histogram<L extends string = never>(name: string, help: string, labelNames?: readonly L[], buckets?: readonly number[]): Histogram<L>;
}

export interface MetricsOptions {
  /** Node process metrics (`process_*`, `nodejs_*`). Default true. */
  readonly defaultMetrics?: boolean;
  readonly version?: string;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const existing = <M>(name: string): M | undefined => registry.getSingleMetric(name) as M | undefined;

  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    existing<Counter<L>>(name) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });

  const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => void | Promise<void>): Gauge<L> =>
    existing<Gauge<L>>(name) ?? new Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });

  const histogram = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], buckets?: readonly number[]): Histogram<L> =>
    existing<Histogram<L>>(name) ?? new Histogram<L>({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets: [...buckets] } : {}) });

  gauge('lockstep_build_info', 'Lockstep build information (always 1).', ['version']).set({ version: opts.version ?? 'dev' }, 1);

  return {
    registry,
    httpRequestDuration: histogram('lockstep_http_request_duration_seconds', 'HTTP request duration in seconds.', ['method', 'route', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    configReloads: counter('lockstep_config_reloads_total', 'Configuration file reloads by result.', ['result']),
    counter,
    gauge,
    histogram,
  };
}
