/**
 * Sheds load instead of falling over: when `maxInFlight` requests are already being served, further requests
 * are answered at once with 503 and `Retry-After` (the admin error envelope), so that clients back off and the
 * requests in progress (which may be writing the inbox) keep their share of the event loop and the store.
 * Health, readiness and metrics stay exempt so that probes see an overloaded gateway as up.
 */
import type { Request, RequestHandler } from 'express';
import { errorEnvelope } from './http-error.ts';

export interface OverloadGuardOptions {
  /** Requests served at once; the next one is shed. */
  readonly maxInFlight: number;
  /** Seconds a shed client is told to wait. Default 1. */
  readonly retryAfterSeconds?: number;
  /** Requests never shed. Default: `/healthz`, `/readyz`, `/metrics`. */
  readonly exempt?: (req: Request) => boolean;
  /** Called once per shed request (a metrics counter). */
  readonly onShed?: (req: Request) => void;
}

export interface OverloadGuard extends RequestHandler {
  /** Requests being served now (exempt ones not counted). */
  inFlight(): number;
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function overloadGuard(opts: OverloadGuardOptions): OverloadGuard {
  if (!Number.isInteger(opts.maxInFlight) || opts.maxInFlight < 1) throw new Error('maxInFlight must be a positive integer');
  const exempt = opts.exempt ?? ((req: Request) => PROBES.has(req.path));
  const retryAfter = String(opts.retryAfterSeconds ?? 1);
  let inFlight = 0;
  const guard = ((req, res, next) => {
    if (exempt(req)) {
      next();
      return;
    }
    if (inFlight >= opts.maxInFlight) {
      opts.onShed?.(req);
      res.setHeader('retry-after', retryAfter);
      res.setHeader('connection', 'close');
      res.status(503).json(errorEnvelope('overloaded', 'the gateway is at capacity; retry after the interval in Retry-After', String((req as { id?: unknown }).id ?? 'unknown')));
      return;
    }
    inFlight += 1;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  }) as OverloadGuard;
  guard.inFlight = () => inFlight;
  return guard;
}
