import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashEntry } from '../../../gateway/ledger/hash-entry.ts';
import { verifyStoreLedger } from '../../../gateway/ledger/verify-store-ledger.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';

/** Tampering as someone with the database file would do it: raw SQL on the ledger table, then verify. */
describe('ledger tampering in a SQLite store', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-ledger-'));
    file = path.join(dir, 'state.db');
    const store = await openSqliteStore({ file });
    for (let i = 1; i <= 8; i++) {
      await store.ledger.append({ at: `2026-01-01T00:00:0${i}.000Z`, actor: 'engine', action: 'elevation.decided', subject: `elv_${i}`, data: { outcome: 'allow', i } });
    }
    await store.close();
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function tamperThenVerify(sql: (db: Database.Database) => void) {
    const db = new Database(file);
    sql(db);
    db.close();
    const store: Store = await openSqliteStore({ file });
    try {
      return await verifyStoreLedger(store, 3);
    } finally {
      await store.close();
    }
  }

  it('passes an untouched ledger, whatever the key order of the stored JSON', async () => {
    const result = await tamperThenVerify((db) => db.prepare(`UPDATE ledger SET data = '{"i":2,"outcome":"allow"}' WHERE seq = 2`).run());
    expect(result).toMatchObject({ ok: true, count: 8 });
  });

  it('finds altered data', async () => {
    const result = await tamperThenVerify((db) => db.prepare(`UPDATE ledger SET data = '{"outcome":"deny","i":3}' WHERE seq = 3`).run());
    expect(result).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
  });

  it('finds an altered hash', async () => {
    const result = await tamperThenVerify((db) => db.prepare(`UPDATE ledger SET hash = ? WHERE seq = 5`).run('b'.repeat(64)));
    expect(result).toMatchObject({ ok: false, seq: 5, problem: 'altered' });
  });

  it('finds an entry rewritten with a recomputed hash, at the link after it', async () => {
    const result = await tamperThenVerify((db) => {
      const row = db.prepare('SELECT * FROM ledger WHERE seq = 4').get() as Record<string, string | number>;
      const forged = { seq: 4, at: String(row['at']), actor: 'admin', action: String(row['action']), subject: String(row['subject']), data: { outcome: 'allow', i: 4 }, prevHash: String(row['prev_hash']) };
      db.prepare('UPDATE ledger SET actor = ?, hash = ? WHERE seq = 4').run('admin', hashEntry(forged));
    });
    expect(result).toMatchObject({ ok: false, seq: 5, problem: 'broken-link' });
  });

  it('finds a removed entry', async () => {
    const result = await tamperThenVerify((db) => db.prepare('DELETE FROM ledger WHERE seq = 6').run());
    expect(result).toMatchObject({ ok: false, seq: 6, problem: 'removed' });
  });

  it('finds reordered entries', async () => {
    const result = await tamperThenVerify((db) => {
      db.prepare('UPDATE ledger SET seq = -2 WHERE seq = 2').run();
      db.prepare('UPDATE ledger SET seq = 2 WHERE seq = 3').run();
      db.prepare('UPDATE ledger SET seq = 3 WHERE seq = -2').run();
    });
    expect(result).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
  });
});
