import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import { LATEST_SCHEMA_VERSION } from '../../../gateway/store/sql/migrations.ts';
import { outboxMessage } from '../../contract/store/fixtures.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-sqlite-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('openSqliteStore', () => {
  it('creates the missing data directory and a WAL database with its migrations recorded', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'state.db');
    const store = await openSqliteStore({ file });
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
    raw.close();
  });

  it('fails with a clear message when the data directory cannot be written', async () => {
    const blocker = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(blocker, 'x');
    await expect(openSqliteStore({ file: path.join(blocker, 'state.db') })).rejects.toThrow(/data directory .*not-a-dir is not writable/);
  });

  it('refuses a database migrated by a newer Lockstep', async () => {
    const file = path.join(tempDir(), 'state.db');
    await (await openSqliteStore({ file })).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('future', '2030-01-01T00:00:00Z');
    raw.close();
    await expect(openSqliteStore({ file })).rejects.toThrow(/newer than this Lockstep/);
  });

  it('reopens an existing database without re-running migrations', async () => {
    const file = path.join(tempDir(), 'state.db');
    await (await openSqliteStore({ file })).close();
    const again = await openSqliteStore({ file });
    expect(await again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await again.close();
  });
});

describe('SQLite outbox across processes', () => {
  it('never hands one message to two processes claiming at once', async () => {
    const file = path.join(tempDir(), 'state.db');
    const store = await openSqliteStore({ file });
    const total = 300;
    for (let i = 0; i < total; i++) await store.outbox.enqueue(outboxMessage({ nextAttemptAt: '2026-01-01T00:00:00.000Z' }));
    const worker = fileURLToPath(new URL('./claim-worker.ts', import.meta.url));
    const children = ['p1', 'p2', 'p3'].map((owner) => fork(worker, [file, owner], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
    await Promise.all(children.map((c) => new Promise((resolve, reject) => {
      c.once('message', resolve);
      c.once('error', reject);
    })));
    const results = children.map((c) => new Promise<string[]>((resolve, reject) => {
      c.once('message', (m: { claimed: string[] }) => resolve(m.claimed));
      c.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`worker exited ${code}`))));
    }));
    for (const c of children) c.send('go');
    const claimed = await Promise.all(results);
    const all = claimed.flat();
    expect(all.length).toBe(total);
    expect(new Set(all).size).toBe(total);
    const stats = await store.outbox.stats();
    expect(stats).toEqual([{ connectorId: 'cyberark', status: 'sending', count: total }]);
    await store.close();
  });
});
