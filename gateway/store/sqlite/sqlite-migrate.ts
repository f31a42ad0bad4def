import { LATEST_SCHEMA_VERSION, MIGRATIONS, type ColumnTypes } from '../sql/migrations.ts';
import type { SqliteStatements } from './sqlite-connection.ts';

export const SQLITE_TYPES: ColumnTypes = {
  text: 'TEXT',
  json: 'TEXT',
  int: 'INTEGER',
  bigint: 'INTEGER',
  seq: 'INTEGER PRIMARY KEY',
};

export function sqliteSchemaVersion(s: SqliteStatements): number {
  return Number(s.get('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')?.['v'] ?? 0);
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own BEGIN IMMEDIATE transaction
 * (so that two processes opening one file at once apply each migration once). Returns the resulting version.
 */
export function migrateSqlite(s: SqliteStatements, at: string): number {
  s.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = sqliteSchemaVersion(s);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`the database schema is at version ${current}, newer than this Lockstep knows (${LATEST_SCHEMA_VERSION}); upgrade Lockstep`);
  }
  for (const m of MIGRATIONS) {
    s.db.exec('BEGIN IMMEDIATE');
    try {
      if (!s.get('SELECT 1 AS x FROM schema_migrations WHERE version = ?', [m.version])) {
        for (const statement of m.statements(SQLITE_TYPES)) s.db.exec(statement);
        s.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, at]);
      }
      s.db.exec('COMMIT');
    } catch (e) {
      if (s.db.inTransaction) s.db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
    }
  }
  return sqliteSchemaVersion(s);
}
