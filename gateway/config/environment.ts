/**
 * The process environment the gateway reads, validated once. Paths are kept as given (for messages) and
 * resolved against `cwd` (for I/O).
 */
import path from 'node:path';
import type { Result } from '../domain/result.ts';
import type { Environment } from './secrets.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string; readonly schema: string };

export interface GatewayEnvironment {
  readonly host: string;
  readonly port: number;
  /** Absolute data directory, and as the user wrote it. */
  readonly dataDir: string;
  readonly dataDirDisplay: string;
  /** Absolute configuration file path, and as the user wrote it. */
  readonly configPath: string;
  readonly configPathDisplay: string;
  readonly database: DatabaseTarget;
  readonly logLevel: LogLevel;
}

/** Every variable, its default, and what it is for (printed by `docs/configuration.md` and `--help`). */
export const ENVIRONMENT_VARIABLES = {
  LOCKSTEP_DATA_DIR: 'data directory (default ./data)',
  LOCKSTEP_CONFIG: 'configuration file (default <data dir>/lockstep.json)',
  LOCKSTEP_HOST: 'listen address (default 127.0.0.1)',
  LOCKSTEP_PORT: 'listen port (default 8080; 0 picks a free port)',
  LOCKSTEP_DATABASE_URL: 'postgres://… selects PostgreSQL; unset: SQLite at <data dir>/state.sqlite',
  LOCKSTEP_DATABASE_SCHEMA: 'PostgreSQL schema (default lockstep)',
  LOCKSTEP_LOG_LEVEL: `log level: ${LOG_LEVELS.join(', ')} (default info)`,
} as const;

export function readEnvironment(env: Environment, cwd: string): Result<GatewayEnvironment, string> {
  const dataDirDisplay = nonEmpty(env.LOCKSTEP_DATA_DIR) ?? './data';
  const dataDir = path.resolve(cwd, dataDirDisplay);
  const configPathDisplay = nonEmpty(env.LOCKSTEP_CONFIG) ?? displayJoin(dataDirDisplay, 'lockstep.json');
  const configPath = path.resolve(cwd, configPathDisplay);

  const portText = nonEmpty(env.LOCKSTEP_PORT) ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    return { ok: false, error: `LOCKSTEP_PORT: expected a port number 0-65535, got ${JSON.stringify(portText)}` };
  }

  const logLevel = (nonEmpty(env.LOCKSTEP_LOG_LEVEL) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    return { ok: false, error: `LOCKSTEP_LOG_LEVEL: expected one of ${LOG_LEVELS.join(' | ')}, got ${JSON.stringify(logLevel)}` };
  }

  const database = readDatabase(env, dataDir);
  if (!database.ok) return database;

  return {
    ok: true,
    value: {
      host: nonEmpty(env.LOCKSTEP_HOST) ?? '127.0.0.1',
      port,
      dataDir,
      dataDirDisplay,
      configPath,
      configPathDisplay,
      database: database.value,
      logLevel: logLevel as LogLevel,
    },
  };
}

function readDatabase(env: Environment, dataDir: string): Result<DatabaseTarget, string> {
  const url = nonEmpty(env.LOCKSTEP_DATABASE_URL);
  if (url === undefined) return { ok: true, value: { dialect: 'sqlite', file: path.join(dataDir, 'state.sqlite') } };
  if (!/^postgres(?:ql)?:\/\//.test(url)) {
    return { ok: false, error: 'LOCKSTEP_DATABASE_URL: expected a postgres:// or postgresql:// URL' };
  }
  const schema = nonEmpty(env.LOCKSTEP_DATABASE_SCHEMA) ?? 'lockstep';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    return { ok: false, error: `LOCKSTEP_DATABASE_SCHEMA: expected a lowercase SQL identifier, got ${JSON.stringify(schema)}` };
  }
  return { ok: true, value: { dialect: 'postgres', connectionString: url, schema } };
}

/** A database target for messages: the PostgreSQL password is never shown. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `SQLite ${target.file}`;
  try {
    const url = new URL(target.connectionString);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()} (schema ${target.schema})`;
  } catch {
    return `PostgreSQL (schema ${target.schema})`;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function displayJoin(dir: string, file: string): string {
  const joined = path.join(dir, file);
  return path.isAbsolute(joined) || joined.startsWith('.') ? joined : `./${joined}`;
}
