import type { Fragment } from './sql-fragment.ts';
import type { QueryDialect } from './query-dialect.ts';

export type Row = Record<string, unknown>;

/**
 * What the shared repositories need from a database connection. SQL is written with `?` placeholders
 * (PostgreSQL's adapter numbers them). Unique violations surface as `UniqueViolation`.
 */
export interface SqlDb {
  readonly dialect: SqlDialect;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  get(sql: string, params?: readonly unknown[]): Promise<Row | undefined>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * A statement that may break a unique index, run so that the failure does not spoil the surrounding
   * transaction (PostgreSQL aborts a transaction on any error; a savepoint keeps it usable).
   */
  runGuarded(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` atomically: inside the current transaction, or in a new one. */
  atomic<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
}

/** The SQL that differs between SQLite and PostgreSQL. */
export interface SqlDialect extends QueryDialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * Outbox claim as one statement (see `buildClaimOutboxSql`), over any connector and over one connector.
   * Returns the claimed rows (OUTBOX_COLUMNS).
   */
  readonly claimOutboxSql: {
    readonly any: string;
    readonly byConnector: string;
    /** Run first when present: a row means something is due (see `buildClaimProbeSql`). */
    readonly probe?: { readonly any: string; readonly byConnector: string };
  };
  /** Serialises ledger appends across processes / replicas for the rest of the transaction. */
  lockLedger(db: SqlDb): Promise<void>;
  /** Serialises domain event appends so that seq order is commit order. */
  lockEvents(db: SqlDb): Promise<void>;
  /** Holds the named cursor for the rest of the transaction (see `CursorRepo.lock`). */
  lockCursor(db: SqlDb, name: string): Promise<void>;
  /** Appended to a locking subquery (`SELECT … FOR UPDATE`) so that rows another transaction holds are skipped. */
  readonly skipLocked: string;
  /** Called after a domain event was appended (PostgreSQL: NOTIFY). */
  eventAppended(db: SqlDb, seq: number): Promise<void>;
  /** `subject` JSON column has `key` equal to `value`. */
  jsonFieldEquals(column: string, key: string, value: string): Fragment;
}
