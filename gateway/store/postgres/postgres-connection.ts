import type pg from 'pg';
import { primaryKeyConstraint, UNIQUE_CONSTRAINTS } from '../sql/migrations.ts';
import type { Row, SqlDb, SqlDialect } from '../sql/sql-db.ts';
import { UniqueViolation } from '../store.ts';

type Params = readonly unknown[];

const numbered = new Map<string, string>();

/** `?` placeholders → `$1…$n` (our SQL never holds a literal `?`). */
export function toPgSql(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 5000) numbered.set(text, out);
  }
  return out;
}

function bindable(params: Params): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/** PostgreSQL's unique_violation (23505) as the port's UniqueViolation, named like SQLite's. */
export function translatePgError(e: unknown): unknown {
  const err = e as { code?: string; constraint?: string; table?: string };
  if (err.code !== '23505') return e;
  const known = UNIQUE_CONSTRAINTS.find((c) => c.index === err.constraint);
  if (known) return new UniqueViolation(known.constraint);
  if (err.constraint?.endsWith('_pkey') && err.table) return new UniqueViolation(primaryKeyConstraint(err.table));
  return new UniqueViolation(err.constraint ?? 'unknown');
}

export const RETRYABLE = new Set(['40001', '40P01']);

/** A pool (each call its own transaction) or one transaction's client. */
export class PgDb implements SqlDb {
  private savepoints = 0;

  constructor(
    readonly dialect: SqlDialect,
    private readonly q: pg.Pool | pg.PoolClient,
    private readonly runInTransaction: <T>(fn: (db: SqlDb) => Promise<T>) => Promise<T>,
    private readonly inTransaction: boolean,
  ) {}

  private async query(text: string, params: Params = []): Promise<pg.QueryResult<Row>> {
    try {
      return await this.q.query<Row>(toPgSql(text), bindable(params));
    } catch (e) {
      throw translatePgError(e);
    }
  }

  async all(text: string, params?: Params) {
    return (await this.query(text, params)).rows;
  }

  async get(text: string, params?: Params) {
    return (await this.query(text, params)).rows[0];
  }

  async run(text: string, params?: Params) {
    return (await this.query(text, params)).rowCount ?? 0;
  }

  /** Inside a transaction, a savepoint keeps a failed statement from aborting the whole transaction. */
  async runGuarded(text: string, params?: Params) {
    if (!this.inTransaction) return this.run(text, params);
    const name = `sp_${++this.savepoints}`;
    await this.q.query(`SAVEPOINT ${name}`);
    try {
      const changed = await this.run(text, params);
      await this.q.query(`RELEASE SAVEPOINT ${name}`);
      return changed;
    } catch (e) {
      await this.q.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw e;
    }
  }

  atomic<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this) : this.runInTransaction(fn);
  }
}

/**
 * BEGIN … COMMIT on one pooled client; rolled back when `fn` throws. Serialization failures and deadlocks
 * are retried (fn runs again from the start), up to `attempts` times.
 */
export function transactionRunner(pool: pg.Pool, dialect: SqlDialect, attempts = 5) {
  const run = async <T>(fn: (db: SqlDb) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(new PgDb(dialect, client, run, true));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (e as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < attempts) {
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
          continue;
        }
        throw translatePgError(e);
      } finally {
        client.release(broken);
      }
    }
  };
  return run;
}
