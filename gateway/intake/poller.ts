import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import type { RandomSource } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import type { Store } from '../store/store.ts';
import type { ConnectorError } from '../connectors/pam-connector.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { recordInbound } from './inbox-writer.ts';
import { intakeMetrics } from './intake-metrics.ts';
import { repeatingTask } from './repeating-task.ts';

export interface PollItem {
  readonly dedupeKey: string;
  readonly body: string;
  readonly contentType: string;
}

export interface PollPage {
  readonly items: readonly PollItem[];
  /** The cursor after this page; undefined keeps the current one (nothing new). */
  readonly nextCursor: string | undefined;
  /** True when another page is ready now. */
  readonly more: boolean;
}

/** Reads one page after `cursor` (undefined: from the start, as the vendor defines it). */
export type PollSource = (cursor: string | undefined) => Promise<Result<PollPage, ConnectorError>>;

export interface PollerOptions {
  readonly connectorId: string;
  readonly source: PollSource;
  readonly intervalMs: number;
  readonly backoff?: BackoffOptions;
  /** Pages read in one run before waiting for the interval again. */
  readonly maxPagesPerRun?: number;
}

export interface PollerDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: RandomSource;
  /** [0, 1) for backoff jitter. */
  readonly random: () => number;
  readonly logger: Logger;
  readonly registry: Registry;
}

/** Pages read and rows stored by one round; `elsewhere` when another replica was polling the connector (nothing read). */
export interface PollRound {
  readonly pages: number;
  readonly stored: number;
  readonly elsewhere?: true;
}

/** Stores that hold a named lock across replicas (PostgreSQL); the others serve one process and need none. */
interface AdvisoryLocking {
  tryAdvisoryLock(name: string): Promise<{ release(): Promise<void> } | undefined>;
}

const locksAcrossReplicas = (store: Store): store is Store & AdvisoryLocking => typeof (store as Partial<AdvisoryLocking>).tryAdvisoryLock === 'function';

export interface Poller {
  /** Reads pages until caught up; each page's inbox rows and the new cursor commit in one transaction. */
  runOnce(): Promise<Result<PollRound, ConnectorError>>;
  start(): void;
  stop(): Promise<void>;
}

export const cursorName = (connectorId: string): string => `poll:${connectorId}`;

/**
 * A poller for a vendor without push. The cursor is durable and moves only together with the rows it covers,
 * so a restart resumes exactly where the last committed page ended: no gap, no repeat (and a repeat would
 * still be caught by the inbox dedupe key).
 *
 * Several replicas poll one connector in turns: a round holds the advisory lock `poll:<connector>` (PostgreSQL;
 * a replica that finds it held skips the round, and a replica that dies releases it with its connection), and
 * each page commits only if the cursor is still the one the page was read after (`cursors.lock`): a page read
 * from a cursor that moved meanwhile is dropped and reading goes on from the new cursor, so the cursor never
 * moves back and no page is stored twice.
 */
export function createPoller(options: PollerOptions, deps: PollerDeps): Poller {
  const metrics = intakeMetrics(deps.registry);
  const log = deps.logger.child({ component: 'poller', connectorId: options.connectorId });
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  const name = cursorName(options.connectorId);
  let failures = 0;

  async function runOnce(): Promise<Result<PollRound, ConnectorError>> {
    if (!locksAcrossReplicas(deps.store)) return pollPages();
    const lock = await deps.store.tryAdvisoryLock(name);
    if (!lock) return { ok: true, value: { pages: 0, stored: 0, elsewhere: true } };
    try {
      return await pollPages();
    } finally {
      await lock.release();
    }
  }

  async function pollPages(): Promise<Result<PollRound, ConnectorError>> {
    let pages = 0;
    let stored = 0;
    for (; pages < (options.maxPagesPerRun ?? 100); ) {
      const cursor = await deps.store.cursors.get(name);
      const page = await options.source(cursor);
      if (!page.ok) return page;
      pages++;
      const inserted = await deps.store.transaction(async (tx) => {
        if ((await tx.cursors.lock(name)) !== cursor) return undefined;
        let n = 0;
        for (const item of page.value.items) {
          const outcome = await recordInbound(tx, {
            connectorId: options.connectorId, channel: 'poll', dedupeKey: item.dedupeKey,
            contentType: item.contentType, body: item.body, headers: {},
          }, { clock: deps.clock, random: deps.ids });
          if (outcome.inserted) n++;
        }
        if (page.value.nextCursor !== undefined && page.value.nextCursor !== cursor) await tx.cursors.set(name, page.value.nextCursor);
        return n;
      });
      if (inserted === undefined) {
        log.debug({ cursor }, 'the cursor moved while the page was read (another poller); page dropped');
        continue;
      }
      stored += inserted;
      metrics.deliveries.inc({ connector: options.connectorId, channel: 'poll', outcome: 'accepted', reason: '' }, inserted);
      if (page.value.items.length > inserted) {
        metrics.deliveries.inc({ connector: options.connectorId, channel: 'poll', outcome: 'duplicate', reason: '' }, page.value.items.length - inserted);
      }
      if (!page.value.more) break;
    }
    return { ok: true, value: { pages, stored } };
  }

  /** One poll round; the next comes after the interval, or after a backoff delay while polls fail. */
  async function round(): Promise<number> {
    let delay = options.intervalMs;
    try {
      const r = await runOnce();
      if (r.ok) {
        failures = 0;
        if (r.value.stored > 0) log.debug({ stored: r.value.stored, pages: r.value.pages }, 'polled');
      } else {
        failures++;
        metrics.pollFailures.inc({ connector: options.connectorId });
        delay = backoffDelay(failures, backoff, deps.random);
        log.warn({ error: r.error.message, failures, retryInMs: delay }, 'poll failed');
      }
    } catch (e) {
      failures++;
      metrics.pollFailures.inc({ connector: options.connectorId });
      delay = backoffDelay(failures, backoff, deps.random);
      log.error({ err: e, failures, retryInMs: delay }, 'poll failed unexpectedly');
    }
    return delay;
  }

  return { runOnce, ...repeatingTask(round) };
}
