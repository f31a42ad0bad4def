/**
 * How gateway/main.ts wires the sync engine and the decisions route from its wiring context: one engine per
 * context (shared by the background service and the route, which wakes it), connectors read from the live
 * configuration, PAM inbound credentials resolved for the decisions route.
 */
import type { Mount } from '../http/app.ts';
import type { BackgroundService, WiringContext } from '../main.ts';
import { resolveConnectorSecrets } from '../config/secrets.ts';
import { createDecisionsRouter } from '../decisions/decisions-router.ts';
import type { SyncConnector } from './sync-context.ts';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from './sync-engine.ts';

export type SyncWiringContext = Pick<WiringContext, 'env' | 'config' | 'store' | 'logger' | 'clock' | 'random' | 'adminAuth' | 'mappings' | 'metrics'>
  & Partial<Pick<WiringContext, 'storage'>>;

export interface SyncWiringOptions {
  /** Nudges the outbox dispatcher after a commit that wrote outbox messages (e.g. `() => void dispatcher.tick()`). */
  readonly onOutbox?: (() => void) | undefined;
  readonly engine?: Partial<SyncEngineOptions> | undefined;
}

export interface SyncWiring {
  readonly engine: SyncEngine;
  readonly service: BackgroundService;
  /** `POST /api/v1/decisions` (admin token or the PAM connector's own inbound credential). */
  readonly mount: Mount;
}

/** Stores that announce committed events (PostgreSQL LISTEN/NOTIFY); the engine polls the others. */
interface EventNotifier {
  subscribe(onEvent: (seq: number) => void): Promise<() => Promise<void>>;
}

const wired = new WeakMap<object, SyncWiring>();

export function syncConnectors(ctx: Pick<WiringContext, 'config'>): SyncConnector[] {
  return ctx.config.current().connectors.filter((c) => c.enabled !== false).map((c) => ({
    id: c.id, kind: c.kind, profile: c.profile, outbound: c.outbound !== undefined,
  }));
}

export function syncWiring(ctx: SyncWiringContext, opts: SyncWiringOptions = {}): SyncWiring {
  const existing = wired.get(ctx);
  if (existing) return existing;
  const logger = ctx.logger.child({ component: 'sync' });
  const env = {
    clock: ctx.clock, random: ctx.random, logger,
    mappings: () => ctx.mappings.current(),
    connectors: () => syncConnectors(ctx),
  };
  const engine = createSyncEngine({
    ...env, store: ctx.store, onOutbox: opts.onOutbox, options: opts.engine, registry: ctx.metrics.registry,
    onStorageFault: ctx.storage ? (err) => ctx.storage?.report(err, { component: 'sync-engine' }) : undefined,
  });
  const router = createDecisionsRouter({
    ...env, store: ctx.store, adminAuth: ctx.adminAuth,
    inboundOf: (id) => {
      const c = ctx.config.current().connectors.find((x) => x.id === id && x.kind === 'pam' && x.enabled !== false);
      if (!c?.inbound) return undefined;
      try {
        return resolveConnectorSecrets(c, ctx.env).inbound;
      } catch {
        return undefined;
      }
    },
    onCommitted: (enqueued) => {
      engine.wake();
      if (enqueued > 0) opts.onOutbox?.();
    },
  });
  let unsubscribe: (() => Promise<void>) | undefined;
  const wiring: SyncWiring = {
    engine,
    service: {
      name: 'sync-engine',
      start: async () => {
        if (ctx.mappings.status().version === 0) await ctx.mappings.reload();
        const notifying = ctx.store as Partial<EventNotifier>;
        if (typeof notifying.subscribe === 'function') unsubscribe = await notifying.subscribe(() => engine.wake());
        engine.start();
      },
      stop: async () => {
        await unsubscribe?.();
        await engine.stop();
      },
    },
    mount: { path: '/api/v1', router },
  };
  wired.set(ctx, wiring);
  return wiring;
}
