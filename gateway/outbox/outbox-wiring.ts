/**
 * How gateway/main.ts wires the outbox dispatcher: one outbound connector per enabled connector with an
 * `outbound` section (PAM calls and IGA notifications), built from its vendor profile with its secrets resolved,
 * claimed under this process's name (`host:pid`) with each connector's `outbound.concurrency`.
 *
 * The set follows the configuration ({@link OutboxWiring.reconfigure}): a connector added, removed or changed
 * (base URL, auth, timeout, concurrency, profile) gets a new outbound connector for the next claim; calls in
 * flight finish with the one they started with, which is closed once the last of them has ended.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { ConnectorConfig } from '../config/config-schema.ts';
import { StartupError } from '../config/startup-error.ts';
import { pamConnectorFromConfig } from '../connectors/connector-from-config.ts';
import type { PamConnector } from '../connectors/pam-connector.ts';
import type { ClosablePamConnector } from '../connectors/profile-connector.ts';
import type { CompiledProfile } from '../../mappings/lib/compile-profile.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { BackgroundService, WiringContext } from '../main.ts';
import { type Dispatcher, type DispatcherOptions, createDispatcher } from './dispatcher.ts';

export type OutboxWiringContext = Pick<WiringContext, 'config' | 'store' | 'logger' | 'metrics' | 'clock' | 'random' | 'mappings'>
  & Partial<Pick<WiringContext, 'storage'>>;

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
  /**
   * Follows a new set of (secrets-resolved) connectors: builds the outbound connectors that are new or changed,
   * drops the removed ones. Returns one line per connector that could not be built (its previous connector,
   * if any, stays in force).
   */
  reconfigure(connectors: readonly ConnectorConfig[]): string[];
}

/** [0, 1) from the injected random source (retry and backoff jitter). */
export function unitRandom(random: WiringContext['random']): () => number {
  return () => {
    const b = random(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0) / 2 ** 32;
  };
}

/** Why a connector gets no outbound connector (profile missing or without an outbound section), else undefined. */
function missingProfile(c: ConnectorConfig, profile: CompiledProfile | undefined): string | undefined {
  if (!profile) return 'vendor profile not loaded; outbound calls to this connector wait in the outbox';
  if (!profile.outbound) return 'vendor profile has no outbound section; outbound calls to this connector wait in the outbox';
  return undefined;
}

const profileIds = new WeakMap<object, string>();
let unserialisable = 0;
/**
 * What a compiled profile was compiled from (name, file, document), as a SHA-256, '' for none: a reloaded set
 * whose profile did not change gives the same value, so that its connectors are not rebuilt. A document that
 * cannot be serialised counts as changed on every reload.
 */
export function profileIdentity(profile: CompiledProfile | undefined): string {
  if (!profile) return '';
  let id = profileIds.get(profile);
  if (id === undefined) {
    let source: string;
    try {
      source = JSON.stringify([profile.name, profile.file, profile.doc]);
    } catch {
      source = `unserialisable:${++unserialisable}`;
    }
    profileIds.set(profile, (id = createHash('sha256').update(source).digest('hex')));
  }
  return id;
}

/** What an outbound connector is built from: a change of any of it means a new connector. */
function fingerprint(c: ConnectorConfig, profile: CompiledProfile | undefined): string {
  return JSON.stringify([c.vendor, c.profile, c.outbound, profileIdentity(profile)]);
}

/**
 * One built outbound connector as the dispatcher sees it: counts the calls in flight so that, once retired
 * (replaced or removed), it is closed when the last of them ends. A call that reaches it after it was closed
 * (claimed before the change, started after) goes to its replacement.
 */
interface Generation {
  readonly connector: PamConnector;
  retire(): void;
}

function generation(inner: ClosablePamConnector, replacement: () => PamConnector | undefined): Generation {
  let inFlight = 0;
  let retired = false;
  let closed = false;
  const closeWhenIdle = (): void => {
    if (retired && inFlight === 0 && !closed) {
      closed = true;
      inner.close();
    }
  };
  const counted = <A extends unknown[], R>(name: keyof PamConnector, call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const next = closed ? replacement() : undefined;
    if (next && next !== connector) return (next[name] as unknown as (...a: A) => Promise<R>)(...args);
    inFlight++;
    try {
      return await call(...args);
    } finally {
      inFlight--;
      closeWhenIdle();
    }
  };
  const connector: PamConnector = {
    id: inner.id,
    vendor: inner.vendor,
    checkHealth: counted('checkHealth', () => inner.checkHealth()),
    grant: counted('grant', (i: Parameters<PamConnector['grant']>[0]) => inner.grant(i)),
    revoke: counted('revoke', (i: Parameters<PamConnector['revoke']>[0]) => inner.revoke(i)),
    updatePermissions: counted('updatePermissions', (i: Parameters<PamConnector['updatePermissions']>[0]) => inner.updatePermissions(i)),
    readBack: counted('readBack', (i: Parameters<PamConnector['readBack']>[0]) => inner.readBack(i)),
    listInventory: (opts) => inner.listInventory(opts),
    approveElevation: counted('approveElevation', (i: Parameters<PamConnector['approveElevation']>[0]) => inner.approveElevation(i)),
    denyElevation: counted('denyElevation', (i: Parameters<PamConnector['denyElevation']>[0]) => inner.denyElevation(i)),
    endElevation: counted('endElevation', (i: Parameters<PamConnector['endElevation']>[0]) => inner.endElevation(i)),
    notifyIga: counted('notifyIga', (i: Parameters<PamConnector['notifyIga']>[0]) => inner.notifyIga(i)),
  };
  return {
    connector,
    retire() {
      retired = true;
      closeWhenIdle();
    },
  };
}

export function createOutboxWiring(ctx: OutboxWiringContext, connectors: readonly ConnectorConfig[], opts: OutboxWiringOptions = {}): OutboxWiring {
  const log = ctx.logger.child({ component: 'outbox' });
  /** What the dispatcher claims for (changed in place: each round reads it afresh). */
  const pam = new Map<ConnectorId, PamConnector>();
  const built = new Map<ConnectorId, { fingerprint: string; generation: Generation }>();
  const concurrency = new Map<string, number>();

  /** Builds what changed; `atStart`: a connector that cannot be built stops the start. */
  const apply = (wanted: readonly ConnectorConfig[], atStart: boolean): string[] => {
    const problems: string[] = [];
    const profiles = ctx.mappings.current()?.profiles;
    const seen = new Set<string>();
    for (const c of wanted) {
      if (!c.outbound || c.enabled === false) continue;
      seen.add(c.id);
      concurrency.set(c.id, c.outbound.concurrency ?? 4);
      const profile = profiles?.get(c.profile);
      const print = fingerprint(c, profile);
      const had = built.get(c.id);
      if (had?.fingerprint === print) continue;
      const missing = missingProfile(c, profile);
      let next: ClosablePamConnector | undefined;
      if (missing) {
        log.warn({ connectorId: c.id, profile: c.profile }, missing);
      } else {
        try {
          next = pamConnectorFromConfig(c, profile!, { clock: ctx.clock }) ?? undefined;
        } catch (e) {
          const line = `connector ${c.id}: outbound connector cannot be built: ${(e as Error).message}`;
          if (atStart) throw new StartupError(line, { cause: e });
          log.error({ connectorId: c.id, error: (e as Error).message }, 'outbound connector not changed');
          problems.push(line);
          continue;
        }
      }
      had?.generation.retire();
      if (next) {
        const g = generation(next, () => pam.get(c.id));
        built.set(c.id, { fingerprint: print, generation: g });
        pam.set(c.id, g.connector);
      } else {
        built.delete(c.id);
        pam.delete(c.id);
      }
      if (!atStart) log.info({ connectorId: c.id, baseUrl: next ? new URL(c.outbound.baseUrl).origin : undefined }, had ? 'outbound connector rebuilt' : 'outbound connector added');
    }
    for (const [id, had] of [...built]) {
      if (seen.has(id)) continue;
      had.generation.retire();
      built.delete(id);
      pam.delete(id);
      concurrency.delete(id);
      log.info({ connectorId: id }, 'outbound connector removed; its queued calls wait in the outbox');
    }
    return problems;
  };
  apply(connectors, true);

  const inner = createDispatcher({
    store: ctx.store,
    clock: ctx.clock,
    random: unitRandom(ctx.random),
    connectors: pam,
    logger: ctx.logger,
    registry: ctx.metrics.registry,
    owner: `${os.hostname()}:${process.pid}`,
    options: { concurrency: (id) => concurrency.get(id) ?? 4, ...opts.dispatcher },
    onStorageFault: ctx.storage ? (err) => ctx.storage?.report(err, { component: 'outbox-dispatcher' }) : undefined,
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
    reconfigure: (wanted) => apply(wanted, false),
    service: {
      name: 'outbox-dispatcher',
      start() {
        if (opts.dispatch !== false) dispatcher.start();
      },
      async stop() {
        await dispatcher.stop(ctx.config.current().settings.shutdownGraceMs);
        for (const { generation: g } of built.values()) g.retire();
        built.clear();
        pam.clear();
      },
    },
  };
}
