/**
 * The admin API at `/api/v1` for the console: bearer admin token on every route (no cookies, ever), the CSRF
 * guard, a JSON body parser, then one router per concern. Errors leave through the app's one error handler as
 * the admin error envelope.
 */
import express, { Router } from 'express';
import type { AdminDeps } from './admin-deps.ts';
import { createConflictRoutes } from './conflict-routes.ts';
import { csrfGuard } from './csrf-guard.ts';
import { createEventStreamRoutes } from './event-stream.ts';
import { createEvidenceRoutes } from './evidence-routes.ts';
import { createFindingRoutes } from './finding-routes.ts';
import { createHealthRoutes } from './health-routes.ts';
import { createLedgerRoutes } from './ledger-routes.ts';
import { createMappingHealthRoutes } from './mapping-health.ts';
import { createMappingRoutes } from './mapping-routes.ts';
import { createOutboxRoutes } from './outbox-routes.ts';

export function createAdminRouter(deps: AdminDeps): Router {
  const router = Router();
  router.use(deps.adminAuth);
  router.use(csrfGuard({ publicUrl: () => deps.settings().publicUrl }));
  router.use(express.json({ limit: deps.settings().bodyLimit, strict: true }));
  router.use(['/health', '/mappings', '/mapping-health'], async (_req, _res, next) => {
    await deps.mappingsReady?.();
    next();
  });
  router.use(createHealthRoutes(deps));
  router.use(createFindingRoutes(deps));
  router.use(createConflictRoutes(deps));
  router.use(createMappingRoutes(deps));
  router.use(createMappingHealthRoutes(deps));
  router.use(createOutboxRoutes(deps));
  router.use(createEvidenceRoutes(deps));
  router.use(createLedgerRoutes(deps));
  router.use(createEventStreamRoutes(deps));
  return router;
}
