/** `GET /conflicts` (filtered, paged) and `POST /conflicts/:id/resolve` (one of the four actions). */
import { Router } from 'express';
import type { Conflict, PageOf } from '../../console/shared/api-types.ts';
import { conflictsQuerySchema, resolveConflictSchema } from '../../console/shared/input-schemas.ts';
import { isId } from '../domain/ids.ts';
import { HttpError } from '../http/http-error.ts';
import type { AdminDeps } from './admin-deps.ts';
import { resolveConflict } from './conflict-resolver.ts';
import { parseInput } from './parse-input.ts';

export function createConflictRoutes(deps: Pick<AdminDeps, 'store' | 'clock' | 'random' | 'connectors' | 'logger' | 'mappings'>): Router {
  const router = Router();
  const conflictId = (id: string) => {
    if (!isId('conflict', id)) throw new HttpError(400, 'invalid_request', `"${id}" is not a conflict id (cfl_…)`);
    return id;
  };
  router.get('/conflicts', async (req, res) => {
    const q = parseInput(conflictsQuerySchema, req.query, 'conflicts query');
    const page = await deps.store.conflicts.list({ ...(q.status ? { status: q.status } : {}), ...(q.kind ? { kind: q.kind } : {}) }, { startIndex: q.startIndex, count: q.count });
    const body: PageOf<Conflict> = { totalResults: page.totalResults, startIndex: page.startIndex, count: page.items.length, items: page.items };
    res.json(body);
  });
  router.get('/conflicts/:id', async (req, res) => {
    const conflict = await deps.store.conflicts.get(conflictId(req.params.id));
    if (!conflict) throw new HttpError(404, 'not_found', `no conflict ${req.params.id}`);
    res.json(conflict);
  });
  router.post('/conflicts/:id/resolve', async (req, res) => {
    const id = conflictId(req.params.id);
    const input = parseInput(resolveConflictSchema, req.body, 'resolution');
    const r = await resolveConflict(deps, id, input);
    if (!r.ok) {
      if (r.error.kind === 'not-found') throw new HttpError(404, 'not_found', `no conflict ${id}`);
      throw new HttpError(409, 'resolution_rejected', r.error.problems.join('; '), { problems: r.error.problems });
    }
    deps.logger.info({ conflictId: id, action: input.action, by: input.by, ledgerSeq: r.value.ledgerSeq }, 'conflict resolved');
    res.json(r.value);
  });
  return router;
}
