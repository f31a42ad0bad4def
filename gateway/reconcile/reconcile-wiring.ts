/**
 * How gateway/main.ts wires the reconciler: one per wiring context (the background service and the admin
 * route's `reconcileNow` share it), PAM connectors built per run from the live configuration and the vendor
 * profiles in use, secrets resolved from the environment.
 */
import type { BackgroundService, WiringContext } from '../main.ts';
import { resolveConnectorSecrets } from '../config/secrets.ts';
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { Environment } from '../config/secrets.ts';
import { pamConnectorFromConfig } from '../connectors/connector-from-config.ts';
import type { ClosablePamConnector } from '../connectors/profile-connector.ts';
import type { Clock } from '../domain/clock.ts';
import type { MappingSet } from '../../mappings/lib/index.ts';
import { syncConnectors } from '../sync/sync-wiring.ts';
import type { ReconcileOptions } from './reconcile-run.ts';
import { createReconciler, type Reconciler } from './reconciler.ts';

export type ReconcileWiringContext = Pick<WiringContext, 'env' | 'config' | 'store' | 'logger' | 'clock' | 'random' | 'mappings'>;

export interface ReconcileWiring {
  readonly reconciler: Reconciler;
  readonly service: BackgroundService;
}

export interface ReconcileWiringOptions {
  readonly intervalMs?: number | undefined;
  readonly onOutbox?: (() => void) | undefined;
  readonly options?: Partial<ReconcileOptions> | undefined;
}

/**
 * The outbound connectors of every enabled PAM connector whose profile is loaded (the others are logged) and
 * can list its inventory (profiles without `list-inventory` cannot be reconciled and are left out).
 */
export function openPamConnectors(
  connectors: readonly ConnectorConfig[], set: MappingSet | undefined, env: Environment, clock: Clock,
  warn: (fields: Record<string, unknown>, msg: string) => void,
): { connectors: ClosablePamConnector[]; close(): void } {
  const out: ClosablePamConnector[] = [];
  for (const c of connectors) {
    if (c.kind !== 'pam' || c.enabled === false || !c.outbound) continue;
    const profile = set?.profiles.get(c.profile);
    if (!profile) {
      warn({ connectorId: c.id, profile: c.profile }, 'PAM connector profile not loaded: left out of reconciliation');
      continue;
    }
    if (!(profile.outbound?.actions as Readonly<Record<string, unknown>> | undefined)?.['list-inventory']) continue;
    try {
      const connector = pamConnectorFromConfig(resolveConnectorSecrets(c, env), profile, { clock });
      if (connector) out.push(connector);
    } catch (e) {
      warn({ connectorId: c.id, err: (e as Error).message }, 'PAM connector not usable: left out of reconciliation');
    }
  }
  return { connectors: out, close: () => out.forEach((c) => c.close()) };
}

const wired = new WeakMap<object, ReconcileWiring>();

export function reconcileWiring(ctx: ReconcileWiringContext, opts: ReconcileWiringOptions = {}): ReconcileWiring {
  const existing = wired.get(ctx);
  if (existing) return existing;
  const logger = ctx.logger.child({ component: 'reconcile' });
  const reconciler = createReconciler({
    store: ctx.store, clock: ctx.clock, random: ctx.random, logger,
    mappings: () => ctx.mappings.current(),
    connectors: () => syncConnectors(ctx),
    openConnectors: () => openPamConnectors(ctx.config.current().connectors, ctx.mappings.current(), ctx.env, ctx.clock, (f, m) => logger.warn(f, m)),
    intervalMs: opts.intervalMs, onOutbox: opts.onOutbox, options: opts.options,
  });
  const wiring: ReconcileWiring = {
    reconciler,
    service: { name: 'reconciler', start: () => reconciler.start(), stop: () => reconciler.stop() },
  };
  wired.set(ctx, wiring);
  return wiring;
}
