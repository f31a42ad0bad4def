/**
 * What every sync handler works with: the transaction, the time of this pass, the mappings in use and the
 * connector bindings, and the small write helpers (outbox, ledger, events, findings) that keep each effect in
 * the handler's transaction.
 */
import type { Logger } from 'pino';
import type { ConnectorBindings, MappingSet } from '../../mappings/lib/index.ts';
import type { Clock } from '../domain/clock.ts';
import type { RandomSource } from '../domain/ids.ts';
import type { StoreTx } from '../store/store.ts';

/** A configured connector as the engine needs it: kind, and the profile it speaks. */
export interface SyncConnector {
  readonly id: string;
  readonly kind: 'iga' | 'pam';
  readonly profile: string;
  /** True when the connector has an outbound section (the outbox can call it). */
  readonly outbound: boolean;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
}

export interface SyncEnvironment {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** The mapping set in use (undefined until the first successful load: nothing is planned then). */
  readonly mappings: () => MappingSet | undefined;
  /** The connectors configured now. */
  readonly connectors: () => readonly SyncConnector[];
}

export interface SyncTx {
  readonly tx: StoreTx;
  readonly env: SyncEnvironment;
  readonly now: string;
  readonly nowMs: number;
  readonly set: MappingSet | undefined;
  /** Set by a handler that wrote outbox messages: the dispatcher is nudged after the commit. */
  enqueued: number;
}

export function bindingsOf(connectors: readonly SyncConnector[]): ConnectorBindings {
  const out: Record<string, { profile: string; params?: Readonly<Record<string, unknown>> }> = {};
  for (const c of connectors) out[c.id] = { profile: c.profile, ...(c.params ? { params: c.params } : {}) };
  return out;
}

/** Whether the connector's profile can make this outbound call (and the connector has an outbound section). */
export function supports(s: SyncTx, connectorId: string, action: string): boolean {
  const c = s.env.connectors().find((x) => x.id === connectorId);
  if (!c || !c.outbound) return false;
  const actions = s.set?.profiles.get(c.profile)?.outbound?.actions as Readonly<Record<string, unknown>> | undefined;
  return actions?.[action] !== undefined;
}
