/**
 * One log line and one histogram sample per request, when the response finishes (or the client goes away).
 * Only the path is logged, never the query string (it may carry credentials in some vendors' callbacks).
 */
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../observability/metrics.ts';

export interface AccessLogDeps {
  readonly metrics: Metrics;
  /** Paths not logged at info (probes); still measured. */
  readonly quietPaths?: ReadonlySet<string>;
}

/** The route pattern that matched (`/scim/v2/Users/:id`), or a fixed label, to bound metric cardinality. */
export function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route === '/' && req.baseUrl ? '' : route}` || '/';
  return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
}

export function accessLog(deps: AccessLogDeps): RequestHandler {
  const quiet = deps.quietPaths ?? new Set(['/healthz', '/readyz', '/metrics']);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split('?', 1)[0] ?? '/';
    let done = false;
    const finish = (aborted: boolean): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      const status = aborted && !res.writableFinished ? 499 : res.statusCode;
      deps.metrics.httpRequestDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      const fields = { method: req.method, path, route, status, durationMs: Math.round(seconds * 1e4) / 10 };
      if (status >= 500) req.log.error(fields, 'request completed');
      else if (aborted && status === 499) req.log.warn(fields, 'request aborted by client');
      else if (quiet.has(path)) req.log.debug(fields, 'request completed');
      else req.log.info(fields, 'request completed');
    };
    res.on('finish', () => finish(false));
    res.on('close', () => finish(true));
    next();
  };
}
