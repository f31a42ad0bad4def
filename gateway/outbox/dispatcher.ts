import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { OutboxMessage } from '../domain/outbox-message.ts';
import type { Store, StoreTx } from '../store/store.ts';
import { storeUnavailable } from '../store/store-unavailable.ts';
import type { PamConnector } from '../connectors/pam-connector.ts';
import { createGroupCommitter } from '../intake/group-commit.ts';
import { type CircuitBreaker, type CircuitBreakerOptions, DEFAULT_BREAKER, createCircuitBreaker } from './circuit-breaker.ts';
import { outboxMetrics } from './outbox-metrics.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions, isRetryable, nextAttempt } from './retry-policy.ts';
import { type PathVerdict, pathKeyOf, pathVerdict } from './path-order.ts';
import { type ActionOutcome, runAction } from './run-action.ts';

export interface DispatcherOptions {
  /** How long a claim lasts; must exceed the longest call (timeout) so that no one else takes it meanwhile. */
  readonly leaseMs: number;
  /** Idle wait between polls of the outbox when nothing is due. */
  readonly pollIntervalMs: number;
  /** Calls in flight per connector (the connector's `outbound.concurrency`). */
  readonly concurrency: number | ((connectorId: ConnectorId) => number);
  readonly retry: RetryPolicyOptions;
  readonly breaker: CircuitBreakerOptions;
}

export const DEFAULT_DISPATCHER: DispatcherOptions = {
  leaseMs: 60_000, pollIntervalMs: 500, concurrency: 4, retry: DEFAULT_RETRY_POLICY, breaker: DEFAULT_BREAKER,
};

export interface DispatcherDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** [0, 1) for jitter. */
  readonly random: () => number;
  readonly connectors: ReadonlyMap<ConnectorId, PamConnector>;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Who claims (host and pid): a crashed owner's claims are taken over when their lease runs out. */
  readonly owner: string;
  readonly options?: Partial<DispatcherOptions>;
  /**
   * A claim or a mark failed because the store cannot take writes (disk full, no connection): reported here (the
   * storage health logs the episode once and turns readiness); the lease expires and the message is taken again.
   */
  readonly onStorageFault?: ((err: unknown) => void) | undefined;
}

export interface Dispatcher {
  start(): void;
  /** Stops claiming and waits for calls in flight and their marks (at most `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** One round: claims what is due within the free slots and starts the calls; resolves with how many started. */
  tick(): Promise<number>;
  /** Resolves when no call is in flight and every mark is committed. */
  idle(): Promise<void>;
  breaker(connectorId: ConnectorId): CircuitBreaker;
}

interface Completion {
  readonly message: OutboxMessage;
  readonly outcome: ActionOutcome;
  /** Not sent: an older message of the same path is still being sent elsewhere; claimable again at this time. */
  readonly deferUntil?: string | undefined;
}

/**
 * The outbox dispatcher: claims due messages per connector with a lease (within that connector's concurrency
 * and circuit breaker), runs each through its connector, and marks it delivered, failed (retry at) or abandoned
 * (dead letter) with an `outbox.changed` event, marks being group-committed.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const o: DispatcherOptions = { ...DEFAULT_DISPATCHER, ...deps.options };
  const metrics = outboxMetrics(deps.registry);
  const log = deps.logger.child({ component: 'outbox-dispatcher', owner: deps.owner });
  const breakers = new Map<ConnectorId, CircuitBreaker>();
  const inFlight = new Map<ConnectorId, number>();
  const running = new Set<Promise<void>>();
  const pathTails = new Map<string, Promise<void>>();
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let again = false;

  const iso = (ms: number): string => new Date(ms).toISOString();
  const breakerFor = (id: ConnectorId): CircuitBreaker => {
    let b = breakers.get(id);
    if (!b) breakers.set(id, (b = createCircuitBreaker(deps.clock, o.breaker)));
    return b;
  };
  const limitFor = (id: ConnectorId): number => (typeof o.concurrency === 'function' ? o.concurrency(id) : o.concurrency);
  const circuitGauge = (id: ConnectorId): void => {
    const s = breakerFor(id).state();
    metrics.circuit.set({ connector: id }, s === 'closed' ? 0 : s === 'half-open' ? 1 : 2);
  };

  /** A storage fault goes to `onStorageFault` (logged at debug: the storage health logs the episode); the rest is an error. */
  const storeFailure = (e: unknown, fields: Record<string, unknown>, msg: string): void => {
    if (deps.onStorageFault && storeUnavailable(e)) {
      deps.onStorageFault(e);
      log.debug({ err: e, ...fields }, msg);
    } else log.error({ err: e, ...fields }, msg);
  };

  const marks = createGroupCommitter<Completion, void>({
    store: deps.store,
    maxBatch: 512,
    write: (tx, c) => mark(tx, c),
  });

  async function mark(tx: StoreTx, c: Completion): Promise<void> {
    const { message, outcome } = c;
    const nowMs = deps.clock.now();
    const at = iso(nowMs);
    let status: OutboxMessage['status'];
    let error: string | undefined;
    if (c.deferUntil !== undefined && !outcome.ok) {
      status = 'failed';
      error = outcome.error.message;
      await tx.outbox.markFailed(message.id, at, error, c.deferUntil);
    } else if (outcome.ok) {
      status = 'delivered';
      await tx.outbox.markDelivered(message.id, at, outcome.value);
    } else {
      const decision = nextAttempt({ attempt: message.attempts, failure: outcome.error.failure, random: deps.random, nowMs, options: o.retry });
      error = decision.retry ? outcome.error.message : `${outcome.error.message} (${decision.why})`;
      status = decision.retry ? 'failed' : 'abandoned';
      await tx.outbox.markFailed(message.id, at, error, decision.retry ? iso(nowMs + decision.delayMs) : undefined);
    }
    const superseded = outcome.ok && typeof outcome.value['superseded'] === 'string';
    const counted = c.deferUntil !== undefined ? 'deferred' : superseded ? 'superseded' : status === 'delivered' ? 'delivered' : status === 'failed' ? 'retry' : 'dead-letter';
    metrics.attempts.inc({ connector: message.connectorId, action: message.action, outcome: counted });
    await tx.events.append({
      type: 'outbox.changed',
      subject: `connector:${message.connectorId}`,
      actor: 'lockstep',
      payload: { outboxId: message.id, connectorId: message.connectorId, action: message.action, status, attempts: message.attempts, ...(error ? { error } : {}) },
      occurredAt: at,
    });
  }

  /**
   * Path order first (path-order.ts): a message overtaken by a newer one for its path is settled as delivered
   * with `{ superseded: <newer id> }` without a call; one behind an older message still being sent elsewhere is
   * deferred to that claim's lease end (the deferral counts as an attempt).
   */
  async function call(connector: PamConnector, message: OutboxMessage): Promise<void> {
    let verdict: PathVerdict;
    try {
      verdict = await pathVerdict(deps.store, message, iso(deps.clock.now()));
    } catch (e) {
      storeFailure(e, { outboxId: message.id }, 'could not read the path order; the lease will expire and the call will be retried');
      return;
    }
    if (verdict.kind !== 'send') {
      log.info({ outboxId: message.id, connectorId: connector.id, action: message.action, verdict: verdict.kind, ...(verdict.kind === 'superseded' ? { newer: verdict.by } : { behind: verdict.behind }) }, 'outbound call not sent (path order)');
      const completion: Completion = verdict.kind === 'superseded'
        ? { message, outcome: { ok: true, value: { superseded: verdict.by } } }
        : { message, outcome: { ok: false, error: { failure: { kind: 'network' }, message: `deferred: older message ${verdict.behind} for the same path is still being sent` } }, deferUntil: verdict.until };
      try {
        await marks.submit(completion);
      } catch (e) {
        storeFailure(e, { outboxId: message.id }, 'could not record the path-order outcome; the lease will expire and it will be checked again');
      }
      return;
    }
    await send(connector, message);
  }

  async function send(connector: PamConnector, message: OutboxMessage): Promise<void> {
    const breaker = breakerFor(connector.id);
    const endTimer = metrics.callSeconds.startTimer({ connector: connector.id, action: message.action });
    let outcome: ActionOutcome;
    try {
      outcome = await runAction(connector, message);
    } catch (e) {
      log.error({ err: e, outboxId: message.id, connectorId: connector.id }, 'connector threw');
      outcome = { ok: false, error: { failure: { kind: 'network' }, message: 'connector failed unexpectedly' } };
    }
    endTimer();
    if (!outcome.ok && isRetryable(outcome.error.failure)) breaker.onFailure();
    else breaker.onSuccess();
    circuitGauge(connector.id);
    if (!outcome.ok) log.warn({ outboxId: message.id, connectorId: connector.id, action: message.action, attempt: message.attempts, error: outcome.error.message }, 'outbound call failed');
    try {
      await marks.submit({ message, outcome });
    } catch (e) {
      storeFailure(e, { outboxId: message.id }, 'could not record the call outcome; the lease will expire and the call will be retried');
    }
  }

  /** Calls of one path started here run one after the other, each after the previous one's mark is committed. */
  function start(connector: PamConnector, message: OutboxMessage): void {
    inFlight.set(connector.id, (inFlight.get(connector.id) ?? 0) + 1);
    const key = pathKeyOf(message.connectorId, message.action, message.payload);
    const before = key ? pathTails.get(key) : undefined;
    const p = (before ? before.catch(() => undefined).then(() => call(connector, message)) : call(connector, message)).finally(() => {
      inFlight.set(connector.id, (inFlight.get(connector.id) ?? 1) - 1);
      running.delete(p);
      if (key && pathTails.get(key) === p) pathTails.delete(key);
      wake();
    });
    if (key) pathTails.set(key, p);
    running.add(p);
  }

  async function round(): Promise<number> {
    let started = 0;
    for (const [id, connector] of deps.connectors) {
      const breaker = breakerFor(id);
      circuitGauge(id);
      const free = breaker.permits(inFlight.get(id) ?? 0, limitFor(id));
      if (free <= 0) continue;
      const now = deps.clock.now();
      const claimed = await deps.store.outbox.claim({ now: iso(now), owner: deps.owner, leaseUntil: iso(now + o.leaseMs), limit: free, connectorId: id });
      for (const m of claimed) start(connector, m);
      started += claimed.length;
    }
    return started;
  }

  async function tick(): Promise<number> {
    if (ticking) {
      again = true;
      return 0;
    }
    ticking = round().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void loop(), ms);
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    let started = 0;
    try {
      again = false;
      started = await tick();
    } catch (e) {
      storeFailure(e, {}, 'outbox claim failed');
    }
    schedule(started > 0 || again ? 0 : o.pollIntervalMs);
  }

  function wake(): void {
    if (!stopped) schedule(0);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      clearTimeout(timer);
      if (ticking) await ticking.catch(() => 0);
      const grace = new Promise<void>((r) => setTimeout(r, graceMs).unref());
      await Promise.race([Promise.allSettled([...running]).then(() => marks.drain()), grace]);
    },
    tick,
    async idle() {
      while (running.size > 0 || ticking) {
        await Promise.allSettled([...running]);
        if (ticking) await ticking.catch(() => 0);
      }
      await marks.drain();
    },
    breaker: breakerFor,
  };
}
