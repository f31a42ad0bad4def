import { validatePath } from '../sql/query-dialect.ts';
import type { SqlDialect } from '../sql/sql-db.ts';
import { raw, sql } from '../sql/sql-fragment.ts';
import { buildClaimOutboxSql, buildClaimProbeSql } from '../sql/outbox-claim-sql.ts';
import { sqliteQueryDialect, sqlitePath } from './sqlite-query-dialect.ts';

const CLAIM_SQL = {
  any: buildClaimOutboxSql('sqlite', false),
  byConnector: buildClaimOutboxSql('sqlite', true),
  probe: { any: buildClaimProbeSql(false), byConnector: buildClaimProbeSql(true) },
};

/**
 * SQLite needs no explicit locks: every write transaction starts with BEGIN IMMEDIATE (the database write lock,
 * across processes too), so cursors need no lock and nothing is ever skipped as locked; a single UPDATE … RETURNING
 * claims outbox rows atomically.
 */
export const sqliteDialect: SqlDialect = {
  ...sqliteQueryDialect,
  name: 'sqlite',
  claimOutboxSql: CLAIM_SQL,
  lockLedger: async () => {},
  lockEvents: async () => {},
  lockCursor: async () => {},
  skipLocked: '',
  eventAppended: async () => {},
  jsonFieldEquals(column, key, value) {
    validatePath([key]);
    return sql`json_extract(${raw(column)}, ${`$${sqlitePath([key])}`}) = ${value}`;
  },
};
