import type { Page, PageSpec } from '../../domain/query.ts';
import type { Row, SqlDb } from './sql-db.ts';
import type { Fragment } from './sql-fragment.ts';

/** A JavaScript value as an SQL parameter: undefined → NULL, booleans → 0/1, objects → JSON text. */
export function sqlValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return JSON.stringify(v);
  return v;
}

/** A JSON column's value (TEXT in SQLite, TEXT or JSONB in PostgreSQL). */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export const optional = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/**
 * A table whose rows are a domain record as JSON (`doc`) plus typed columns for what is queried or indexed.
 * `detached` columns hold a part of the record outside `doc` (a SCIM resource document that queries read).
 */
export class DocTable<T extends { readonly id: string }> {
  readonly columnNames: readonly string[];
  readonly insertSql: string;
  readonly updateSql: string;
  readonly selectList: string;

  constructor(
    readonly table: string,
    private readonly columns: readonly (readonly [string, (r: T) => unknown])[],
    private readonly detached: readonly (readonly [column: string, field: keyof T & string])[] = [],
  ) {
    this.columnNames = ['id', ...columns.map(([c]) => c), ...detached.map(([c]) => c), 'doc'];
    this.insertSql = `INSERT INTO ${table} (${this.columnNames.join(', ')}) VALUES (${this.columnNames.map(() => '?').join(', ')})`;
    this.updateSql = `UPDATE ${table} SET ${this.columnNames.slice(1).map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
    this.selectList = ['doc', ...detached.map(([c]) => c)].join(', ');
  }

  /** Parameters for insertSql, in column order. */
  values(r: T): unknown[] {
    const doc: Record<string, unknown> = { ...r };
    for (const [, field] of this.detached) delete doc[field];
    return [
      r.id,
      ...this.columns.map(([, get]) => sqlValue(get(r))),
      ...this.detached.map(([, field]) => JSON.stringify(r[field])),
      JSON.stringify(doc),
    ];
  }

  /** Parameters for updateSql: every column but id, then id. */
  updateValues(r: T): unknown[] {
    const [id, ...rest] = this.values(r);
    return [...rest, id];
  }

  decode = (row: Row): T => {
    const record = fromJson<Record<string, unknown>>(row['doc']);
    for (const [column, field] of this.detached) record[field] = fromJson(row[column]);
    return record as unknown as T;
  };

  async one(db: SqlDb, where: string, params: readonly unknown[]): Promise<T | undefined> {
    const row = await db.get(`SELECT ${this.selectList} FROM ${this.table} WHERE ${where} LIMIT 1`, params);
    return row ? this.decode(row) : undefined;
  }

  async many(db: SqlDb, whereAndOrder: string, params: readonly unknown[]): Promise<T[]> {
    return (await db.all(`SELECT ${this.selectList} FROM ${this.table} WHERE ${whereAndOrder}`, params)).map(this.decode);
  }
}

/** Runs a count and a page of one query; `select` is the column list, `from` the FROM + WHERE. */
export async function paged<T>(
  db: SqlDb,
  parts: { select: string; from: Fragment; orderBy: Fragment | string },
  page: PageSpec,
  decode: (row: Row) => T,
): Promise<Page<T>> {
  const startIndex = Math.max(1, Math.floor(page.startIndex));
  const count = Math.max(0, Math.floor(page.count));
  const total = await db.get(`SELECT count(*) AS n FROM ${parts.from.text}`, parts.from.params);
  const totalResults = Number(total?.['n'] ?? 0);
  if (count === 0 || startIndex > totalResults) return { totalResults, startIndex, items: [] };
  const orderBy = typeof parts.orderBy === 'string' ? { text: parts.orderBy, params: [] } : parts.orderBy;
  const rows = await db.all(
    `SELECT ${parts.select} FROM ${parts.from.text} ORDER BY ${orderBy.text} LIMIT ? OFFSET ?`,
    [...parts.from.params, ...orderBy.params, count, startIndex - 1],
  );
  return { totalResults, startIndex, items: rows.map(decode) };
}
