import { buildClaimOutboxSql } from '../sql/outbox-claim-sql.ts';
import type { SqlDialect } from '../sql/sql-db.ts';
import { raw, sql } from '../sql/sql-fragment.ts';
import { advisoryKey, eventsChannel, int32Of } from './advisory-keys.ts';
import { postgresQueryDialect } from './postgres-query-dialect.ts';

const CLAIM_SQL = { any: buildClaimOutboxSql('postgres', false), byConnector: buildClaimOutboxSql('postgres', true) };

/**
 * PostgreSQL: outbox and inbox claims skip rows another replica has locked; domain event and ledger appends take one
 * transaction-scoped advisory lock per schema, so that seq order is commit order and the hash chain never forks; a
 * cursor is locked by a transaction-scoped advisory lock keyed by the schema and its name.
 * Each appended event is announced with NOTIFY (delivered at commit).
 */
export function postgresDialect(schema: string): SqlDialect {
  const [ns, append] = advisoryKey(schema, 'append');
  const lockAppend = async (db: Parameters<SqlDialect['lockLedger']>[0]) => {
    await db.get('SELECT pg_advisory_xact_lock(?::int, ?::int) AS locked', [ns, append]);
  };
  const channel = eventsChannel(schema);
  return {
    ...postgresQueryDialect,
    name: 'postgres',
    claimOutboxSql: CLAIM_SQL,
    lockLedger: lockAppend,
    lockEvents: lockAppend,
    async lockCursor(db, name) {
      await db.get('SELECT pg_advisory_xact_lock(?::int, ?::int) AS locked', [ns, int32Of(`cursor:${name}`)]);
    },
    skipLocked: ' FOR UPDATE SKIP LOCKED',
    async eventAppended(db, seq) {
      await db.get('SELECT pg_notify(?, ?) AS notified', [channel, String(seq)]);
    },
    jsonFieldEquals: (column, key, value) => sql`(${raw(column)} ->> ${key}::text) = ${value}::text`,
  };
}
