import type { LedgerEntry } from '../../../domain/ledger-entry.ts';
import { chainEntry } from '../../../ledger/hash-entry.ts';
import type { LedgerRepo } from '../../store.ts';
import { fromJson } from '../rows.ts';
import type { Row, SqlDb } from '../sql-db.ts';

const COLUMNS = 'seq, at, actor, action, subject, data, prev_hash, hash';

function decode(r: Row): LedgerEntry {
  return {
    seq: Number(r['seq']),
    at: r['at'] as string,
    actor: r['actor'] as string,
    action: r['action'] as string,
    subject: r['subject'] as string,
    data: fromJson(r['data']),
    prevHash: r['prev_hash'] as string,
    hash: r['hash'] as string,
  };
}

export function ledgerRepo(db: SqlDb): LedgerRepo {
  const last = async (on: SqlDb) => {
    const row = await on.get(`SELECT ${COLUMNS} FROM ledger ORDER BY seq DESC LIMIT 1`);
    return row ? decode(row) : undefined;
  };
  return {
    append(entry) {
      return db.atomic(async (tx) => {
        await tx.dialect.lockLedger(tx);
        const next = chainEntry(await last(tx), { at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, data: entry.data });
        await tx.run(`INSERT INTO ledger (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
          next.seq, next.at, next.actor, next.action, next.subject, JSON.stringify(next.data), next.prevHash, next.hash,
        ]);
        return next;
      });
    },
    async read(fromSeq: number, limit: number) {
      return (await db.all(`SELECT ${COLUMNS} FROM ledger WHERE seq >= ? ORDER BY seq LIMIT ?`, [fromSeq, limit])).map(decode);
    },
    last: () => last(db),
    async listBySubject(subject: string) {
      return (await db.all(`SELECT ${COLUMNS} FROM ledger WHERE subject = ? ORDER BY seq`, [subject])).map(decode);
    },
  };
}
