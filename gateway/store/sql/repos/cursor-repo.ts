import type { CursorRepo } from '../../store.ts';
import type { SqlDb } from '../sql-db.ts';

export function cursorRepo(db: SqlDb): CursorRepo {
  return {
    async get(name: string) {
      const row = await db.get('SELECT value FROM cursors WHERE name = ?', [name]);
      return row ? (row['value'] as string) : undefined;
    },
    async set(name: string, value: string) {
      await db.run('INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
    },
    async lock(name: string) {
      await db.dialect.lockCursor(db, name);
      const row = await db.get('SELECT value FROM cursors WHERE name = ?', [name]);
      return row ? (row['value'] as string) : undefined;
    },
  };
}
