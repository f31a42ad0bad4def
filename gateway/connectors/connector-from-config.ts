import type { CompiledProfile } from '../../mappings/lib/compile-profile.ts';
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { Clock } from '../domain/clock.ts';
import { type ClosablePamConnector, createProfileConnector } from './profile-connector.ts';

/**
 * The outbound connector of one configured connector (secrets already resolved): its profile's request plans
 * over its `outbound` base URL, auth and timeout. Undefined when it has no outbound section or is disabled.
 */
export function pamConnectorFromConfig(
  c: ConnectorConfig,
  profile: CompiledProfile,
  deps: { readonly clock: Clock },
  params?: Readonly<Record<string, unknown>>,
): ClosablePamConnector | undefined {
  if (!c.outbound || c.enabled === false) return undefined;
  return createProfileConnector({
    id: c.id,
    vendor: c.vendor,
    profile,
    params,
    baseUrl: c.outbound.baseUrl,
    auth: c.outbound.auth,
    timeoutMs: c.outbound.timeoutMs,
    maxSockets: Math.max(8, c.outbound.concurrency * 2),
  }, deps);
}
