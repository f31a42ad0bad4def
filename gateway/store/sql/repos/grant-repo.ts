import type { Grant, PamTarget } from '../../../domain/grant.ts';
import type { AssignmentId, ConnectorId, GrantId } from '../../../domain/ids.ts';
import type { GrantRepo } from '../../store.ts';
import { DocTable, paged } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { and, raw, sql, type Fragment } from '../sql-fragment.ts';
import { upsertByKey } from './upsert-by-key.ts';

export const grantTable = new DocTable<Grant>('grants', [
  ['target_connector', (r) => r.target.connectorId],
  ['target_kind', (r) => r.target.kind],
  ['target_ref', (r) => r.target.ref],
  ['principal', (r) => r.principal],
  ['status', (r) => r.status],
  ['assignment_id', (r) => r.assignmentId],
]);

const KEY_COLUMNS = ['target_connector', 'target_kind', 'target_ref', 'principal'];
const ACTIVE_ONLY = (opts?: { activeOnly?: boolean }) => (opts?.activeOnly ? ` AND status = 'active'` : '');

export function grantRepo(db: SqlDb): GrantRepo {
  const t = grantTable;
  return {
    get: (id: GrantId) => t.one(db, 'id = ?', [id]),
    find: (target: PamTarget, principal: string) =>
      t.one(db, 'target_connector = ? AND target_kind = ? AND target_ref = ? AND principal = ?', [target.connectorId, target.kind, target.ref, principal]),
    listByTarget: (target, opts) =>
      t.many(db, `target_connector = ? AND target_kind = ? AND target_ref = ?${ACTIVE_ONLY(opts)} ORDER BY principal, id`, [target.connectorId, target.kind, target.ref]),
    listByPrincipal: (connectorId: ConnectorId, principal: string, opts) =>
      t.many(db, `target_connector = ? AND principal = ?${ACTIVE_ONLY(opts)} ORDER BY id`, [connectorId, principal]),
    listByAssignment: (assignmentId: AssignmentId) => t.many(db, 'assignment_id = ? ORDER BY id', [assignmentId]),
    list(filter, page) {
      const conditions: Fragment[] = [];
      if (filter.connectorId !== undefined) conditions.push(sql`target_connector = ${filter.connectorId}`);
      if (filter.activeOnly) conditions.push(raw(`status = 'active'`));
      const from = sql`grants WHERE ${and(conditions)}`;
      return paged(db, { select: 'doc', from, orderBy: 'id' }, page, t.decode);
    },
    async *scanActive(connectorId: ConnectorId, batchSize: number) {
      let after = '';
      for (;;) {
        const batch = await t.many(db, `target_connector = ? AND status = 'active' AND id > ? ORDER BY id LIMIT ?`, [connectorId, after, batchSize]);
        if (batch.length > 0) yield batch;
        const last = batch[batch.length - 1];
        if (!last || batch.length < batchSize) return;
        after = last.id;
      }
    },
    upsert: (grant: Grant) =>
      upsertByKey(db, t, { columns: KEY_COLUMNS, values: [grant.target.connectorId, grant.target.kind, grant.target.ref, grant.principal] }, grant),
  };
}
