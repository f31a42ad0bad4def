/**
 * How gateway/main.ts wires PAM intake and the outbox from its wiring context: one inbox writer shared by the
 * webhook receivers (`/webhooks/<connector>`), the syslog listeners and the pollers; the inbox processor (each
 * connector's vendor profile from the live mapping set); and the outbox dispatcher. Secrets are resolved here,
 * and a receiver that cannot verify what it receives stops the start with one line naming the connector.
 * Memoised per context, like the sync wiring.
 */
import path from 'node:path';
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
import { pollerServices } from './poller-wiring.ts';
import { createSyslogListener } from './syslog/syslog-listener.ts';
import { webhookConnectorFromConfig } from './webhook/webhook-connector-config.ts';
import { type WebhookConnector, assertWebhookConnectors } from './webhook/webhook-connector.ts';
import { createWebhookRouter } from './webhook/webhook-router.ts';

export type IntakeWiringContext = Pick<WiringContext, 'env' | 'config' | 'store' | 'logger' | 'metrics' | 'clock' | 'random' | 'mappings'>;

export interface IntakeWiringOptions extends OutboxWiringOptions {
  /** Idle wait of the inbox processor between polls of the inbox (default 250 ms). */
  readonly processorPollIntervalMs?: number | undefined;
}

/** A syslog listener as started: where Vaults send their audit records. */
export interface SyslogEndpoint {
  readonly connectorId: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
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
    maxBodyBytes: parseByteSize(config.settings.bodyLimit),
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

function syslogServices(ctx: IntakeWiringContext, connectors: readonly ConnectorConfig[], inbox: InboxWriter, endpoints: SyslogEndpoint[]): BackgroundService[] {
  return connectors.filter((c) => c.inbound?.scheme === 'syslog').map((c) => {
    const inbound = c.inbound!;
    const host = inbound.host ?? '127.0.0.1';
    const tls = inbound.tlsCertFile && inbound.tlsKeyFile ? { certFile: path.resolve(inbound.tlsCertFile), keyFile: path.resolve(inbound.tlsKeyFile) } : undefined;
    if (inbound.port === undefined) throw new StartupError(`connector ${c.id}: inbound.port is required for scheme "syslog"`);
    const listener = createSyslogListener({ connectorId: c.id, host, port: inbound.port, tls }, { inbox, logger: ctx.logger, registry: ctx.metrics.registry });
    let endpoint: SyslogEndpoint | undefined;
    return {
      name: `syslog-listener:${c.id}`,
      async start() {
        try {
          const { port } = await listener.listen();
          endpoint = { connectorId: c.id, host, port, tls: tls !== undefined };
          endpoints.push(endpoint);
        } catch (e) {
          await listener.close().catch(() => undefined);
          throw new StartupError(`connector ${c.id}: syslog listener cannot listen on ${host}:${inbound.port}: ${(e as Error).message}`, { cause: e });
        }
      },
      async stop() {
        if (endpoint) endpoints.splice(endpoints.indexOf(endpoint), 1);
        await listener.close();
      },
    };
  });
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
    profileFor: (id) => {
      const c = ctx.config.current().connectors.find((x) => x.id === id);
      return c ? ctx.mappings.current()?.profiles.get(c.profile) : undefined;
    },
  });
  const endpoints: SyslogEndpoint[] = [];
  const services: BackgroundService[] = [
    { name: 'inbox-processor', start: () => processor.start(), stop: () => processor.stop() },
    ...pollerServices({ ...ctx, jitter: unitRandom(ctx.random) }, connectors),
    ...syslogServices(ctx, connectors, inbox, endpoints),
  ];
  const wiring: IntakeWiring = {
    mounts,
    outboxService: outbox.service,
    services,
    dispatcher: outbox.dispatcher,
    nudge: () => outbox.nudge(),
    syslogEndpoints: () => [...endpoints],
  };
  wired.set(ctx, wiring);
  return wiring;
}
