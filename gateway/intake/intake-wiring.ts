/**
 * How gateway/main.ts wires PAM intake and the outbox from its wiring context: one inbox writer shared by the
 * webhook receivers (`/webhooks/<connector>`), the syslog listeners and the pollers; the inbox processor (each
 * connector's vendor profile from the live mapping set); and the outbox dispatcher. Secrets are resolved here,
 * and a receiver that cannot verify what it receives stops the start with one line naming the connector.
 *
 * All of it follows the configuration file while running: webhook receivers are rebuilt on the next request,
 * and on every configuration change the syslog listeners, pollers and outbound connectors of the connectors
 * added, removed or changed are started, stopped or rebuilt (see syslog-listeners.ts, poller-set.ts,
 * outbox-wiring.ts). The composition root also has a new mapping set applied the same way
 * ({@link IntakeWiring.applyConnectors}): the connectors whose vendor profile changed are rebuilt, the others are
 * left alone. What cannot be applied is logged and reported by {@link IntakeWiring.problems}.
 * Memoised per context, like the sync wiring.
 */
import type { Router } from 'express';
import type { MappingSet } from '../../mappings/lib/index.ts';
import type { ConnectorConfig, LockstepConfig } from '../config/config-schema.ts';
import { parseByteSize } from '../config/byte-size.ts';
import { resolveConnectorSecrets } from '../config/secrets.ts';
import { StartupError } from '../config/startup-error.ts';
import type { Mount } from '../http/app.ts';
import type { BackgroundService, WiringContext } from '../main.ts';
import type { Dispatcher } from '../outbox/dispatcher.ts';
import { type OutboxWiringOptions, createOutboxWiring, unitRandom } from '../outbox/outbox-wiring.ts';
import { createInboxProcessor } from './inbox-processor.ts';
import { type InboxWriter, createInboxWriter } from './inbox-writer.ts';
import { createPollerSet } from './poller-set.ts';
import { type SyslogEndpoint, createSyslogListenerSet } from './syslog/syslog-listeners.ts';
import { webhookConnectorFromConfig } from './webhook/webhook-connector-config.ts';
import { type WebhookConnector, assertWebhookConnectors } from './webhook/webhook-connector.ts';
import { createWebhookRouter } from './webhook/webhook-router.ts';

export type IntakeWiringContext = Pick<WiringContext, 'env' | 'config' | 'store' | 'logger' | 'metrics' | 'clock' | 'random' | 'mappings'>
  & Partial<Pick<WiringContext, 'storage'>>;

export type { SyslogEndpoint } from './syslog/syslog-listeners.ts';

export interface IntakeWiringOptions extends OutboxWiringOptions {
  /** Idle wait of the inbox processor between polls of the inbox (default 250 ms). */
  readonly processorPollIntervalMs?: number | undefined;
}

export interface IntakeWiring {
  /** `/webhooks`: every enabled connector with a webhook scheme. */
  readonly mounts: Mount[];
  /** The outbox dispatcher's service: started before, and stopped after, everything that enqueues. */
  readonly outboxService: BackgroundService;
  /** Inbox processor, pollers, syslog listeners (start order; stopped in reverse). */
  readonly services: BackgroundService[];
  readonly dispatcher: Dispatcher;
  /** Wakes the dispatcher after a commit that wrote outbox rows (the sync wiring's `onOutbox`). */
  readonly nudge: () => void;
  /** The syslog listeners that are listening, with their bound ports. */
  syslogEndpoints(): readonly SyslogEndpoint[];
  /** What the last configuration change could not apply (one line per connector); empty when all of it is in force. */
  problems(): readonly string[];
  /**
   * Applies the configuration and mapping set in use now to the connectors (queued after the changes heard
   * before it), as a configuration change does; a no-op unless the services run. For a new mapping set.
   */
  applyConnectors(): void;
}

const wired = new WeakMap<object, IntakeWiring>();

/** The enabled connectors with every `env:NAME` resolved; an unset variable stops the start naming the connector. */
export function resolvedConnectors(config: LockstepConfig, env: IntakeWiringContext['env']): ConnectorConfig[] {
  return config.connectors.filter((c) => c.enabled !== false).map((c) => {
    try {
      return resolveConnectorSecrets(c, env);
    } catch (e) {
      throw new StartupError(`connector ${c.id}: ${(e as Error).message}`, { cause: e });
    }
  });
}

/** Webhook receivers of the connectors; throws a one-line StartupError for a receiver without a usable secret. */
export function webhookReceivers(connectors: readonly ConnectorConfig[], set: MappingSet | undefined): WebhookConnector[] {
  const receivers: WebhookConnector[] = [];
  for (const c of connectors) {
    const receiver = webhookConnectorFromConfig(c, set?.profiles.get(c.profile));
    if (receiver) receivers.push(receiver);
  }
  try {
    assertWebhookConnectors(receivers);
  } catch (e) {
    throw new StartupError((e as Error).message, { cause: e });
  }
  return receivers;
}

/**
 * `/webhooks`, rebuilt when the configuration or the mapping set is swapped (a new receiver, a rotated secret).
 * A rebuild that fails (a receiver without a secret) is logged once and the receivers in force stay.
 */
function webhookMount(ctx: IntakeWiringContext, inbox: InboxWriter): Mount {
  const log = ctx.logger.child({ component: 'webhook-intake' });
  const build = (config: LockstepConfig, set: MappingSet | undefined): Router => createWebhookRouter({
    connectors: webhookReceivers(resolvedConnectors(config, ctx.env), set),
    inbox, clock: ctx.clock, logger: ctx.logger, registry: ctx.metrics.registry,
    maxBodyBytes: parseByteSize(config.settings.bodyLimit), storage: ctx.storage,
  });
  let inForce = { config: ctx.config.current(), set: ctx.mappings.current() };
  let router = build(inForce.config, inForce.set);
  let refused: { config: LockstepConfig; set: MappingSet | undefined } | undefined;
  const current = (): Router => {
    const config = ctx.config.current();
    const set = ctx.mappings.current();
    if ((config === inForce.config && set === inForce.set) || (config === refused?.config && set === refused.set)) return router;
    try {
      router = build(config, set);
      inForce = { config, set };
      refused = undefined;
      log.info('webhook receivers rebuilt');
    } catch (e) {
      refused = { config, set };
      log.error({ error: (e as Error).message }, 'webhook receivers not changed');
    }
    return router;
  };
  return { path: '/webhooks', router: (req, res, next) => current()(req, res, next) };
}

export function intakeWiring(ctx: IntakeWiringContext, opts: IntakeWiringOptions = {}): IntakeWiring {
  const existing = wired.get(ctx);
  if (existing) return existing;
  const connectors = resolvedConnectors(ctx.config.current(), ctx.env);
  const inbox = createInboxWriter({ store: ctx.store, clock: ctx.clock, random: ctx.random });
  const mounts = [webhookMount(ctx, inbox)];
  const outbox = createOutboxWiring(ctx, connectors, opts);
  const processor = createInboxProcessor({
    store: ctx.store, clock: ctx.clock, logger: ctx.logger, registry: ctx.metrics.registry,
    pollIntervalMs: opts.processorPollIntervalMs,
    onStorageFault: ctx.storage ? (err) => ctx.storage?.report(err, { component: 'inbox-processor' }) : undefined,
    profileFor: (id) => {
      const c = ctx.config.current().connectors.find((x) => x.id === id);
      return c ? ctx.mappings.current()?.profiles.get(c.profile) : undefined;
    },
  });
  const pollers = createPollerSet({ ...ctx, jitter: unitRandom(ctx.random) }, connectors);
  const syslog = createSyslogListenerSet({ inbox, logger: ctx.logger, registry: ctx.metrics.registry, storage: ctx.storage });

  // Configuration changes, applied one after the other in the order heard, only while the services run.
  const log = ctx.logger.child({ component: 'intake' });
  let problems: string[] = [];
  let applying: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | undefined;
  let following = false;
  const apply = async (): Promise<void> => {
    let now: ConnectorConfig[];
    try {
      now = resolvedConnectors(ctx.config.current(), ctx.env);
    } catch (e) {
      problems = [(e as Error).message];
      log.error({ error: (e as Error).message }, 'connectors not changed');
      return;
    }
    problems = [...outbox.reconfigure(now), ...(await pollers.reconfigure(now)), ...(await syslog.reconfigure(now))];
    outbox.nudge();
  };
  const applyConnectors = (): void => {
    if (!following) return;
    applying = applying.then(apply).catch((e: unknown) => log.error({ err: e }, 'configuration change not applied'));
  };
  const follow: BackgroundService = {
    name: 'connector-reload',
    start() {
      following = true;
      unsubscribe = ctx.config.onChange(applyConnectors);
    },
    async stop() {
      following = false;
      unsubscribe?.();
      await applying;
    },
  };

  const services: BackgroundService[] = [
    { name: 'inbox-processor', start: () => processor.start(), stop: () => processor.stop() },
    { name: 'pollers', start: () => pollers.start(), stop: () => pollers.stop() },
    { name: 'syslog-listeners', start: () => syslog.start(connectors), stop: () => syslog.stop() },
    follow,
  ];
  const wiring: IntakeWiring = {
    mounts,
    outboxService: outbox.service,
    services,
    dispatcher: outbox.dispatcher,
    nudge: () => outbox.nudge(),
    syslogEndpoints: () => syslog.endpoints(),
    problems: () => problems,
    applyConnectors,
  };
  wired.set(ctx, wiring);
  return wiring;
}
