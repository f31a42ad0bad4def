/**
 * The pollers of the connectors with `inbound.scheme: "poll"`: the vendor profile's `inbound.poll` section when
 * it has one (StrongDM activities, Teleport audit events), else the built-in source of the vendor (the CyberArk
 * audit stream, whose two-step query a poll section cannot express), over the connector's outbound base URL and
 * credentials, every `poll.intervalSeconds`.
 */
import type { ConnectorConfig } from '../config/config-schema.ts';
import { StartupError } from '../config/startup-error.ts';
import { type AuthenticatedHttp, createAuthenticatedHttp } from '../connectors/authenticated-http.ts';
import { withProfilePaths } from '../connectors/profile-connector.ts';
import type { BackgroundService, WiringContext } from '../main.ts';
import type { CompiledProfile } from '../../mappings/lib/compile-profile.ts';
import { type PollSource, createPoller } from './poller.ts';
import { cyberArkAuditSource } from './poll-sources/cyberark-audit-source.ts';
import { profilePollSource } from './poll-sources/profile-poll-source.ts';

export type PollerWiringContext = Pick<WiringContext, 'store' | 'logger' | 'metrics' | 'clock' | 'random' | 'mappings'> & {
  /** [0, 1) for backoff jitter. */
  readonly jitter: () => number;
};

const DEFAULT_INTERVAL_SECONDS = 60;

function pollSource(c: ConnectorConfig, profile: CompiledProfile | undefined, http: AuthenticatedHttp): PollSource | undefined {
  const fromProfile = profile && profilePollSource(c.id, profile, http);
  if (fromProfile) return fromProfile;
  if (c.vendor === 'cyberark') return cyberArkAuditSource(http);
  return undefined;
}

/** One service per polled connector (secrets already resolved); a connector with no way to poll stops the start. */
export function pollerServices(ctx: PollerWiringContext, connectors: readonly ConnectorConfig[]): BackgroundService[] {
  return connectors.filter((c) => c.inbound?.scheme === 'poll').map((c) => {
    const outbound = c.outbound;
    if (!outbound) throw new StartupError(`connector ${c.id}: inbound.scheme "poll" needs an outbound section (the poller calls the vendor API)`);
    const profile = ctx.mappings.current()?.profiles.get(c.profile);
    const auth = profile ? withProfilePaths(outbound.auth, profile, outbound.baseUrl) : outbound.auth;
    const http = createAuthenticatedHttp({ baseUrl: outbound.baseUrl, auth, timeoutMs: outbound.timeoutMs }, { clock: ctx.clock });
    const source = pollSource(c, profile, http);
    if (!source) {
      http.close();
      throw new StartupError(`connector ${c.id}: inbound.scheme "poll" but vendor profile ${c.profile} has no inbound.poll section and vendor ${c.vendor} has no built-in poller`);
    }
    const intervalSeconds = c.poll?.intervalSeconds ?? profile?.doc.inbound?.poll?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
    const poller = createPoller({ connectorId: c.id, source, intervalMs: intervalSeconds * 1000 }, {
      store: ctx.store, clock: ctx.clock, ids: ctx.random, random: ctx.jitter, logger: ctx.logger, registry: ctx.metrics.registry,
    });
    return {
      name: `poller:${c.id}`,
      start: () => poller.start(),
      async stop() {
        await poller.stop();
        http.close();
      },
    };
  });
}
