/**
 * The sync engine: consumes domain events in `seq` order (so events of one subject are handled in order) and
 * applies each through its handler. The durable cursor `sync-engine` advances in the SAME transaction as the
 * effects of the events it covers, so a restart resumes exactly after what was committed: nothing twice,
 * nothing skipped. Each transaction first locks the cursor (`cursors.lock`), so engines on several replicas take
 * turns: one that finds the cursor moved while it waited backs off and reads on from there (no double effect).
 *
 * It reacts promptly: `wake()` (called by whoever commits events, e.g. after a SCIM write) runs a pass at once;
 * a short fallback poll of the event log catches the rest. Timers end expired assignments and elevation windows
 * and check static secrets of non-human identities.
 */
import { performance } from 'node:perf_hooks';
import { isoAt } from '../domain/clock.ts';
import type { DomainEvent } from '../domain/domain-event.ts';
import type { Registry } from 'prom-client';
import type { Store } from '../store/store.ts';
import { storeUnavailable } from '../store/store-unavailable.ts';
import { syncMetrics } from './sync-metrics.ts';
import { routeEvent } from './event-router.ts';
import type { SyncEnvironment, SyncTx } from './sync-context.ts';
import { runTimers } from './sync-timers.ts';
import { ledger } from './sync-writes.ts';

export const SYNC_CURSOR = 'sync-engine';

export interface SyncEngineOptions {
  /** Events per transaction. */
  readonly batchSize: number;
  /** Idle poll of the event log when nobody woke the engine. */
  readonly pollIntervalMs: number;
  /** How often expiry, window ends and secret ages are checked. */
  readonly timerIntervalMs: number;
  /** How often every non-human identity's secret age is checked (a full pass). */
  readonly secretAgeIntervalMs: number;
  /** Attempts at one event that keeps failing before it is recorded as failed and passed over. */
  readonly maxEventAttempts: number;
  /**
   * A transaction takes no more events once it has run this long, so that others waiting for the store (the
   * outbox dispatcher's claims and marks, SCIM writes) are not held up behind a long batch.
   */
  readonly maxTransactionMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  batchSize: 256, pollIntervalMs: 10, timerIntervalMs: 1_000, secretAgeIntervalMs: 3_600_000, maxEventAttempts: 3, maxTransactionMs: 50,
};

export interface SyncEngineDeps extends SyncEnvironment {
  readonly store: Store;
  /** Called after a commit that wrote outbox messages (nudges the dispatcher). */
  readonly onOutbox?: (() => void) | undefined;
  /** Where the engine's metrics go (`lockstep_sync_*`). */
  readonly registry?: Registry | undefined;
  readonly options?: Partial<SyncEngineOptions> | undefined;
  /**
   * A pass failed because the store cannot take writes (disk full, no connection): reported here (the storage
   * health logs the episode once and turns readiness). Such a failure is never counted against the event.
   */
  readonly onStorageFault?: ((err: unknown) => void) | undefined;
}

/** Wait before the next pass after the store could not take writes. */
const STORAGE_FAULT_BACKOFF_MS = 1_000;

export interface SyncEngine {
  start(): void;
  stop(): Promise<void>;
  /** Runs a pass soon (events were committed). */
  wake(): void;
  /** One batch; resolves with how many events it consumed. */
  runOnce(): Promise<number>;
  /** Runs the timers once (expiry, window ends, secret ages). */
  runTimers(): Promise<void>;
  /** Resolves when every event committed so far is consumed. */
  drain(): Promise<void>;
  /** The durable position: the last consumed seq. */
  position(): Promise<number>;
}

class CursorMoved extends Error {}

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const o: SyncEngineOptions = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
  const log = deps.logger.child({ component: 'sync-engine' });
  const { store } = deps;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let lastTimers = 0;
  let lastSecretPass = 0;
  const failures = new Map<number, number>();
  /** Set when an event failed and will be retried: the next pass waits this long (backoff), then resets. */
  let retryInMs = 0;
  const metrics = deps.registry ? syncMetrics(deps.registry) : undefined;

  const position = async (): Promise<number> => Number((await store.cursors.get(SYNC_CURSOR)) ?? '0');

  async function apply(events: readonly DomainEvent[], from: number): Promise<number> {
    const s: SyncTx[] = [];
    const done = await store.transaction(async (tx) => {
      const started = performance.now();
      const at = Number((await tx.cursors.lock(SYNC_CURSOR)) ?? '0');
      if (at !== from) throw new CursorMoved();
      const nowMs = deps.clock.now();
      const ctx: SyncTx = { tx, env: deps, now: isoAt(deps.clock), nowMs, set: deps.mappings(), enqueued: 0 };
      s.push(ctx);
      let n = 0;
      while (n < events.length) {
        await routeEvent(ctx, events[n]!);
        n += 1;
        if (performance.now() - started > o.maxTransactionMs) break;
      }
      await tx.cursors.set(SYNC_CURSOR, String(events[n - 1]!.seq));
      return n;
    });
    if ((s[0]?.enqueued ?? 0) > 0) deps.onOutbox?.();
    if (metrics) {
      for (const e of events.slice(0, done)) metrics.events.inc({ type: e.type });
      metrics.position.set(events[done - 1]!.seq);
    }
    return done;
  }

  /** A failing event is retried alone; after `maxEventAttempts` it is recorded in the ledger and passed over. */
  async function applyOneByOne(events: readonly DomainEvent[], from: number): Promise<number> {
    let cursor = from;
    for (const e of events) {
      try {
        await apply([e], cursor);
      } catch (err) {
        // The store, not the event, failed: retried whole after a pause, never recorded as the event's failure.
        if (err instanceof CursorMoved || storeUnavailable(err)) throw err;
        const n = (failures.get(e.seq) ?? 0) + 1;
        failures.set(e.seq, n);
        log.error({ err, seq: e.seq, type: e.type, subject: e.subject, attempt: n }, 'sync handler failed');
        if (n < o.maxEventAttempts) {
          retryInMs = Math.min(30_000, 100 * 2 ** n);
          return cursor - from;
        }
        failures.delete(e.seq);
        metrics?.failures.inc({ type: e.type });
        await store.transaction(async (tx) => {
          if (Number((await tx.cursors.lock(SYNC_CURSOR)) ?? '0') !== cursor) throw new CursorMoved();
          const nowMs = deps.clock.now();
          await ledger({ tx, env: deps, now: isoAt(deps.clock), nowMs, set: undefined, enqueued: 0 }, 'sync.event.failed', `event:${e.seq}`, {
            seq: e.seq, type: e.type, subject: e.subject, error: (err as Error).message ?? String(err),
          });
          await tx.cursors.set(SYNC_CURSOR, String(e.seq));
        });
      }
      cursor = e.seq;
    }
    return cursor - from;
  }

  async function runOnce(): Promise<number> {
    const from = await position();
    const events = await store.events.readAfter(from, o.batchSize);
    if (metrics) metrics.lag.set(events.length === 0 ? 0 : Math.max(0, (await store.events.lastSeq()) - from));
    if (events.length === 0) return 0;
    try {
      return await apply(events, from);
    } catch (err) {
      if (err instanceof CursorMoved) return 0;
      if (storeUnavailable(err)) throw err;
      return applyOneByOne(events, from).catch((e: unknown) => (e instanceof CursorMoved ? 0 : Promise.reject(e)));
    }
  }

  async function timers(): Promise<void> {
    const nowMs = deps.clock.now();
    const secretPass = nowMs - lastSecretPass >= o.secretAgeIntervalMs;
    if (secretPass) lastSecretPass = nowMs;
    const enqueued = await runTimers({ store, env: deps, secretPass, lock: SYNC_CURSOR });
    if (enqueued > 0) deps.onOutbox?.();
  }

  async function pass(): Promise<void> {
    let consumed = 0;
    try {
      again = false;
      consumed = await runOnce();
      const nowMs = Date.now();
      if (nowMs - lastTimers >= o.timerIntervalMs) {
        lastTimers = nowMs;
        await timers();
      }
    } catch (err) {
      if (storeUnavailable(err)) {
        deps.onStorageFault?.(err);
        retryInMs = Math.max(retryInMs, STORAGE_FAULT_BACKOFF_MS);
        log[deps.onStorageFault ? 'debug' : 'error']({ err }, 'sync pass failed: the state store cannot take writes');
      } else log.error({ err }, 'sync pass failed');
    }
    const backoff = retryInMs;
    retryInMs = 0;
    schedule(backoff > 0 ? backoff : consumed > 0 || again ? 0 : o.pollIntervalMs);
  }

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
      });
    }, ms);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    wake() {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    runOnce,
    runTimers: timers,
    async drain() {
      while ((await position()) < (await store.events.lastSeq())) {
        if (stopped) await runOnce();
        else await new Promise((r) => setTimeout(r, 5));
      }
    },
    position,
  };
}
