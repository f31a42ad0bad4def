import type { InboxId } from '../../../domain/ids.ts';
import { INBOX_STATUSES, type InboxEvent, type InboxStatus } from '../../../domain/inbox-event.ts';
import type { InboxRepo } from '../../store.ts';
import { fromJson, optional } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';

const COLUMNS = 'id, connector_id, dedupe_key, channel, content_type, body, headers, received_at, status, attempts, processed_at, error';

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
    async countByStatus() {
      const counts = Object.fromEntries(INBOX_STATUSES.map((s) => [s, 0])) as Record<InboxStatus, number>;
      for (const r of await db.all('SELECT status, count(*) AS n FROM inbox GROUP BY status')) counts[r['status'] as InboxStatus] = Number(r['n']);
      return counts;
    },
  };
}
