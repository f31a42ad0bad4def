import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { runStoreContract } from '../../contract/store.ts';
import { PG_URL, freshSchema } from './pg-schema.ts';

/**
 * One schema for the file (creating a schema per test costs more than the tests); every test starts from
 * empty tables, emptied with DELETE before the store is opened.
 */
const TABLES = ['assignments', 'identities', 'entitlements', 'grants', 'elevations', 'evidence', 'revocations', 'findings',
  'conflicts', 'inbox', 'outbox', 'domain_events', 'cursors', 'ledger', 'api_tokens'];

let shared: { schema: string; drop: () => Promise<void> } | undefined;

afterAll(async () => {
  await shared?.drop();
});

runStoreContract('postgres', async () => {
  shared ??= await freshSchema();
  const { schema } = shared;
  const open = () => openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 6 });
  const store = await open();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(TABLES.map((t) => `DELETE FROM "${schema}".${t};`).join('\n'));
  } finally {
    await client.end();
  }
  return { store, reopen: open, cleanup: async () => {} };
});
