import type { Assignment } from '../../../domain/assignment.ts';
import type { AssignmentId, EntitlementId, IdentityId } from '../../../domain/ids.ts';
import type { AssignmentIdRange, AssignmentRef, AssignmentRepo } from '../../store.ts';
import { DocTable } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';

export const assignmentTable = new DocTable<Assignment>('assignments', [
  ['connector_id', (r) => r.connectorId],
  ['entitlement_id', (r) => r.entitlementId],
  ['identity_id', (r) => r.identityId],
  ['status', (r) => r.status],
  ['expires_at', (r) => r.expiresAt],
]);

const ACTIVE_ONLY = (opts?: { activeOnly?: boolean }) => (opts?.activeOnly ? ` AND status = 'active'` : '');

export function assignmentRepo(db: SqlDb): AssignmentRepo {
  const t = assignmentTable;
  return {
    get: (id: AssignmentId) => t.one(db, 'id = ?', [id]),
    findActive: (entitlementId: EntitlementId, identityId: IdentityId) =>
      t.one(db, `entitlement_id = ? AND identity_id = ? AND status = 'active'`, [entitlementId, identityId]),
    listByEntitlement: (entitlementId, opts) => t.many(db, `entitlement_id = ?${ACTIVE_ONLY(opts)} ORDER BY id`, [entitlementId]),
    listByIdentity: (identityId, opts) => t.many(db, `identity_id = ?${ACTIVE_ONLY(opts)} ORDER BY id`, [identityId]),
    listExpiring: (at, limit) =>
      t.many(db, `status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?`, [at, limit]),
    async *scanActive(batchSize: number, range?: AssignmentIdRange) {
      let after = range?.after ?? '';
      const upTo = range?.through === undefined ? '' : ' AND id <= ?';
      const sqlText = `SELECT id, entitlement_id, identity_id FROM assignments WHERE status = 'active' AND id > ?${upTo} ORDER BY id LIMIT ?`;
      for (;;) {
        const rows = await db.all(sqlText, range?.through === undefined ? [after, batchSize] : [after, range.through, batchSize]);
        const batch: AssignmentRef[] = rows.map((r) => ({ id: r['id'] as AssignmentId, entitlementId: r['entitlement_id'] as EntitlementId, identityId: r['identity_id'] as IdentityId }));
        if (batch.length > 0) yield batch;
        const last = batch[batch.length - 1];
        if (!last || batch.length < batchSize) return;
        after = last.id;
      }
    },
    async countActive() {
      const row = await db.get(`SELECT count(*) AS n FROM assignments WHERE status = 'active'`);
      return Number(row?.['n'] ?? 0);
    },
    async insert(assignment: Assignment) {
      await db.runGuarded(t.insertSql, t.values(assignment));
    },
    async update(assignment: Assignment) {
      await db.runGuarded(t.updateSql, t.updateValues(assignment));
    },
  };
}
