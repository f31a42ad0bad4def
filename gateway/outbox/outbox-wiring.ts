/**
 * How gateway/main.ts wires the outbox dispatcher: one outbound connector per enabled connector with an
 * `outbound` section (PAM calls and IGA notifications), built from its vendor profile with its secrets resolved,
 * claimed under this process's name (`host:pid`) with each connector's `outbound.concurrency`.
 */
import os from 'node:os';
import type { ConnectorConfig } from '../config/config-schema.ts';
import { StartupError } from '../config/startup-error.ts';
import { pamConnectorFromConfig } from '../connectors/connector-from-config.ts';
import type { ClosablePamConnector } from '../connectors/profile-connector.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { BackgroundService, WiringContext } from '../main.ts';
import { type Dispatcher, type DispatcherOptions, createDispatcher } from './dispatcher.ts';

export type OutboxWiringContext = Pick<WiringContext, 'config' | 'store' | 'logger' | 'metrics' | 'clock' | 'random' | 'mappings'>;

export interface OutboxWiringOptions {
  /** Overrides of the dispatcher's options (tests: short poll interval, fast retries); concurrency defaults to each connector's `outbound.concurrency`. */
  readonly dispatcher?: Partial<DispatcherOptions> | undefined;
  /** Start the dispatcher with the gateway (default true); false leaves outbox messages queued. */
  readonly dispatch?: boolean | undefined;
}

export interface OutboxWiring {
  readonly dispatcher: Dispatcher;
  readonly service: BackgroundService;
  /** Asks the dispatcher for a round now (after a commit that wrote outbox rows); a no-op while it is stopped. */
  nudge(): void;
}

/** [0, 1) from the injected random source (retry and backoff jitter). */
export function unitRandom(random: WiringContext['random']): () => number {
  return () => {
    const b = random(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0) / 2 ** 32;
  };
}

/**
 * The outbound connectors of the given (secrets-resolved) connectors. A connector whose vendor profile is not
 * loaded is left out with a warning: its messages stay queued until the profile loads and the gateway restarts.
 */
function outboundConnectors(ctx: OutboxWiringContext, connectors: readonly ConnectorConfig[]): Map<ConnectorId, ClosablePamConnector> {
  const log = ctx.logger.child({ component: 'outbox' });
  const profiles = ctx.mappings.current()?.profiles;
  const out = new Map<ConnectorId, ClosablePamConnector>();
  for (const c of connectors) {
    if (!c.outbound || c.enabled === false) continue;
    const profile = profiles?.get(c.profile);
    if (!profile) {
      log.warn({ connectorId: c.id, profile: c.profile }, 'vendor profile not loaded; outbound calls to this connector wait in the outbox');
      continue;
    }
    if (!profile.outbound) {
      log.warn({ connectorId: c.id, profile: c.profile }, 'vendor profile has no outbound section; outbound calls to this connector wait in the outbox');
      continue;
    }
    try {
      const connector = pamConnectorFromConfig(c, profile, { clock: ctx.clock });
      if (connector) out.set(c.id, connector);
    } catch (e) {
      throw new StartupError(`connector ${c.id}: outbound connector cannot be built: ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}

export function createOutboxWiring(ctx: OutboxWiringContext, connectors: readonly ConnectorConfig[], opts: OutboxWiringOptions = {}): OutboxWiring {
  const pam = outboundConnectors(ctx, connectors);
  const concurrency = new Map(connectors.map((c) => [c.id, c.outbound?.concurrency ?? 4]));
  const inner = createDispatcher({
    store: ctx.store,
    clock: ctx.clock,
    random: unitRandom(ctx.random),
    connectors: pam,
    logger: ctx.logger,
    registry: ctx.metrics.registry,
    owner: `${os.hostname()}:${process.pid}`,
    options: { concurrency: (id) => concurrency.get(id) ?? 4, ...opts.dispatcher },
  });
  let running = false;
  /** The dispatcher as others see it: a stopped one is not nudged (a nudge claims even when it is stopped). */
  const dispatcher: Dispatcher = {
    ...inner,
    start() {
      running = true;
      inner.start();
    },
    stop(graceMs) {
      running = false;
      return inner.stop(graceMs);
    },
  };
  return {
    dispatcher,
    nudge() {
      if (running) void inner.tick().catch((e: unknown) => ctx.logger.warn({ err: e }, 'outbox round failed'));
    },
    service: {
      name: 'outbox-dispatcher',
      start() {
        if (opts.dispatch !== false) dispatcher.start();
      },
      async stop() {
        await dispatcher.stop(ctx.config.current().settings.shutdownGraceMs);
        for (const c of pam.values()) c.close();
      },
    },
  };
}
