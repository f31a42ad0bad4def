/**
 * The pollers of the connectors with `inbound.scheme: "poll"`, following the configuration: a connector added
 * gets its poller, a removed one's poller stops (a poll in progress finishes and keeps its cursor), a changed
 * one (base URL, credentials, interval, profile) is stopped and then started again as configured now, so that
 * two pollers never read one connector's cursor at once. Built by poller-wiring.ts, one connector at a time.
 */
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { BackgroundService } from '../main.ts';
import { profileIdentity } from '../outbox/outbox-wiring.ts';
import { type PollerWiringContext, pollerServices } from './poller-wiring.ts';

export interface PollerSet {
  /** Starts the pollers built at creation. */
  start(): Promise<void>;
  /** Follows a new set of connectors; resolves with one line per poller that could not be built. */
  reconfigure(connectors: readonly ConnectorConfig[]): Promise<string[]>;
  stop(): Promise<void>;
}

const polled = (connectors: readonly ConnectorConfig[]) => connectors.filter((c) => c.inbound?.scheme === 'poll');

/** Builds the pollers of `initial` now: a connector that cannot be polled throws (a StartupError naming it). */
export function createPollerSet(ctx: PollerWiringContext, initial: readonly ConnectorConfig[]): PollerSet {
  const log = ctx.logger.child({ component: 'pollers' });
  const print = (c: ConnectorConfig): string => JSON.stringify([c, profileIdentity(ctx.mappings.current()?.profiles.get(c.profile))]);
  const built = new Map<string, { print: string; service: BackgroundService; started: boolean }>();
  for (const c of polled(initial)) {
    const [service] = pollerServices(ctx, [c]);
    if (service) built.set(c.id, { print: print(c), service, started: false });
  }

  const stopOne = async (id: string): Promise<void> => {
    const b = built.get(id);
    built.delete(id);
    if (b?.started) await b.service.stop().catch((e: unknown) => log.warn({ err: e, connectorId: id }, 'poller did not stop cleanly'));
  };

  return {
    async start() {
      for (const b of built.values()) {
        await b.service.start();
        b.started = true;
      }
    },
    async reconfigure(connectors) {
      const wanted = polled(connectors);
      const problems: string[] = [];
      const ids = new Set(wanted.map((c) => c.id));
      for (const id of [...built.keys()]) {
        if (ids.has(id)) continue;
        await stopOne(id);
        log.info({ connectorId: id }, 'poller stopped (connector removed)');
      }
      for (const c of wanted) {
        const had = built.get(c.id);
        const p = print(c);
        if (had?.print === p) continue;
        let service: BackgroundService | undefined;
        try {
          [service] = pollerServices(ctx, [c]);
        } catch (e) {
          problems.push((e as Error).message);
          log.error({ connectorId: c.id, error: (e as Error).message }, 'poller not changed');
          continue;
        }
        if (had) await stopOne(c.id);
        if (!service) continue;
        const entry = { print: p, service, started: false };
        built.set(c.id, entry);
        await service.start();
        entry.started = true;
        log.info({ connectorId: c.id }, had ? 'poller restarted with the new configuration' : 'poller added');
      }
      return problems;
    },
    async stop() {
      for (const id of [...built.keys()].reverse()) await stopOne(id);
    },
  };
}
