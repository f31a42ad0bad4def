import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDatabase, readEnvironment } from '../../../gateway/config/environment.ts';

const CWD = '/srv/lockstep';

describe('readEnvironment', () => {
  it('uses the documented defaults', () => {
    const result = readEnvironment({}, CWD);
    expect(result).toEqual({
      ok: true,
      value: {
        host: '127.0.0.1', port: 8080, logLevel: 'info',
        dataDir: '/srv/lockstep/data', dataDirDisplay: './data',
        configPath: '/srv/lockstep/data/lockstep.json', configPathDisplay: './data/lockstep.json',
        database: { dialect: 'sqlite', file: '/srv/lockstep/data/state.sqlite' },
      },
    });
  });

  it('honours every variable', () => {
    const result = readEnvironment({
      LOCKSTEP_HOST: '0.0.0.0', LOCKSTEP_PORT: '0', LOCKSTEP_DATA_DIR: '/var/lib/lockstep', LOCKSTEP_CONFIG: 'conf/lockstep.json',
      LOCKSTEP_DATABASE_URL: 'postgres://app:pw@db:5432/lockstep', LOCKSTEP_DATABASE_SCHEMA: 'tenant_a', LOCKSTEP_LOG_LEVEL: 'DEBUG',
    }, CWD);
    expect(result.ok && result.value).toMatchObject({
      host: '0.0.0.0', port: 0, logLevel: 'debug', dataDir: '/var/lib/lockstep',
      configPath: path.resolve(CWD, 'conf/lockstep.json'), configPathDisplay: 'conf/lockstep.json',
      database: { dialect: 'postgres', connectionString: 'postgres://app:pw@db:5432/lockstep', schema: 'tenant_a' },
    });
  });

  it.each([
    [{ LOCKSTEP_PORT: 'eighty' }, 'LOCKSTEP_PORT: expected a port number 0-65535, got "eighty"'],
    [{ LOCKSTEP_PORT: '70000' }, 'LOCKSTEP_PORT: expected a port number 0-65535, got "70000"'],
    [{ LOCKSTEP_LOG_LEVEL: 'loud' }, 'LOCKSTEP_LOG_LEVEL: expected one of fatal | error | warn | info | debug | trace | silent, got "loud"'],
    [{ LOCKSTEP_DATABASE_URL: 'mysql://x' }, 'LOCKSTEP_DATABASE_URL: expected a postgres:// or postgresql:// URL'],
    [{ LOCKSTEP_DATABASE_URL: 'postgres://x/y', LOCKSTEP_DATABASE_SCHEMA: 'Drop Table' }, 'LOCKSTEP_DATABASE_SCHEMA: expected a lowercase SQL identifier, got "Drop Table"'],
  ])('refuses a bad value with one line naming the variable (%#)', (env, message) => {
    expect(readEnvironment(env, CWD)).toEqual({ ok: false, error: message });
  });

  it('never shows the PostgreSQL password', () => {
    const text = describeDatabase({ dialect: 'postgres', connectionString: 'postgres://app:s3cret@db:5432/lockstep', schema: 'lockstep' });
    expect(text).toBe('PostgreSQL postgres://app:***@db:5432/lockstep (schema lockstep)');
  });
});
