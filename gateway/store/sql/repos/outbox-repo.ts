import type { OutboxId } from '../../../domain/ids.ts';
import type { OutboundAction, OutboxMessage, OutboxStatus } from '../../../domain/outbox-message.ts';
import type { OutboxRepo } from '../../store.ts';
import { fromJson, optional, paged } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';
import { and, sql, type Fragment } from '../sql-fragment.ts';

export const OUTBOX_COLUMNS = 'id, connector_id, action, idempotency_key, payload, status, attempts, next_attempt_at, last_error, '
  + 'claimed_by, claimed_until, response, created_at, updated_at, delivered_at';

const INSERT_SQL = `INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`;

export function decodeOutbox(r: Row): OutboxMessage {
  return {
    id: r['id'] as OutboxId,
    connectorId: r['connector_id'] as string,
    action: r['action'] as OutboundAction,
    idempotencyKey: r['idempotency_key'] as string,
    payload: fromJson(r['payload']),
    status: r['status'] as OutboxStatus,
    attempts: Number(r['attempts']),
    nextAttemptAt: r['next_attempt_at'] as string,
    lastError: optional(r['last_error']),
    claimedBy: optional(r['claimed_by']),
    claimedUntil: optional(r['claimed_until']),
    response: r['response'] === null || r['response'] === undefined ? undefined : fromJson(r['response']),
    createdAt: r['created_at'] as string,
    updatedAt: r['updated_at'] as string,
    deliveredAt: optional(r['delivered_at']),
  };
}

/**
 * Mapping health. The backlog reads the claim index of connector (migration 2: its predicate verbatim, as in
 * outbox-claim-sql.ts) and computes "due" as the claim does; failures read only failed and abandoned rows;
 * deliveries read ix_outbox_delivered (migration 3).
 */
const BACKLOG_SQL = `SELECT connector_id, count(*) AS n, min(created_at) AS oldest,
    min(CASE WHEN (status IN ('queued', 'failed') AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?)
      THEN created_at END) AS oldest_due
  FROM outbox WHERE status IN ('queued', 'failed', 'sending') GROUP BY connector_id ORDER BY connector_id`;
const FAILURES_SQL = `SELECT connector_id, status, n, recent, last_error, updated_at FROM (
    SELECT connector_id, status, last_error, updated_at,
      count(*) OVER (PARTITION BY connector_id, status) AS n,
      sum(CASE WHEN updated_at >= ? THEN 1 ELSE 0 END) OVER (PARTITION BY connector_id, status) AS recent,
      row_number() OVER (PARTITION BY connector_id, status ORDER BY updated_at DESC, id DESC) AS rn
    FROM outbox WHERE status IN ('failed', 'abandoned')) w
  WHERE rn = 1 ORDER BY connector_id, status`;
const DELIVERED_SINCE_SQL = `SELECT count(*) AS n FROM outbox WHERE connector_id = ? AND status = 'delivered' AND delivered_at >= ?`;
const LAST_DELIVERED_SQL = `SELECT delivered_at FROM outbox
  WHERE connector_id = ? AND status = 'delivered' AND delivered_at IS NOT NULL ORDER BY delivered_at DESC LIMIT 1`;

/**
 * Counts (migration 5): undelivered states from ix_outbox_open, delivered ones from ix_outbox_delivered (all kept)
 * or a range of ix_outbox_settled (since a time). Never a scan of the whole table. SQLite is told the index (without
 * statistics its planner prefers the equality on status in ix_outbox_due, which reads every delivered row).
 */
const OPEN_STATS_SQL = `SELECT connector_id, status, count(*) AS n FROM outbox WHERE status <> 'delivered' GROUP BY connector_id, status`;
const deliveredStatsSql = (sqlite: boolean, since: boolean) => since
  ? `SELECT connector_id, count(*) AS n FROM outbox${sqlite ? ' INDEXED BY ix_outbox_settled' : ''}
      WHERE status = 'delivered' AND delivered_at >= ? GROUP BY connector_id`
  : `SELECT connector_id, count(*) AS n FROM outbox${sqlite ? ' INDEXED BY ix_outbox_delivered' : ''} WHERE status = 'delivered' GROUP BY connector_id`;
/**
 * Retention (migration 5): delivered messages oldest first (a range of ix_outbox_settled), except those an access
 * path's cursors (`outbox.path:<key>`, `outbox.path-last:<key>`: path order) still name (ix_cursors_path_head).
 */
const purgeDeliveredSql = (sqlite: boolean) => `DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o${sqlite ? ' INDEXED BY ix_outbox_settled' : ''}
  WHERE o.status = 'delivered' AND o.delivered_at < ?
    AND NOT EXISTS (SELECT 1 FROM cursors c WHERE c.name LIKE 'outbox.path%' AND c.value = o.id)
  ORDER BY o.delivered_at LIMIT ?)`;

const byStats = (a: { connectorId: string; status: string }, b: { connectorId: string; status: string }) =>
  a.connectorId < b.connectorId ? -1 : a.connectorId > b.connectorId ? 1 : a.status < b.status ? -1 : a.status > b.status ? 1 : 0;

const byAge = (a: OutboxMessage, b: OutboxMessage) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export function outboxRepo(db: SqlDb): OutboxRepo {
  const one = async (where: string, params: unknown[]) => {
    const row = await db.get(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ${where}`, params);
    return row ? decodeOutbox(row) : undefined;
  };
  return {
    async enqueue(m: OutboxMessage) {
      const inserted = await db.run(INSERT_SQL, [
        m.id, m.connectorId, m.action, m.idempotencyKey, JSON.stringify(m.payload), m.status, m.attempts, m.nextAttemptAt,
        m.lastError ?? null, m.claimedBy ?? null, m.claimedUntil ?? null, m.response === undefined ? null : JSON.stringify(m.response),
        m.createdAt, m.updatedAt, m.deliveredAt ?? null,
      ]);
      if (inserted > 0) return { inserted: true, id: m.id };
      const existing = await db.get('SELECT id FROM outbox WHERE idempotency_key = ?', [m.idempotencyKey]);
      if (!existing) throw new Error(`outbox enqueue of ${m.id} conflicted on its id, not on its idempotency key`);
      return { inserted: false, id: existing['id'] as OutboxId };
    },
    get: (id: OutboxId) => one('id = ?', [id]),
    getByIdempotencyKey: (key: string) => one('idempotency_key = ?', [key]),
    async claim(c) {
      if (c.limit <= 0) return [];
      const probe = db.dialect.claimOutboxSql.probe;
      if (probe) {
        const due = c.connectorId === undefined
          ? await db.get(probe.any, [c.now, c.now])
          : await db.get(probe.byConnector, [c.connectorId, c.now, c.now]);
        if (!due) return [];
      }
      const rows = c.connectorId === undefined
        ? await db.all(db.dialect.claimOutboxSql.any, [c.owner, c.leaseUntil, c.now, c.now, c.now, c.limit])
        : await db.all(db.dialect.claimOutboxSql.byConnector, [c.owner, c.leaseUntil, c.now, c.connectorId, c.now, c.now, c.limit]);
      return rows.map(decodeOutbox).sort(byAge);
    },
    async markDelivered(id, at, response) {
      await db.run(
        `UPDATE outbox SET status = 'delivered', delivered_at = ?, updated_at = ?, response = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?`,
        [at, at, response === undefined ? null : JSON.stringify(response), id],
      );
    },
    async markFailed(id, at, error, retryAt) {
      await db.run(
        `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ?,
           claimed_by = NULL, claimed_until = NULL WHERE id = ?`,
        [retryAt === undefined ? 'abandoned' : 'failed', error, retryAt ?? null, at, id],
      );
    },
    replay(filter, at) {
      const conditions: Fragment[] = [sql`status = 'abandoned'`];
      if (filter.id !== undefined) conditions.push(sql`id = ${filter.id}`);
      if (filter.connectorId !== undefined) conditions.push(sql`connector_id = ${filter.connectorId}`);
      const where = and(conditions);
      return db.run(`UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE ${where.text}`, [at, at, ...where.params]);
    },
    list(filter, page) {
      const conditions: Fragment[] = [];
      if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
      if (filter.connectorId !== undefined) conditions.push(sql`connector_id = ${filter.connectorId}`);
      return paged(db, { select: OUTBOX_COLUMNS, from: sql`outbox WHERE ${and(conditions)}`, orderBy: 'created_at, id' }, page, decodeOutbox);
    },
    async stats(deliveredSince) {
      const open = await db.all(OPEN_STATS_SQL);
      const sqlite = db.dialect.name === 'sqlite';
      const delivered = deliveredSince === undefined
        ? await db.all(deliveredStatsSql(sqlite, false))
        : await db.all(deliveredStatsSql(sqlite, true), [deliveredSince]);
      return [
        ...open.map((r) => ({ connectorId: r['connector_id'] as string, status: r['status'] as OutboxStatus, count: Number(r['n']) })),
        ...delivered.map((r) => ({ connectorId: r['connector_id'] as string, status: 'delivered' as const, count: Number(r['n']) })),
      ].sort(byStats);
    },
    async backlog(now) {
      return (await db.all(BACKLOG_SQL, [now, now])).map((r) => ({
        connectorId: r['connector_id'] as string, undelivered: Number(r['n']), oldestCreatedAt: r['oldest'] as string,
        oldestDueCreatedAt: optional(r['oldest_due']),
      }));
    },
    async failures(since) {
      return (await db.all(FAILURES_SQL, [since])).map((r) => ({
        connectorId: r['connector_id'] as string, status: r['status'] as 'failed' | 'abandoned', count: Number(r['n']),
        since: Number(r['recent']), lastError: (r['last_error'] as string | null) ?? '', lastAt: r['updated_at'] as string,
      }));
    },
    async deliveries(connectorId, since) {
      const n = await db.get(DELIVERED_SINCE_SQL, [connectorId, since]);
      const last = await db.get(LAST_DELIVERED_SQL, [connectorId]);
      return { count: Number(n?.['n'] ?? 0), lastDeliveredAt: optional(last?.['delivered_at']) };
    },
    purgeDelivered: (before: string, limit: number) => (limit <= 0 ? Promise.resolve(0) : db.run(purgeDeliveredSql(db.dialect.name === 'sqlite'), [before, limit])),
  };
}
