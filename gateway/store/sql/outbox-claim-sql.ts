import { OUTBOX_COLUMNS } from './repos/outbox-repo.ts';

/** The predicate of the partial claim indexes (migration 2), repeated verbatim so that the planners match it. */
export const OUTBOX_CLAIMABLE = `status IN ('queued', 'failed', 'sending')`;

/**
 * The outbox claim as one statement, for one connector or for any: the inner SELECT walks a claim index in
 * (created_at, id) order and stops after `limit` due rows, instead of sorting every pending row. SQLite is told
 * the index (its planner otherwise prefers an OR over ix_outbox_due plus a sort); PostgreSQL skips rows another
 * replica has locked. `?` parameters in order: owner, leaseUntil, now (updated_at), [connectorId], now (due),
 * now (lease expired), limit.
 */
export function buildClaimOutboxSql(dialect: 'sqlite' | 'postgres', byConnector: boolean): string {
  return `UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ?
  WHERE id IN (
    ${dueRows(dialect, byConnector)}
    ORDER BY created_at, id LIMIT ?${dialect === 'postgres' ? '\n    FOR UPDATE SKIP LOCKED' : ''})
  RETURNING ${OUTBOX_COLUMNS}`;
}

/**
 * SQLite: whether anything is due (`?`: [connectorId], now, now), read before the claim so that a claim finding
 * nothing takes no write lock (an UPDATE starts a write transaction even when it changes no row).
 */
export function buildClaimProbeSql(byConnector: boolean): string {
  return `${dueRows('sqlite', byConnector).replace('SELECT id', 'SELECT 1 AS due')} LIMIT 1`;
}

function dueRows(dialect: 'sqlite' | 'postgres', byConnector: boolean): string {
  const index = byConnector ? 'ix_outbox_claim_connector' : 'ix_outbox_claim';
  return `SELECT id FROM outbox${dialect === 'sqlite' ? ` INDEXED BY ${index}` : ''}
    WHERE ${byConnector ? 'connector_id = ? AND ' : ''}${OUTBOX_CLAIMABLE}
      AND ((status IN ('queued', 'failed') AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?))`;
}
