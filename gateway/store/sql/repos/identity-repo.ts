import type { ConnectorId, IdentityId } from '../../../domain/ids.ts';
import type { Identity, IdentityHead } from '../../../domain/identity.ts';
import type { Page, QuerySpec } from '../../../domain/query.ts';
import type { IdentityRepo } from '../../store.ts';
import { compileQuery, type ResourceTable } from '../query-compiler.ts';
import { DocTable, fromJson, paged } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';
import { raw, sql } from '../sql-fragment.ts';

export const identityTable = new DocTable<Identity>('identities', [
  ['connector_id', (r) => r.connectorId],
  ['external_id', (r) => r.externalId],
  ['user_name', (r) => r.userName],
  ['user_name_lc', (r) => r.userName.toLowerCase()],
  ['created_at', (r) => r.createdAt],
  ['updated_at', (r) => r.updatedAt],
  ['deleted_at', (r) => r.deletedAt],
  ['version', (r) => r.version],
], [['resource', 'resource']]);

/** SCIM Users: `groups` is joined from active assignments (value = entitlement id, display = its displayName). */
export const identityResourceTable: ResourceTable = {
  alias: 't',
  docColumn: 't.resource',
  columns: {
    id: { sql: 't.id' },
    userName: { sql: 't.user_name', lc: 't.user_name_lc' },
    externalId: { sql: 't.external_id' },
    'meta.created': { sql: 't.created_at' },
    'meta.lastModified': { sql: 't.updated_at' },
  },
  relations: {
    groups: {
      exists: (a, where) => sql`EXISTS (SELECT 1 FROM assignments ${raw(a)} JOIN entitlements ${raw(`${a}e`)} ON ${raw(`${a}e`)}.id = ${raw(a)}.entitlement_id
        WHERE ${raw(a)}.identity_id = t.id AND ${raw(a)}.status = 'active' AND ${raw(`${a}e`)}.deleted_at IS NULL AND ${where})`,
      columns: (a) => ({ value: { sql: `${a}.entitlement_id` }, display: { sql: `${a}e.display_name`, lc: `${a}e.display_name_lc` } }),
    },
  },
};

/** Live identities in id order, a keyset page per round trip. */
async function* scanLive<T extends { readonly id: string }>(db: SqlDb, batchSize: number, select: string, decode: (row: Row) => T): AsyncGenerator<readonly T[]> {
  let after = '';
  for (;;) {
    const batch = (await db.all(`SELECT ${select} FROM identities WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?`, [after, batchSize])).map(decode);
    if (batch.length > 0) yield batch;
    const last = batch[batch.length - 1];
    if (!last || batch.length < batchSize) return;
    after = last.id;
  }
}

export function identityRepo(db: SqlDb): IdentityRepo {
  const t = identityTable;
  return {
    get: (id: IdentityId) => t.one(db, 'id = ?', [id]),
    getByUserName: (connectorId: ConnectorId, userName: string) =>
      t.one(db, 'connector_id = ? AND user_name_lc = ? AND deleted_at IS NULL', [connectorId, userName.toLowerCase()]),
    listByUserName: (userName: string) => t.many(db, 'user_name_lc = ? AND deleted_at IS NULL ORDER BY id', [userName.toLowerCase()]),
    getByExternalId: (connectorId: ConnectorId, externalId: string) =>
      t.one(db, 'connector_id = ? AND external_id = ? AND deleted_at IS NULL ORDER BY id', [connectorId, externalId]),
    async query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Identity>> {
      const q = compileQuery(db.dialect, identityResourceTable, spec);
      const live = raw(spec.includeDeleted ? '' : ' AND t.deleted_at IS NULL');
      const from = sql`identities t WHERE t.connector_id = ${connectorId}${live} AND ${q.where}`;
      return paged(db, { select: 't.doc, t.resource', from, orderBy: q.orderBy }, spec.page, t.decode);
    },
    scan: (batchSize: number) => scanLive(db, batchSize, t.selectList, t.decode),
    scanHeads: (batchSize: number) => scanLive(db, batchSize, 'doc', (r) => fromJson<IdentityHead>(r['doc'])),
    async insert(identity: Identity) {
      await db.runGuarded(t.insertSql, t.values(identity));
    },
    async update(identity: Identity, expectedVersion: number) {
      return (await db.runGuarded(`${t.updateSql} AND version = ?`, [...t.updateValues(identity), expectedVersion])) > 0;
    },
    purgeDeleted: (before: string) => db.run('DELETE FROM identities WHERE deleted_at IS NOT NULL AND deleted_at < ?', [before]),
  };
}
