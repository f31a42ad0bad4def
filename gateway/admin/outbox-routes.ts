/** `GET /outbox` (any status, dead letters are `abandoned`) and `POST /outbox/replay`. */
import { Router } from 'express';
import type { OutboxMessage, PageOf } from '../../console/shared/api-types.ts';
import { outboxQuerySchema, replaySchema } from '../../console/shared/input-schemas.ts';
import type { OutboxId } from '../domain/ids.ts';
import { replayDeadLetters, type ReplayFilter } from '../outbox/dead-letters.ts';
import type { AdminDeps } from './admin-deps.ts';
import { parseInput } from './parse-input.ts';

export function createOutboxRoutes(deps: Pick<AdminDeps, 'store' | 'clock' | 'metricsRegistry' | 'logger'>): Router {
  const router = Router();
  router.get('/outbox', async (req, res) => {
    const q = parseInput(outboxQuerySchema, req.query, 'outbox query');
    const page = await deps.store.outbox.list({ ...(q.status ? { status: q.status } : {}), ...(q.connectorId ? { connectorId: q.connectorId } : {}) }, { startIndex: q.startIndex, count: q.count });
    const body: PageOf<OutboxMessage> = { totalResults: page.totalResults, startIndex: page.startIndex, count: page.items.length, items: page.items };
    res.json(body);
  });
  router.post('/outbox/replay', async (req, res) => {
    const input = parseInput(replaySchema, req.body, 'replay request');
    const filter: ReplayFilter = 'id' in input ? { id: input.id as OutboxId } : 'connectorId' in input ? { connectorId: input.connectorId } : { all: true };
    const replayed = await replayDeadLetters({ store: deps.store, clock: deps.clock, registry: deps.metricsRegistry }, filter, 'admin-api');
    deps.logger.info({ ...filter, replayed }, 'dead letters replayed');
    res.json({ replayed });
  });
  return router;
}
