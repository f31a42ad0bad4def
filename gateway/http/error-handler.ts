/**
 * The one place errors become responses: {@link HttpError} and body-parser refusals as the admin API
 * envelope; a state store that cannot take writes (disk full, no connection) as 503 with `Retry-After`
 * (see gateway/store/store-unavailable.ts); unknown errors as 500 with no internals, logged with the request's
 * context. Routers with their own error format (SCIM, webhooks) answer their errors themselves.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { StorageHealth } from '../observability/storage-health.ts';
import { REASON_TEXT } from '../store/store-unavailable.ts';
import { HttpError, errorEnvelope } from './http-error.ts';

/** http-errors / body-parser style errors carry `status`, `expose` and `type`. */
interface ExposableError {
  readonly status?: number;
  readonly statusCode?: number;
  readonly expose?: boolean;
  readonly type?: string;
  readonly message?: string;
}

const BODY_PARSER_CODES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
  'request.aborted': 'request_aborted',
};

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
}

export function errorHandler(deps: { readonly storage?: StorageHealth | undefined } = {}): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      req.log.error({ err: error }, 'error after the response started');
      next(error);
      return;
    }
    const requestId = req.id ?? 'unknown';
    if (error instanceof HttpError) {
      if (error.status >= 500) req.log.error({ err: error }, 'request failed');
      res.status(error.status).json(errorEnvelope(error.code, error.message, requestId, error.details));
      return;
    }
    const unavailable = deps.storage?.report(error, { method: req.method, path: req.originalUrl.split('?', 1)[0], requestId });
    if (unavailable) {
      res.setHeader('Retry-After', String(deps.storage!.retryAfterSeconds));
      res.status(503).json(errorEnvelope('storage_unavailable', `${REASON_TEXT[unavailable.reason]}; nothing was changed, retry later`, requestId));
      return;
    }
    const e = (error ?? {}) as ExposableError;
    const status = e.status ?? e.statusCode;
    if (status !== undefined && status >= 400 && status < 500 && e.expose !== false) {
      const code = (e.type !== undefined ? BODY_PARSER_CODES[e.type] : undefined) ?? 'bad_request';
      res.status(status).json(errorEnvelope(code, e.message ?? 'bad request', requestId));
      return;
    }
    (req.log ?? console).error({ err: error, method: req.method, path: req.originalUrl.split('?', 1)[0] }, 'unhandled error');
    res.status(500).json(errorEnvelope('internal', 'internal error', requestId));
  };
}
