import type { Entitlement } from '../../../domain/entitlement.ts';
import type { ConnectorId, EntitlementId } from '../../../domain/ids.ts';
import type { Page, QuerySpec } from '../../../domain/query.ts';
import type { EntitlementRepo } from '../../store.ts';
import { compileQuery, type ResourceTable } from '../query-compiler.ts';
import { DocTable, paged } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { raw, sql } from '../sql-fragment.ts';

export const entitlementTable = new DocTable<Entitlement>('entitlements', [
  ['connector_id', (r) => r.connectorId],
  ['external_id', (r) => r.externalId],
  ['display_name', (r) => r.displayName],
  ['display_name_lc', (r) => r.displayName.toLowerCase()],
  ['created_at', (r) => r.createdAt],
  ['updated_at', (r) => r.updatedAt],
  ['deleted_at', (r) => r.deletedAt],
  ['version', (r) => r.version],
], [['resource', 'resource']]);

/** SCIM Groups: `members` is joined from active assignments (value = identity id, display = its userName). */
export const entitlementResourceTable: ResourceTable = {
  alias: 't',
  docColumn: 't.resource',
  columns: {
    id: { sql: 't.id' },
    displayName: { sql: 't.display_name', lc: 't.display_name_lc' },
    externalId: { sql: 't.external_id' },
    'meta.created': { sql: 't.created_at' },
    'meta.lastModified': { sql: 't.updated_at' },
  },
  relations: {
    members: {
      exists: (a, where) => sql`EXISTS (SELECT 1 FROM assignments ${raw(a)} JOIN identities ${raw(`${a}i`)} ON ${raw(`${a}i`)}.id = ${raw(a)}.identity_id
        WHERE ${raw(a)}.entitlement_id = t.id AND ${raw(a)}.status = 'active' AND ${where})`,
      columns: (a) => ({ value: { sql: `${a}.identity_id` }, display: { sql: `${a}i.user_name`, lc: `${a}i.user_name_lc` } }),
    },
  },
};

export function entitlementRepo(db: SqlDb): EntitlementRepo {
  const t = entitlementTable;
  return {
    get: (id: EntitlementId) => t.one(db, 'id = ?', [id]),
    getByExternalId: (connectorId: ConnectorId, externalId: string) =>
      t.one(db, 'connector_id = ? AND external_id = ? AND deleted_at IS NULL ORDER BY id', [connectorId, externalId]),
    async query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Entitlement>> {
      const q = compileQuery(db.dialect, entitlementResourceTable, spec);
      const live = raw(spec.includeDeleted ? '' : ' AND t.deleted_at IS NULL');
      const from = sql`entitlements t WHERE t.connector_id = ${connectorId}${live} AND ${q.where}`;
      return paged(db, { select: 't.doc, t.resource', from, orderBy: q.orderBy }, spec.page, t.decode);
    },
    listAll: () => t.many(db, 'deleted_at IS NULL ORDER BY id', []),
    async insert(entitlement: Entitlement) {
      await db.runGuarded(t.insertSql, t.values(entitlement));
    },
    async update(entitlement: Entitlement, expectedVersion: number) {
      return (await db.runGuarded(`${t.updateSql} AND version = ?`, [...t.updateValues(entitlement), expectedVersion])) > 0;
    },
    purgeDeleted: (before: string) => db.run('DELETE FROM entitlements WHERE deleted_at IS NOT NULL AND deleted_at < ?', [before]),
  };
}
