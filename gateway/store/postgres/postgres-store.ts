import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RandomSource } from '../../domain/ids.ts';
import { sqlRepos } from '../sql/sql-store-tx.ts';
import type { Store, StoreTx } from '../store.ts';
import { advisoryKey, eventsChannel, validateSchemaName } from './advisory-keys.ts';
import { PgDb, transactionRunner } from './postgres-connection.ts';
import { postgresDialect } from './postgres-dialect.ts';
import { migratePostgres, postgresSchemaVersion } from './postgres-migrate.ts';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Schema holding Lockstep's tables (created when missing); every replica of one deployment uses the same. */
  readonly schema: string;
  /** Pool size per replica. Default 10. */
  readonly maxConnections?: number;
  readonly random?: RandomSource;
}

/** A session-level advisory lock held until released (or until the store's lock connection dies). */
export interface AdvisoryLock {
  release(): Promise<void>;
}

/** The PostgreSQL store adds what only a shared server can offer: cross-replica locks and live notifications. */
export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  /**
   * Takes the named lock without waiting; undefined when another replica (or another caller in this process)
   * holds it. One reconciler per deployment: `const lock = await store.tryAdvisoryLock('reconciler'); if (lock)
   * { … await lock.release(); }`; one poller per connector (`poll:<connector>`). Every lock of a store is held on
   * one dedicated connection, outside the pool (a lock held across a long run takes no pooled connection from
   * the transactions it is waiting on); when that connection dies its locks are released on the server.
   */
  tryAdvisoryLock(name: string): Promise<AdvisoryLock | undefined>;
  /**
   * Calls `onEvent(seq)` whenever any replica commits a domain event (LISTEN/NOTIFY on `lockstep_events_<schema>`),
   * so that live updates need not poll. Notifications may be coalesced or lost on reconnect: treat them as a hint
   * and read with `events.readAfter(cursor)`. Returns a function that stops listening.
   */
  subscribe(onEvent: (seq: number) => void): Promise<() => Promise<void>>;
}

/** Opens (creating and migrating when needed) the PostgreSQL state store in `schema`. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = validateSchemaName(opts.schema);
  const config: pg.PoolConfig = {
    connectionString: opts.connectionString,
    max: opts.maxConnections ?? 10,
    options: `-c search_path="${schema}"`,
    application_name: 'lockstep',
  };
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    /* an idle client died (server restart); the pool replaces it on next use */
  });
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, schema, new Date().toISOString());
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw new Error(`cannot open the PostgreSQL state store (schema ${schema}): ${(e as Error).message}`, { cause: e });
  }
  return new PgStore(pool, config, schema, opts.random ?? ((n) => randomBytes(n)));
}

class PgStore implements PostgresStore {
  readonly dialect = 'postgres' as const;
  readonly identities; readonly entitlements; readonly assignments; readonly grants; readonly elevations;
  readonly evidence; readonly revocations; readonly findings; readonly conflicts; readonly inbox; readonly outbox;
  readonly events; readonly cursors; readonly ledger; readonly tokens;
  private readonly runTx;
  private readonly random: RandomSource;
  private open = true;
  private readonly listeners = new Set<pg.Client>();
  /** The connection holding this store's session advisory locks (opened on first use), and what it holds. */
  private lockSession: Promise<pg.Client> | undefined;
  private readonly held = new Map<string, object>();

  constructor(private readonly pool: pg.Pool, private readonly config: pg.PoolConfig, private readonly schema: string, random: RandomSource) {
    const dialect = postgresDialect(schema);
    this.random = random;
    this.runTx = transactionRunner(pool, dialect);
    const repos = sqlRepos(new PgDb(dialect, pool, this.runTx, false), random);
    this.identities = repos.identities; this.entitlements = repos.entitlements; this.assignments = repos.assignments;
    this.grants = repos.grants; this.elevations = repos.elevations; this.evidence = repos.evidence;
    this.revocations = repos.revocations; this.findings = repos.findings; this.conflicts = repos.conflicts;
    this.inbox = repos.inbox; this.outbox = repos.outbox; this.events = repos.events; this.cursors = repos.cursors;
    this.ledger = repos.ledger; this.tokens = repos.tokens;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (!this.open) return Promise.reject(new Error('the store is closed'));
    return this.runTx((db) => fn(sqlRepos(db, this.random)));
  }

  isReady(): boolean {
    return this.open;
  }

  async schemaVersion(): Promise<number> {
    return postgresSchemaVersion(this.pool);
  }

  async tryAdvisoryLock(name: string): Promise<AdvisoryLock | undefined> {
    if (!this.open) throw new Error('the store is closed');
    if (this.held.has(name)) return undefined;
    const token = {};
    this.held.set(name, token);
    const [ns, key] = advisoryKey(this.schema, `lock:${name}`);
    let client: pg.Client | undefined;
    try {
      const session = await this.session();
      const r = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [ns, key]);
      if (r.rows[0]?.ok) client = session;
    } finally {
      if (!client && this.held.get(name) === token) this.held.delete(name);
    }
    if (!client) return undefined;
    const holder = client;
    return {
      release: async () => {
        if (this.held.get(name) !== token) return;
        this.held.delete(name);
        await holder.query('SELECT pg_advisory_unlock($1::int, $2::int)', [ns, key]).catch(() => {
          /* the lock connection died: the server released the lock with it */
        });
      },
    };
  }

  /** The lock connection; a broken one is dropped with its locks (the server released them) and reopened on next use. */
  private session(): Promise<pg.Client> {
    if (this.lockSession) return this.lockSession;
    const client = new pg.Client({ connectionString: this.config.connectionString, application_name: 'lockstep-locks' });
    const opening = client.connect().then(() => client);
    const drop = () => {
      if (this.lockSession !== opening) return;
      this.lockSession = undefined;
      this.held.clear();
    };
    client.on('error', drop);
    client.on('end', drop);
    this.lockSession = opening;
    opening.catch(drop);
    return opening;
  }

  async subscribe(onEvent: (seq: number) => void): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: this.config.connectionString, application_name: 'lockstep-listen' });
    client.on('error', () => {
      /* the listener connection dropped; the caller polls with readAfter meanwhile */
    });
    await client.connect();
    const channel = eventsChannel(this.schema);
    client.on('notification', (n) => {
      if (n.channel === channel && n.payload) onEvent(Number(n.payload));
    });
    await client.query(`LISTEN "${channel}"`);
    this.listeners.add(client);
    return async () => {
      if (!this.listeners.delete(client)) return;
      await client.end().catch(() => undefined);
    };
  }

  /** Ends listeners and the lock connection (releasing held locks), then the pool (waiting for checked-out clients to be released). */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    for (const c of this.listeners) await c.end().catch(() => undefined);
    this.listeners.clear();
    const session = this.lockSession;
    this.lockSession = undefined;
    this.held.clear();
    if (session) await session.then((c) => c.end(), () => undefined).catch(() => undefined);
    await this.pool.end();
  }
}

