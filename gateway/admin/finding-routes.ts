/** `GET /findings` (filtered, sorted and paged by the store) and `GET /findings/:id` (with tags and ledger). */
import { Router } from 'express';
import type { FindingDetail, PageOf } from '../../console/shared/api-types.ts';
import { findingsQuerySchema } from '../../console/shared/input-schemas.ts';
import type { Finding } from '../domain/finding.ts';
import { frameworkTag } from '../domain/framework-tags.ts';
import { isId } from '../domain/ids.ts';
import { HttpError } from '../http/http-error.ts';
import type { AdminDeps } from './admin-deps.ts';
import { parseInput } from './parse-input.ts';

export function createFindingRoutes(deps: Pick<AdminDeps, 'store'>): Router {
  const router = Router();
  router.get('/findings', async (req, res) => {
    const q = parseInput(findingsQuerySchema, req.query, 'findings query');
    const filter = { ...(q.kind ? { kind: q.kind } : {}), ...(q.status ? { status: q.status } : {}), ...(q.severity ? { severity: q.severity } : {}) };
    const page = await deps.store.findings.list(filter, { by: q.sort, order: q.order }, { startIndex: q.startIndex, count: q.count });
    const body: PageOf<Finding> = { totalResults: page.totalResults, startIndex: page.startIndex, count: page.items.length, items: page.items };
    res.json(body);
  });
  router.get('/findings/:id', async (req, res) => {
    const id = req.params.id;
    if (!isId('finding', id)) throw new HttpError(400, 'invalid_request', `"${id}" is not a finding id (fnd_…)`);
    const finding = await deps.store.findings.get(id);
    if (!finding) throw new HttpError(404, 'not_found', `no finding ${id}`);
    const tags = finding.tags.map((t) => frameworkTag(t) ?? { id: t, framework: t.split(':')[0] ?? t, control: t.split(':')[1] ?? '', title: '' });
    const body: FindingDetail = { finding, tags, ledger: await deps.store.ledger.listBySubject(id) };
    res.json(body);
  });
  return router;
}
