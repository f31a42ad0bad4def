/**
 * The reconciler service: a full run every `intervalMs` and on demand (`reconcileNow`, for the admin API and
 * the CLI). One run at a time per process (a second caller joins the run in progress) and one across replicas:
 * on PostgreSQL the run holds the advisory lock `reconciler`, and a replica that cannot take it skips.
 */
import type { Logger } from 'pino';
import type { PamConnector } from '../connectors/pam-connector.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment } from '../sync/sync-context.ts';
import { type ReconcileOptions, type ReconcileReport, runReconciliation } from './reconcile-run.ts';

export type ReconcileOutcome =
  | { readonly ran: true; readonly report: ReconcileReport }
  | { readonly ran: false; readonly reason: 'locked-elsewhere' | 'no-mappings' };

export interface Reconciler {
  /** Runs a full reconciliation now (or joins the one in progress). */
  reconcileNow(): Promise<ReconcileOutcome>;
  start(): void;
  stop(): Promise<void>;
  /** The last completed run (this process). */
  lastReport(): ReconcileReport | undefined;
}

export interface ReconcilerDeps extends SyncEnvironment {
  readonly store: Store;
  /** The PAM connectors to read this run, opened per run (configuration may change); `close` after the run. */
  readonly openConnectors: () => { readonly connectors: readonly PamConnector[]; close(): void };
  readonly intervalMs?: number | undefined;
  /** Nudges the outbox dispatcher after a run that wrote outbox messages. */
  readonly onOutbox?: (() => void) | undefined;
  readonly options?: Partial<ReconcileOptions> | undefined;
}

interface AdvisoryLocking {
  tryAdvisoryLock(name: string): Promise<{ release(): Promise<void> } | undefined>;
}

const hasAdvisoryLock = (store: Store): store is Store & AdvisoryLocking => typeof (store as Partial<AdvisoryLocking>).tryAdvisoryLock === 'function';

export const DEFAULT_RECONCILE_INTERVAL_MS = 15 * 60_000;

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const log: Logger = deps.logger.child({ component: 'reconciler' });
  let running: Promise<ReconcileOutcome> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last: ReconcileReport | undefined;
  let stopped = true;

  async function once(): Promise<ReconcileOutcome> {
    if (!deps.mappings()) return { ran: false, reason: 'no-mappings' };
    const lock = hasAdvisoryLock(deps.store) ? await deps.store.tryAdvisoryLock('reconciler') : { release: async () => undefined };
    if (!lock) return { ran: false, reason: 'locked-elsewhere' };
    const opened = deps.openConnectors();
    try {
      const report = await runReconciliation({ ...deps, pamConnectors: opened.connectors });
      last = report;
      log.info({ durationMs: report.durationMs, differences: report.differences, findings: report.findings, enqueued: report.enqueued }, 'reconciliation completed');
      if (report.enqueued > 0) deps.onOutbox?.();
      return { ran: true, report };
    } finally {
      opened.close();
      await lock.release();
    }
  }

  function reconcileNow(): Promise<ReconcileOutcome> {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      reconcileNow().catch((err: unknown) => log.error({ err }, 'reconciliation failed')).finally(schedule);
    }, deps.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS);
    timer.unref();
  }

  return {
    reconcileNow,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    lastReport: () => last,
  };
}
