/**
 * The retention purge: keeps the inbox and the outbox from growing without bound. Handled inbox rows (`processed`,
 * `unrecognised`, `failed`) older than `inboxDays` and delivered outbox messages (superseded ones included) older
 * than `outboxDays` are deleted, oldest first, `batchSize` rows per statement (each its own short transaction),
 * with a pause between batches so that request traffic and the other services get the store in between.
 *
 * Never purged: pending inbox rows; outbox messages not delivered (`queued`, `sending`, `failed`) and dead letters
 * (`abandoned`, until replayed); the newest message of each access path (path order reads it); delivered messages
 * whose `outbox.changed` event the sync engine has not applied yet (it reads the message); and everything else —
 * domain events, ledger entries, evidence — which is the audit trail.
 *
 * One purge at a time: in this process (a second caller joins the run in progress) and across replicas (on
 * PostgreSQL the run holds the advisory lock `retention`; a replica that cannot take it skips the run).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';
import { storeUnavailable } from '../store/store-unavailable.ts';
import { SYNC_CURSOR } from '../sync/sync-engine.ts';
import { type RetentionMetrics, retentionMetrics } from './retention-metrics.ts';

export interface RetentionPolicy {
  readonly inboxDays: number;
  readonly outboxDays: number;
}

export interface RetentionReport {
  /** Rows deleted. */
  readonly inbox: number;
  readonly outbox: number;
  /** Delete statements run. */
  readonly batches: number;
  /** What was older than these was purged. */
  readonly inboxBefore: string;
  readonly outboxBefore: string;
  /** The outbox cut-off was moved back to the oldest event the sync engine has not applied yet. */
  readonly heldBySync: boolean;
  /** Stopped between batches (gateway stop); the rest is purged by a later run. */
  readonly interrupted: boolean;
  readonly durationMs: number;
}

export type RetentionOutcome =
  | { readonly ran: true; readonly report: RetentionReport }
  | { readonly ran: false; readonly reason: 'locked-elsewhere' };

export interface RetentionPurger {
  /** Purges now (or joins the run in progress). */
  runOnce(): Promise<RetentionOutcome>;
  /** Runs after `firstRunDelayMs`, then every `intervalMs`. */
  start(): void;
  /** Ends the run in progress after its current batch, and the schedule. */
  stop(): Promise<void>;
  /** The last completed run (this process). */
  lastReport(): RetentionReport | undefined;
}

export interface RetentionPurgerDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Read at every run (the configuration may change). */
  readonly policy: () => RetentionPolicy;
  readonly registry?: Registry | undefined;
  /** A run that failed because the store cannot take writes (disk full): reported to the storage health. */
  readonly onStorageFault?: ((err: unknown) => void) | undefined;
  /** Rows per delete statement (default 1,000). */
  readonly batchSize?: number | undefined;
  /** Pause between batches (default 200 ms). */
  readonly pauseMs?: number | undefined;
  /** Between runs (default 1 h). */
  readonly intervalMs?: number | undefined;
  /** From `start()` to the first run (default 60 s: not in the way of the start). */
  readonly firstRunDelayMs?: number | undefined;
}

interface AdvisoryLocking {
  tryAdvisoryLock(name: string): Promise<{ release(): Promise<void> } | undefined>;
}

const locksAcrossReplicas = (store: Store): store is Store & AdvisoryLocking => typeof (store as Partial<AdvisoryLocking>).tryAdvisoryLock === 'function';

export const RETENTION_LOCK = 'retention';
const DAY_MS = 86_400_000;

export function createRetentionPurger(deps: RetentionPurgerDeps): RetentionPurger {
  const log = deps.logger.child({ component: 'retention' });
  const metrics: RetentionMetrics | undefined = deps.registry ? retentionMetrics(deps.registry) : undefined;
  const batchSize = deps.batchSize ?? 1000;
  const pauseMs = deps.pauseMs ?? 200;
  let running: Promise<RetentionOutcome> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  let halted = false;
  let endPause: (() => void) | undefined;
  let last: RetentionReport | undefined;

  const pause = (ms: number): Promise<void> => new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      endPause = undefined;
      resolve();
    }
    endPause = done;
  });

  /** Deletes batch after batch until one comes back short (nothing older left) or the purger is stopped. */
  async function drain(purge: (limit: number) => Promise<number>): Promise<{ rows: number; batches: number }> {
    let rows = 0;
    let batches = 0;
    while (!halted) {
      const n = await purge(batchSize);
      rows += n;
      batches += 1;
      if (n < batchSize) break;
      await pause(pauseMs);
    }
    return { rows, batches };
  }

  /** The occurredAt of the first event the sync engine has not applied (delivered outbox rows it will still read). */
  async function syncHorizon(): Promise<string | undefined> {
    const position = Number((await deps.store.cursors.get(SYNC_CURSOR)) ?? '0');
    const [next] = await deps.store.events.readAfter(position, 1);
    return next?.occurredAt;
  }

  async function purge(): Promise<RetentionReport> {
    const started = deps.clock.now();
    const policy = deps.policy();
    const inboxBefore = new Date(started - policy.inboxDays * DAY_MS).toISOString();
    const byAge = new Date(started - policy.outboxDays * DAY_MS).toISOString();
    const horizon = await syncHorizon();
    const heldBySync = horizon !== undefined && horizon < byAge;
    const outboxBefore = heldBySync ? horizon : byAge;
    const inbox = await drain((limit) => deps.store.inbox.purgeHandled(inboxBefore, limit));
    const outbox = halted ? { rows: 0, batches: 0 } : await drain((limit) => deps.store.outbox.purgeDelivered(outboxBefore, limit));
    return {
      inbox: inbox.rows, outbox: outbox.rows, batches: inbox.batches + outbox.batches, inboxBefore, outboxBefore, heldBySync,
      interrupted: halted, durationMs: deps.clock.now() - started,
    };
  }

  async function once(): Promise<RetentionOutcome> {
    const lock = locksAcrossReplicas(deps.store) ? await deps.store.tryAdvisoryLock(RETENTION_LOCK) : { release: async () => undefined };
    if (!lock) {
      metrics?.runs.inc({ outcome: 'locked-elsewhere' });
      log.debug('retention purge skipped: another replica holds the lock');
      return { ran: false, reason: 'locked-elsewhere' };
    }
    try {
      const report = await purge();
      last = report;
      if (metrics) {
        metrics.purged.inc({ table: 'inbox' }, report.inbox);
        metrics.purged.inc({ table: 'outbox' }, report.outbox);
        metrics.runs.inc({ outcome: report.interrupted ? 'interrupted' : 'completed' });
        if (!report.interrupted) {
          metrics.lastPurged.set({ table: 'inbox' }, report.inbox);
          metrics.lastPurged.set({ table: 'outbox' }, report.outbox);
          metrics.lastRunTimestamp.set(deps.clock.now() / 1000);
          metrics.lastRunSeconds.set(report.durationMs / 1000);
        }
      }
      if (report.heldBySync) log.warn({ outboxBefore: report.outboxBefore }, 'outbox retention held back: the sync engine has not applied older events yet');
      log.info({ inbox: report.inbox, outbox: report.outbox, batches: report.batches, durationMs: report.durationMs, interrupted: report.interrupted }, 'retention purge completed');
      return { ran: true, report };
    } catch (e) {
      metrics?.runs.inc({ outcome: 'failed' });
      throw e;
    } finally {
      await lock.release();
    }
  }

  function runOnce(): Promise<RetentionOutcome> {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(ms: number): void {
    if (!scheduled) return;
    timer = setTimeout(() => {
      runOnce().catch((err: unknown) => {
        if (storeUnavailable(err) && deps.onStorageFault) {
          deps.onStorageFault(err);
          log.warn({ err }, 'retention purge stopped: the state store cannot take writes; retried at the next run');
        } else log.error({ err }, 'retention purge failed');
      }).finally(() => schedule(deps.intervalMs ?? 3_600_000));
    }, ms);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (scheduled) return;
      scheduled = true;
      halted = false;
      schedule(deps.firstRunDelayMs ?? 60_000);
    },
    async stop() {
      scheduled = false;
      halted = true;
      clearTimeout(timer);
      endPause?.();
      await running?.catch(() => undefined);
    },
    lastReport: () => last,
  };
}
