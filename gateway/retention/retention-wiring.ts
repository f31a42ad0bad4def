/**
 * How gateway/main.ts wires the retention purge: one purger per wiring context, its policy read from the live
 * configuration (`settings.inboxRetentionDays`, `settings.outboxRetentionDays`) at every run, its figures in the
 * gateway's metrics and its storage faults reported to the storage health (readiness `storage`).
 */
import type { BackgroundService, WiringContext } from '../main.ts';
import { type RetentionPurger, type RetentionPurgerDeps, createRetentionPurger } from './retention-purger.ts';

export type RetentionWiringContext = Pick<WiringContext, 'config' | 'store' | 'logger' | 'metrics' | 'clock'> & Partial<Pick<WiringContext, 'storage'>>;

/** Timing overrides (tests). */
export type RetentionWiringOptions = Partial<Pick<RetentionPurgerDeps, 'batchSize' | 'pauseMs' | 'intervalMs' | 'firstRunDelayMs'>>;

export interface RetentionWiring {
  readonly purger: RetentionPurger;
  readonly service: BackgroundService;
}

const wired = new WeakMap<object, RetentionWiring>();

export function retentionWiring(ctx: RetentionWiringContext, opts: RetentionWiringOptions = {}): RetentionWiring {
  const existing = wired.get(ctx);
  if (existing) return existing;
  const purger = createRetentionPurger({
    store: ctx.store, clock: ctx.clock, logger: ctx.logger, registry: ctx.metrics.registry,
    policy: () => {
      const s = ctx.config.current().settings;
      return { inboxDays: s.inboxRetentionDays, outboxDays: s.outboxRetentionDays };
    },
    onStorageFault: ctx.storage ? (err) => ctx.storage?.report(err, { component: 'retention' }) : undefined,
    ...opts,
  });
  const wiring: RetentionWiring = {
    purger,
    service: { name: 'retention', start: () => purger.start(), stop: () => purger.stop() },
  };
  wired.set(ctx, wiring);
  return wiring;
}
