import { validatePath } from '../sql/query-dialect.ts';
import type { SqlDialect } from '../sql/sql-db.ts';
import { raw, sql } from '../sql/sql-fragment.ts';
import { OUTBOX_COLUMNS } from '../sql/repos/outbox-repo.ts';
import { sqliteQueryDialect, sqlitePath } from './sqlite-query-dialect.ts';

const CLAIM_SQL = `UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ?
  WHERE id IN (
    SELECT id FROM outbox
    WHERE ((status IN ('queued', 'failed') AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?))
      AND (? IS NULL OR connector_id = ?)
    ORDER BY created_at, id LIMIT ?)
  RETURNING ${OUTBOX_COLUMNS}`;

/**
 * SQLite needs no explicit locks: every write transaction starts with BEGIN IMMEDIATE (the database write lock,
 * across processes too), and a single UPDATE … RETURNING claims outbox rows atomically.
 */
export const sqliteDialect: SqlDialect = {
  ...sqliteQueryDialect,
  name: 'sqlite',
  claimOutboxSql: CLAIM_SQL,
  lockLedger: async () => {},
  lockEvents: async () => {},
  eventAppended: async () => {},
  jsonFieldEquals(column, key, value) {
    validatePath([key]);
    return sql`json_extract(${raw(column)}, ${`$${sqlitePath([key])}`}) = ${value}`;
  },
};
