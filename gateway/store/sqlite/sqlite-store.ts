import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RandomSource } from '../../domain/ids.ts';
import { AsyncMutex } from '../sql/async-mutex.ts';
import { LATEST_SCHEMA_VERSION } from '../sql/migrations.ts';
import { sqlRepos } from '../sql/sql-store-tx.ts';
import type { Store, StoreTx } from '../store.ts';
import { SqliteRootDb, SqliteStatements } from './sqlite-connection.ts';
import { migrateSqlite, sqliteSchemaVersion } from './sqlite-migrate.ts';

export interface SqliteStoreOptions {
  /** The database file; its directory is created when missing. */
  readonly file: string;
  /** Randomness for generated ids (domain event ids). Default: crypto.randomBytes. */
  readonly random?: RandomSource;
  /** Milliseconds a writer waits for another process's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** Instances in one process that open the same file share one mutex, so they queue instead of blocking the event loop. */
const mutexes = new Map<string, { mutex: AsyncMutex; refs: number }>();

function acquireMutex(file: string): AsyncMutex {
  const entry = mutexes.get(file) ?? { mutex: new AsyncMutex(), refs: 0 };
  entry.refs++;
  mutexes.set(file, entry);
  return entry.mutex;
}

function releaseMutex(file: string): void {
  const entry = mutexes.get(file);
  if (entry && --entry.refs === 0) mutexes.delete(file);
}

function prepareDirectory(file: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new Error(`the data directory ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

/**
 * Opens (creating and migrating when needed) the embedded SQLite state store: WAL journal, synchronous=NORMAL
 * (durable across process crashes; an OS crash may lose the last transactions), foreign keys on.
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const file = path.resolve(opts.file);
  prepareDirectory(file);
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw new Error(`cannot open the state database ${file}: ${(e as Error).message}`, { cause: e });
  }
  const mutex = acquireMutex(file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 8000');
    db.pragma('foreign_keys = ON');
    db.function('ls_lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
    const statements = new SqliteStatements(db);
    await mutex.run(() => migrateSqlite(statements, new Date().toISOString()));
    return new SqliteStore(file, db, statements, mutex, opts.random ?? ((n) => randomBytes(n)));
  } catch (e) {
    db.close();
    releaseMutex(file);
    throw e;
  }
}

class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly identities; readonly entitlements; readonly assignments; readonly grants; readonly elevations;
  readonly evidence; readonly revocations; readonly findings; readonly conflicts; readonly inbox; readonly outbox;
  readonly events; readonly cursors; readonly ledger; readonly tokens;
  private readonly root: SqliteRootDb;
  private readonly txRepos: StoreTx;
  private open = true;

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
    private readonly statements: SqliteStatements,
    private readonly mutex: AsyncMutex,
    random: RandomSource,
  ) {
    this.root = new SqliteRootDb(statements, mutex);
    this.txRepos = sqlRepos(this.root.tx, random);
    const repos = sqlRepos(this.root, random);
    this.identities = repos.identities; this.entitlements = repos.entitlements; this.assignments = repos.assignments;
    this.grants = repos.grants; this.elevations = repos.elevations; this.evidence = repos.evidence;
    this.revocations = repos.revocations; this.findings = repos.findings; this.conflicts = repos.conflicts;
    this.inbox = repos.inbox; this.outbox = repos.outbox; this.events = repos.events; this.cursors = repos.cursors;
    this.ledger = repos.ledger; this.tokens = repos.tokens;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (!this.open) return Promise.reject(new Error('the store is closed'));
    return this.root.atomic(() => fn(this.txRepos));
  }

  isReady(): boolean {
    return this.open && this.db.open && sqliteSchemaVersion(this.statements) === LATEST_SCHEMA_VERSION;
  }

  async schemaVersion(): Promise<number> {
    return this.mutex.run(() => sqliteSchemaVersion(this.statements));
  }

  /** Waits for a running transaction, then closes the connection. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.mutex.run(() => this.db.close());
    releaseMutex(this.file);
  }
}
