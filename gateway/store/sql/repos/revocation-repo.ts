import type { AssignmentId, RevocationId } from '../../../domain/ids.ts';
import type { Revocation } from '../../../domain/revocation.ts';
import type { RevocationRepo } from '../../store.ts';
import { DocTable, paged } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { TRUE, sql } from '../sql-fragment.ts';

export const revocationTable = new DocTable<Revocation>('revocations', [
  ['assignment_id', (r) => r.assignmentId],
  ['status', (r) => r.status],
  ['created_at', (r) => r.createdAt],
]);

export function revocationRepo(db: SqlDb): RevocationRepo {
  const t = revocationTable;
  return {
    get: (id: RevocationId) => t.one(db, 'id = ?', [id]),
    listByAssignment: (assignmentId: AssignmentId) => t.many(db, 'assignment_id = ? ORDER BY created_at, id', [assignmentId]),
    list(filter, page) {
      const from = sql`revocations WHERE ${filter.status !== undefined ? sql`status = ${filter.status}` : TRUE}`;
      return paged(db, { select: 'doc', from, orderBy: 'created_at, id' }, page, t.decode);
    },
    async insert(revocation: Revocation) {
      await db.runGuarded(t.insertSql, t.values(revocation));
    },
    async update(revocation: Revocation) {
      await db.run(t.updateSql, t.updateValues(revocation));
    },
  };
}
