import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../gateway/http/bearer-tokens.ts';
import { StartupError, startGateway } from '../../gateway/main.ts';
import { createScimToken, startTestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';

const PG_URL = process.env.LOCKSTEP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gw_${randomBytes(6).toString('hex')}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
});

describe('startGateway on PostgreSQL', () => {
  it('serves from a PostgreSQL store selected by LOCKSTEP_DATABASE_URL and keeps state across restarts', async () => {
    const env = { LOCKSTEP_DATABASE_URL: PG_URL, LOCKSTEP_DATABASE_SCHEMA: schema };
    const first = await startTestGateway({ env, config: { connectors: [{ id: 'entra', kind: 'iga', vendor: 'entra-id' }] } });
    let token: string;
    try {
      expect(first.store.dialect).toBe('postgres');
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      token = await createScimToken(first.store, 'entra');
    } finally {
      await first.stop();
    }
    const second = await startTestGateway({ env, dataDir: tempDir() });
    try {
      expect(await second.store.tokens.getByHash(hashToken(token))).toMatchObject({ connectorId: 'entra' });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start with one line when PostgreSQL cannot be reached, hiding the password', async () => {
    const error = await startGateway({
      env: { LOCKSTEP_DATA_DIR: tempDir(), LOCKSTEP_PORT: '0', LOCKSTEP_LOG_LEVEL: 'silent', LOCKSTEP_DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/test' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message.startsWith('cannot open the state store (PostgreSQL postgres://app:***@127.0.0.1:1/test (schema lockstep)): ')).toBe(true);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});
