import type Database from 'better-sqlite3';
import { primaryKeyConstraint, UNIQUE_CONSTRAINTS } from '../sql/migrations.ts';
import type { Row, SqlDb } from '../sql/sql-db.ts';
import { UniqueViolation } from '../store.ts';
import type { AsyncMutex } from '../sql/async-mutex.ts';
import { sqliteDialect } from './sqlite-dialect.ts';

type Params = readonly unknown[];

function bindable(params: Params): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/** SQLite's "UNIQUE constraint failed: t.a, t.b" (or "index 'name'") as the port's UniqueViolation. */
export function translateSqliteError(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return e;
  const detail = String((e as Error).message).replace(/^UNIQUE constraint failed: /, '');
  const index = /^index '(.+)'$/.exec(detail)?.[1];
  const known = UNIQUE_CONSTRAINTS.find((c) => c.columns === detail || c.index === index);
  if (known) return new UniqueViolation(known.constraint);
  const pk = /^(\w+)\.id$/.exec(detail);
  return new UniqueViolation(pk ? primaryKeyConstraint(pk[1] as string) : detail);
}

/** Synchronous statement execution with a statement cache. */
export class SqliteStatements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  all(sql: string, params: Params = []): Row[] {
    try {
      return this.stmt(sql).all(...bindable(params)) as Row[];
    } catch (e) {
      throw translateSqliteError(e);
    }
  }

  get(sql: string, params: Params = []): Row | undefined {
    try {
      return this.stmt(sql).get(...bindable(params)) as Row | undefined;
    } catch (e) {
      throw translateSqliteError(e);
    }
  }

  run(sql: string, params: Params = []): number {
    try {
      return this.stmt(sql).run(...bindable(params)).changes;
    } catch (e) {
      throw translateSqliteError(e);
    }
  }
}

function settle<T>(op: () => T): Promise<T> {
  try {
    return Promise.resolve(op());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The connection as seen inside a transaction: statements run directly (the transaction holds the mutex). */
export class SqliteTxDb implements SqlDb {
  readonly dialect = sqliteDialect;
  constructor(private readonly s: SqliteStatements) {}
  all(sql: string, params?: Params) {
    return settle(() => this.s.all(sql, params));
  }
  get(sql: string, params?: Params) {
    return settle(() => this.s.get(sql, params));
  }
  run(sql: string, params?: Params) {
    return settle(() => this.s.run(sql, params));
  }
  runGuarded(sql: string, params?: Params) {
    return this.run(sql, params);
  }
  atomic<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

interface Queued {
  readonly fn: (db: SqlDb) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Transactions that may share one commit (group commit); more wait for the next. */
const MAX_GROUP = 32;

/**
 * The connection as seen from outside any transaction. better-sqlite3 is synchronous and the port is async,
 * so a transaction spans awaits: every call waits for the mutex, which an open transaction holds until it
 * commits or rolls back. A call that finds the mutex free runs at once, synchronously.
 *
 * Transactions queue and are run one after another, each inside its own SAVEPOINT of one BEGIN IMMEDIATE …
 * COMMIT (group commit): a throw rolls back to its savepoint only, and every transaction of the group is
 * resolved once the group has committed. Under concurrent load this shares one WAL commit among many.
 */
export class SqliteRootDb implements SqlDb {
  readonly dialect = sqliteDialect;
  readonly tx: SqliteTxDb;
  private readonly queue: Queued[] = [];
  private draining = false;

  constructor(private readonly s: SqliteStatements, private readonly mutex: AsyncMutex) {
    this.tx = new SqliteTxDb(s);
  }

  private exclusive<T>(op: () => T): Promise<T> {
    return this.mutex.locked ? this.mutex.run(op) : settle(op);
  }

  all(sql: string, params?: Params) {
    return this.exclusive(() => this.s.all(sql, params));
  }
  get(sql: string, params?: Params) {
    return this.exclusive(() => this.s.get(sql, params));
  }
  run(sql: string, params?: Params) {
    return this.exclusive(() => this.s.run(sql, params));
  }
  runGuarded(sql: string, params?: Params) {
    return this.run(sql, params);
  }

  atomic<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        await this.mutex.lock();
        try {
          await this.runGroup();
        } finally {
          this.mutex.unlock();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async runGroup(): Promise<void> {
    try {
      this.s.run('BEGIN IMMEDIATE');
    } catch (e) {
      for (const q of this.queue.splice(0)) q.reject(e);
      return;
    }
    const done: { q: Queued; value: unknown }[] = [];
    try {
      for (let n = 0; n < MAX_GROUP && this.queue.length > 0; n++) {
        const q = this.queue.shift() as Queued;
        this.s.run('SAVEPOINT lockstep_tx');
        try {
          done.push({ q, value: await q.fn(this.tx) });
          this.s.run('RELEASE lockstep_tx');
        } catch (e) {
          q.reject(e);
          if (!this.s.db.inTransaction) throw new Error(`SQLite ended the transaction: ${(e as Error).message}`, { cause: e });
          this.s.run('ROLLBACK TO lockstep_tx');
          this.s.run('RELEASE lockstep_tx');
        }
      }
      this.s.run('COMMIT');
    } catch (e) {
      if (this.s.db.inTransaction) this.s.run('ROLLBACK');
      for (const d of done) d.q.reject(e);
      return;
    }
    for (const d of done) d.q.resolve(d.value);
  }
}
