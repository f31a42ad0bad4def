import type { InboxId } from '../../../domain/ids.ts';
import { INBOX_STATUSES, type InboxEvent, type InboxStatus } from '../../../domain/inbox-event.ts';
import type { InboxConnectorStats, InboxRepo } from '../../store.ts';
import { fromJson, optional } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';

const COLUMNS = 'id, connector_id, dedupe_key, channel, content_type, body, headers, received_at, status, attempts, processed_at, error';

/** Each reads one partial index of migration 3 (its predicate repeated verbatim). */
const PENDING_BY_CONNECTOR_SQL = `SELECT connector_id, count(*) AS n, min(received_at) AS oldest FROM inbox
  WHERE status = 'pending' GROUP BY connector_id`;
const HANDLED_SINCE_SQL = `SELECT connector_id, status, count(*) AS n FROM inbox
  WHERE processed_at IS NOT NULL AND processed_at >= ? GROUP BY connector_id, status`;
const LAST_ERROR_SQL = `SELECT status, error, processed_at FROM inbox
  WHERE connector_id = ? AND status IN ('unrecognised', 'failed') AND processed_at >= ? ORDER BY processed_at DESC LIMIT 1`;

/**
 * Reads ix_inbox_handled (migration 3) in processed_at order; pending rows are never touched. `<> 'pending'` (not an
 * IN list, which PostgreSQL would make an index condition and then sort) keeps the index order for the LIMIT.
 */
const PURGE_HANDLED_SQL = `DELETE FROM inbox WHERE id IN (SELECT id FROM inbox
  WHERE processed_at IS NOT NULL AND processed_at < ? AND status <> 'pending'
  ORDER BY processed_at LIMIT ?)`;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const INSERT_SQL = `INSERT INTO inbox (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector_id, dedupe_key) DO NOTHING`;

function decode(r: Row): InboxEvent {
  return {
    id: r['id'] as InboxId,
    connectorId: r['connector_id'] as string,
    dedupeKey: r['dedupe_key'] as string,
    channel: r['channel'] as InboxEvent['channel'],
    contentType: r['content_type'] as string,
    body: r['body'] as string,
    headers: fromJson(r['headers']),
    receivedAt: r['received_at'] as string,
    status: r['status'] as InboxStatus,
    attempts: Number(r['attempts']),
    processedAt: optional(r['processed_at']),
    error: optional(r['error']),
  };
}

export function inboxRepo(db: SqlDb): InboxRepo {
  return {
    async insert(e: InboxEvent) {
      const inserted = await db.run(INSERT_SQL, [
        e.id, e.connectorId, e.dedupeKey, e.channel, e.contentType, e.body, JSON.stringify(e.headers), e.receivedAt,
        e.status, e.attempts, e.processedAt ?? null, e.error ?? null,
      ]);
      if (inserted > 0) return { inserted: true, id: e.id };
      const existing = await db.get('SELECT id FROM inbox WHERE connector_id = ? AND dedupe_key = ?', [e.connectorId, e.dedupeKey]);
      if (!existing) throw new Error(`inbox insert of ${e.id} conflicted on its id, not on its dedupe key`);
      return { inserted: false, id: existing['id'] as InboxId };
    },
    async get(id: InboxId) {
      const row = await db.get(`SELECT ${COLUMNS} FROM inbox WHERE id = ?`, [id]);
      return row ? decode(row) : undefined;
    },
    async listPending(limit: number) {
      return (await db.all(`SELECT ${COLUMNS} FROM inbox WHERE status = 'pending' ORDER BY received_at, id LIMIT ?`, [limit])).map(decode);
    },
    async markDone(id, status, at, error) {
      await db.run('UPDATE inbox SET status = ?, processed_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?', [status, at, error ?? null, id]);
    },
    async markDoneIfPending(id, status, at, error) {
      const changed = await db.run(
        `UPDATE inbox SET status = ?, processed_at = ?, error = ?, attempts = attempts + 1
          WHERE id = (SELECT id FROM inbox WHERE id = ? AND status = 'pending'${db.dialect.skipLocked})`,
        [status, at, error ?? null, id],
      );
      return changed > 0;
    },
    async countByStatus() {
      const counts = Object.fromEntries(INBOX_STATUSES.map((s) => [s, 0])) as Record<InboxStatus, number>;
      for (const r of await db.all('SELECT status, count(*) AS n FROM inbox GROUP BY status')) counts[r['status'] as InboxStatus] = Number(r['n']);
      return counts;
    },
    async connectorStats(since: string) {
      const byId = new Map<string, Mutable<InboxConnectorStats>>();
      const of = (id: string) => {
        let s = byId.get(id);
        if (!s) byId.set(id, (s = { connectorId: id, pending: 0, processed: 0, unrecognised: 0, failed: 0 }));
        return s;
      };
      for (const r of await db.all(PENDING_BY_CONNECTOR_SQL)) {
        const s = of(r['connector_id'] as string);
        s.pending = Number(r['n']);
        s.oldestPendingAt = r['oldest'] as string;
      }
      for (const r of await db.all(HANDLED_SINCE_SQL, [since])) {
        const status = r['status'] as InboxStatus;
        if (status !== 'pending') of(r['connector_id'] as string)[status] = Number(r['n']);
      }
      for (const s of byId.values()) {
        if (s.unrecognised + s.failed === 0) continue;
        const r = await db.get(LAST_ERROR_SQL, [s.connectorId, since]);
        if (r) s.lastError = { status: r['status'] as 'unrecognised' | 'failed', error: (r['error'] as string | null) ?? '', at: r['processed_at'] as string };
      }
      return [...byId.values()].sort((a, b) => (a.connectorId < b.connectorId ? -1 : a.connectorId > b.connectorId ? 1 : 0));
    },
    purgeHandled: (before: string, limit: number) => (limit <= 0 ? Promise.resolve(0) : db.run(PURGE_HANDLED_SQL, [before, limit])),
  };
}
