/**
 * `POST /api/v1/reconcile`: runs a full reconciliation now (or joins the run in progress) and answers its report.
 * Admin token only, with the admin API's CSRF rules. On PostgreSQL a replica that cannot take the reconciler
 * lock answers 409 `locked-elsewhere`: another replica is running it.
 */
import express, { type RequestHandler, type Router } from 'express';
import { csrfGuard } from '../admin/csrf-guard.ts';
import type { ReconcileOutcome } from './reconciler.ts';

export interface ReconcileRouterDeps {
  readonly adminAuth: RequestHandler;
  readonly publicUrl: () => string | undefined;
  readonly reconcileNow: () => Promise<ReconcileOutcome>;
}

export function createReconcileRouter(deps: ReconcileRouterDeps): Router {
  const router = express.Router();
  router.post('/reconcile', deps.adminAuth, csrfGuard({ publicUrl: deps.publicUrl }), async (_req, res, next) => {
    try {
      const outcome = await deps.reconcileNow();
      if (outcome.ran) {
        res.status(200).json({ ran: true, report: outcome.report });
        return;
      }
      const status = outcome.reason === 'locked-elsewhere' ? 409 : 422;
      const message = outcome.reason === 'locked-elsewhere'
        ? 'another replica is running the reconciliation'
        : 'no mappings are loaded, so there is nothing to reconcile against';
      res.status(status).json({ error: { code: outcome.reason, message } });
    } catch (e) {
      next(e);
    }
  });
  return router;
}
