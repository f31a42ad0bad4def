/** A dispatcher wired to a real CyberArk fake through the profile connector, over a real SQLite store. */
import { Registry } from 'prom-client';
import { type Clock, systemClock } from '../../../gateway/domain/clock.ts';
import { type ClosablePamConnector, createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { type Dispatcher, type DispatcherOptions, createDispatcher } from '../../../gateway/outbox/dispatcher.ts';
import { enqueue } from '../../../gateway/outbox/enqueue.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { startCyberArkFake } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
import { ids, silentLogger } from '../intake/harness.ts';

export const CONNECTOR = 'cyberark-test';
export const TINY_SCHEDULE = { scheduleMs: [0, 20, 20, 20], maxAttempts: 6, jitter: 0, maxRetryAfterMs: 5_000 };

export async function cyberArk(timeoutMs = 1_000): Promise<{ fake: Awaited<ReturnType<typeof startCyberArkFake>>; connector: ClosablePamConnector }> {
  const fake = await startCyberArkFake();
  fake.state.addSafe('Finance');
  const connector = createProfileConnector({
    id: CONNECTOR, vendor: 'cyberark', profile: await builtinProfile('cyberark'),
    baseUrl: fake.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs,
  }, { clock: systemClock });
  return { fake, connector };
}

export function dispatcher(store: Store, connector: ClosablePamConnector, opts: { clock?: Clock; options?: Partial<DispatcherOptions>; owner?: string; registry?: Registry } = {}): Dispatcher {
  return createDispatcher({
    store, clock: opts.clock ?? systemClock, random: () => 0.5, connectors: new Map([[CONNECTOR, connector]]),
    logger: silentLogger, registry: opts.registry ?? new Registry(), owner: opts.owner ?? 'test',
    options: { pollIntervalMs: 10, leaseMs: 60_000, concurrency: 4, retry: TINY_SCHEDULE, ...opts.options },
  });
}

export async function enqueueGrants(store: Store, principals: readonly string[], clock: Clock = systemClock): Promise<void> {
  await store.transaction(async (tx) => {
    for (const p of principals) {
      await enqueue(tx, { connectorId: CONNECTOR, action: 'grant', idempotencyKey: `grant:${p}`, payload: { target: { kind: 'safe', ref: 'Finance' }, principal: p, permissions: ['useAccounts'] } }, { clock, random: ids });
    }
  });
}

export async function statusCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await store.outbox.stats()) out[s.status] = (out[s.status] ?? 0) + s.count;
  return out;
}
