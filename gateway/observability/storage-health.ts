/**
 * Whether the state store takes writes. An entry point that meets a {@link StoreUnavailable} reports it here and
 * answers 503 with `Retry-After`; the first report of an episode is logged (once), and the `storage` readiness
 * check fails until a write succeeds again: a small probe write, tried every `probeIntervalMs` while the
 * episode lasts (so a replica taken out of a load balancer still comes back on its own).
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { CheckResult } from '../http/readiness.ts';
import { REASON_TEXT, type StoreUnavailable, storeUnavailable } from '../store/store-unavailable.ts';

export interface StorageHealthDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A small write to the store; resolves when it committed. */
  readonly probe: () => Promise<void>;
  /** How often the probe is tried during an episode (default 1000 ms). */
  readonly probeIntervalMs?: number;
  /** What 503 answers say in `Retry-After` (default 5 s). */
  readonly retryAfterSeconds?: number;
}

export interface StorageHealth {
  /** `Retry-After` for 503 answers. */
  readonly retryAfterSeconds: number;
  /** When `error` says the store cannot take writes: records it (opening an episode) and returns it; else undefined. */
  report(error: unknown, context?: Record<string, unknown>): StoreUnavailable | undefined;
  /** The `storage` readiness check. */
  check(): CheckResult;
  /** Tries the probe now (tests); resolves true when the store takes writes. */
  probeNow(): Promise<boolean>;
  /** Ends the probing (gateway stop). */
  stop(): void;
}

export function createStorageHealth(deps: StorageHealthDeps): StorageHealth {
  const log = deps.logger.child({ component: 'storage' });
  const intervalMs = deps.probeIntervalMs ?? 1000;
  /** `failedWrites`: writes reported failing during the episode, by requests and background services alike. */
  let episode: { fault: StoreUnavailable; since: number; failedWrites: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let probing: Promise<boolean> | undefined;
  let stopped = false;

  const schedule = (): void => {
    if (stopped || timer || !episode) return;
    timer = setTimeout(() => {
      timer = undefined;
      void probeNow().then(() => schedule());
    }, intervalMs);
    timer.unref();
  };

  const probeNow = (): Promise<boolean> => {
    probing ??= deps.probe().then(
      () => {
        if (episode) {
          log.info({ reason: episode.fault.reason, failedWrites: episode.failedWrites, sinceMs: deps.clock.now() - episode.since }, 'state store takes writes again');
          episode = undefined;
        }
        return true;
      },
      (e: unknown) => {
        if (!storeUnavailable(e)) log.warn({ err: e }, 'storage probe failed');
        return false;
      },
    ).finally(() => {
      probing = undefined;
    });
    return probing;
  };

  return {
    retryAfterSeconds: deps.retryAfterSeconds ?? 5,
    report(error, context) {
      const fault = storeUnavailable(error);
      if (!fault) return undefined;
      if (episode) {
        episode.failedWrites++;
        episode.fault = fault;
      } else {
        episode = { fault, since: deps.clock.now(), failedWrites: 1 };
        log.error({ ...context, reason: fault.reason, code: fault.code, err: fault.cause }, 'state store cannot take writes; answering 503 until a write succeeds');
      }
      schedule();
      return fault;
    },
    check: () => (episode ? { ok: false, reason: `${REASON_TEXT[episode.fault.reason]} (${episode.fault.code}); writes are refused until one succeeds` } : { ok: true }),
    probeNow,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
