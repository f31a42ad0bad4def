/** `GET /ledger/verify`: walks the hash chain and names the first entry that is not what was appended. */
import { Router } from 'express';
import { verifyStoreLedger } from '../ledger/verify-store-ledger.ts';
import type { AdminDeps } from './admin-deps.ts';

export function createLedgerRoutes(deps: Pick<AdminDeps, 'store'>): Router {
  const router = Router();
  router.get('/ledger/verify', async (_req, res) => {
    res.json(await verifyStoreLedger(deps.store));
  });
  return router;
}
