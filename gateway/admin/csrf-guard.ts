/**
 * CSRF defence for the admin API. The API authenticates by bearer header only (it never reads cookies), so a
 * forged cross-site request carries no credential; on top of that it refuses what a cross-site page can send:
 * - writes must be `Content-Type: application/json` (a form post cannot set it without a CORS preflight,
 *   and no CORS is offered);
 * - a request whose `Origin` is not the gateway's own (or its configured public URL) is refused, as is one the
 *   browser marks `Sec-Fetch-Site: cross-site`.
 */
import type { RequestHandler } from 'express';
import { HttpError } from '../http/http-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfGuardDeps {
  /** The public URL clients reach the gateway at, when it differs from the Host header (proxy, TLS). */
  readonly publicUrl: () => string | undefined;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function csrfGuard(deps: CsrfGuardDeps): RequestHandler {
  return (req, _res, next) => {
    if (req.get('sec-fetch-site') === 'cross-site') {
      next(new HttpError(403, 'cross_site_refused', 'cross-site requests are refused'));
      return;
    }
    const origin = req.get('origin');
    if (origin !== undefined) {
      const own = new Set([originOf(`${req.protocol}://${req.get('host') ?? ''}`), originOf(deps.publicUrl())]);
      if (!own.has(origin)) {
        next(new HttpError(403, 'cross_site_refused', `requests from origin ${origin} are refused`));
        return;
      }
    }
    if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) {
      next(new HttpError(415, 'unsupported_media_type', 'writes must be sent as Content-Type: application/json'));
      return;
    }
    next();
  };
}
