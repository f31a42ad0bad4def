/**
 * `/healthz` (the process answers), `/readyz` (it can serve: every readiness check passes) and `/metrics`
 * (Prometheus text exposition).
 */
import { Router } from 'express';
import type { Metrics } from '../observability/metrics.ts';
import type { Readiness } from './readiness.ts';

export interface HealthRoutesDeps {
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly version: string;
}

export function createHealthRouter(deps: HealthRoutesDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok', version: deps.version });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await deps.readiness.evaluate();
    res.set('cache-control', 'no-store').status(report.ready ? 200 : 503).json({
      status: report.ready ? 'ready' : 'not-ready',
      checks: report.checks,
    });
  });
  router.get('/metrics', async (_req, res) => {
    const text = await deps.metrics.registry.metrics();
    res.set('cache-control', 'no-store').type(deps.metrics.registry.contentType).send(text);
  });
  return router;
}
