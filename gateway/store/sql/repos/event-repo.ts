import type { DomainEvent, DomainEventType } from '../../../domain/domain-event.ts';
import { newId, type EventId, type RandomSource } from '../../../domain/ids.ts';
import type { DomainEventRepo } from '../../store.ts';
import { fromJson } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';

const COLUMNS = 'seq, id, type, subject, actor, payload, occurred_at';

function decode(r: Row): DomainEvent {
  return {
    seq: Number(r['seq']),
    id: r['id'] as EventId,
    type: r['type'] as DomainEventType,
    subject: r['subject'] as string,
    actor: r['actor'] as string,
    payload: fromJson(r['payload']),
    occurredAt: r['occurred_at'] as string,
  };
}

export function eventRepo(db: SqlDb, random: RandomSource): DomainEventRepo {
  return {
    append(event) {
      const id = newId('event', Date.parse(event.occurredAt) || 0, random);
      return db.atomic(async (tx) => {
        await tx.dialect.lockEvents(tx);
        const row = await tx.get(
          `INSERT INTO domain_events (seq, id, type, subject, actor, payload, occurred_at)
             SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM domain_events RETURNING seq`,
          [id, event.type, event.subject, event.actor, JSON.stringify(event.payload), event.occurredAt],
        );
        const seq = Number(row?.['seq']);
        await tx.dialect.eventAppended(tx, seq);
        return { seq, id, type: event.type, subject: event.subject, actor: event.actor, payload: event.payload, occurredAt: event.occurredAt };
      });
    },
    async readAfter(afterSeq: number, limit: number) {
      return (await db.all(`SELECT ${COLUMNS} FROM domain_events WHERE seq > ? ORDER BY seq LIMIT ?`, [afterSeq, limit])).map(decode);
    },
    async lastSeq() {
      const row = await db.get('SELECT max(seq) AS seq FROM domain_events');
      return Number(row?.['seq'] ?? 0);
    },
  };
}
