/**
 * The express application: request ids and child loggers, access log and metrics, health routes, the
 * mounted routers (SCIM, webhooks, admin API, console — each brings its own body parser, since webhooks need
 * the raw body), then 404 and the one error handler.
 */
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { RandomSource } from '../domain/ids.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { StorageHealth } from '../observability/storage-health.ts';
import { accessLog } from './access-log.ts';
import { overloadGuard } from './overload-guard.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { createHealthRouter } from './health-routes.ts';
import type { Readiness } from './readiness.ts';
import { requestContext } from './request-context.ts';

/** A router served under a path prefix, e.g. `{ path: '/scim/v2', router: createScimRouter(deps) }`. */
export interface Mount {
  readonly path: string;
  readonly router: Router | express.RequestHandler;
}

export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly version: string;
  readonly mounts: readonly Mount[];
  /** Requests served at once before further ones are shed with 503 and Retry-After (default 512). */
  readonly maxInFlight?: number;
  /** Told about state store faults; they are answered 503 with `Retry-After` (without it: 500). */
  readonly storage?: StorageHealth | undefined;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(deps));
  app.use(accessLog({ metrics: deps.metrics }));
  app.use(overloadGuard({ maxInFlight: deps.maxInFlight ?? 512, retryAfterSeconds: 1 }));
  app.use(createHealthRouter(deps));
  for (const mount of deps.mounts) app.use(mount.path, mount.router);
  app.use(notFoundHandler());
  app.use(errorHandler({ storage: deps.storage }));
  return app;
}
