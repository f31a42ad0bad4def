import type { Conflict } from '../../../domain/conflict.ts';
import type { ConflictId } from '../../../domain/ids.ts';
import type { ConflictRepo } from '../../store.ts';
import { DocTable, paged } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { and, sql, type Fragment } from '../sql-fragment.ts';
import { upsertByKey } from './upsert-by-key.ts';

export const conflictTable = new DocTable<Conflict>('conflicts', [
  ['kind', (r) => r.kind],
  ['key', (r) => r.key],
  ['status', (r) => r.status],
  ['created_at', (r) => r.createdAt],
]);

export function conflictRepo(db: SqlDb): ConflictRepo {
  const t = conflictTable;
  return {
    get: (id: ConflictId) => t.one(db, 'id = ?', [id]),
    getByKey: (kind, key) => t.one(db, 'kind = ? AND key = ?', [kind, key]),
    list(filter, page) {
      const conditions: Fragment[] = [];
      if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
      if (filter.kind !== undefined) conditions.push(sql`kind = ${filter.kind}`);
      return paged(db, { select: 'doc', from: sql`conflicts WHERE ${and(conditions)}`, orderBy: 'created_at, id' }, page, t.decode);
    },
    upsert: (conflict: Conflict) => upsertByKey(db, t, { columns: ['kind', 'key'], values: [conflict.kind, conflict.key] }, conflict),
  };
}
