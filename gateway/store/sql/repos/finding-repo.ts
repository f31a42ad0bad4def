import { SEVERITIES, type Finding } from '../../../domain/finding.ts';
import type { FindingId } from '../../../domain/ids.ts';
import type { FindingRepo } from '../../store.ts';
import { DocTable, paged } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { and, raw, sql, type Fragment } from '../sql-fragment.ts';
import { upsertByKey } from './upsert-by-key.ts';

export const findingTable = new DocTable<Finding>('findings', [
  ['kind', (r) => r.kind],
  ['key', (r) => r.key],
  ['status', (r) => r.status],
  ['severity', (r) => r.severity],
  ['severity_rank', (r) => SEVERITIES.indexOf(r.severity)],
  ['first_seen_at', (r) => r.firstSeenAt],
  ['last_seen_at', (r) => r.lastSeenAt],
], [['subject', 'subject']]);

const SORT_COLUMNS = { firstSeenAt: 'first_seen_at', lastSeenAt: 'last_seen_at', severity: 'severity_rank', kind: 'kind' } as const;

export function findingRepo(db: SqlDb): FindingRepo {
  const t = findingTable;
  return {
    get: (id: FindingId) => t.one(db, 'id = ?', [id]),
    getByKey: (kind, key) => t.one(db, 'kind = ? AND key = ?', [kind, key]),
    async list(filter, sort, page) {
      const conditions: Fragment[] = [];
      if (filter.kind !== undefined) conditions.push(sql`kind = ${filter.kind}`);
      if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
      if (filter.severity !== undefined) conditions.push(sql`severity = ${filter.severity}`);
      for (const [k, v] of Object.entries(filter.subject ?? {})) conditions.push(db.dialect.jsonFieldEquals('subject', k, v));
      const column = SORT_COLUMNS[sort.by];
      const dir = sort.order === 'desc' ? 'DESC' : 'ASC';
      return paged(db, { select: 'doc, subject', from: sql`findings WHERE ${and(conditions)}`, orderBy: raw(`${column} ${dir}, id ${dir}`) }, page, t.decode);
    },
    upsert: (finding: Finding) => upsertByKey(db, t, { columns: ['kind', 'key'], values: [finding.kind, finding.key] }, finding),
  };
}
