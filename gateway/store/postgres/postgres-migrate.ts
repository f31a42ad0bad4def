import type pg from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type ColumnTypes } from '../sql/migrations.ts';
import { advisoryKey } from './advisory-keys.ts';

export const POSTGRES_TYPES: ColumnTypes = {
  text: 'TEXT COLLATE "C"',
  json: 'JSONB',
  int: 'INTEGER',
  bigint: 'BIGINT',
  seq: 'BIGINT PRIMARY KEY',
};

/**
 * Creates the schema when missing and applies pending migrations in one transaction, under an advisory lock so
 * that replicas starting together migrate once. Returns the resulting version.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string, at: string): Promise<number> {
  const [ns, purpose] = advisoryKey(schema, 'migrate');
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [ns, purpose]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = await postgresSchemaVersion(client);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new Error(`the database schema is at version ${current}, newer than this Lockstep knows (${LATEST_SCHEMA_VERSION}); upgrade Lockstep`);
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      for (const statement of m.statements(POSTGRES_TYPES)) await client.query(statement);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, at]);
    }
    const version = await postgresSchemaVersion(client);
    await client.query('COMMIT');
    return version;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export async function postgresSchemaVersion(q: Pick<pg.ClientBase, 'query'>): Promise<number> {
  const r = await q.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}
