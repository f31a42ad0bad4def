import type { Comparison, QueryExpr, QuerySpec, Scalar, SortSpec } from '../../domain/query.ts';
import type { JsonRef, QueryDialect, TextOp } from './query-dialect.ts';
import { validatePath } from './query-dialect.ts';
import { FALSE, TRUE, join, raw, sql, type Fragment } from './sql-fragment.ts';

/** A typed column standing in for a document path (indexed, and always in step with the document). */
export interface ColumnRef {
  readonly sql: string;
  /** A lower-cased copy, used for case-insensitive comparisons (indexed). */
  readonly lc?: string;
}

/** A multi-valued attribute that is not in the document but joined from another table (`members`, `groups`). */
export interface Relation {
  /** `EXISTS (...)` over the related rows, with `where` applied to each (its columns named in `columns`). */
  exists(alias: string, where: Fragment): Fragment;
  columns(alias: string): Readonly<Record<string, ColumnRef>>;
}

export interface ResourceTable {
  readonly alias: string;
  readonly docColumn: string;
  /** Document paths (joined with '.') served by typed columns. */
  readonly columns: Readonly<Record<string, ColumnRef>>;
  readonly relations: Readonly<Record<string, Relation>>;
}

/** The typed column for `path`, when there is one (a segment holding '.' is an extension key, never a column). */
function columnOf(columns: Readonly<Record<string, ColumnRef>>, path: readonly string[]): ColumnRef | undefined {
  return path.some((s) => s.includes('.')) ? undefined : columns[path.join('.')];
}

type Ctx =
  | { readonly kind: 'json'; readonly root: boolean; readonly ref: JsonRef; readonly columns: Readonly<Record<string, ColumnRef>> }
  | { readonly kind: 'columns'; readonly columns: Readonly<Record<string, ColumnRef>> };

/** Translates the store-independent QueryExpr into a WHERE fragment and an ORDER BY list. */
export class QueryCompiler {
  private aliasCount = 0;

  constructor(private readonly d: QueryDialect, private readonly table: ResourceTable) {}

  where(expr: QueryExpr | undefined): Fragment {
    if (!expr) return TRUE;
    return this.compile(expr, this.rootCtx());
  }

  orderBy(sort: SortSpec | undefined): Fragment {
    const tie = raw(`${this.table.alias}.id ASC`);
    if (!sort) return tie;
    validatePath(sort.path);
    const caseExact = sort.caseExact ?? true;
    const column = columnOf(this.table.columns, sort.path);
    if (column) {
      const expr = !caseExact ? raw(column.lc ?? `(${this.d.lower(raw(column.sql)).text})`) : raw(column.sql);
      const nulls = sort.order === 'asc' ? 'NULLS LAST' : 'NULLS FIRST';
      return sql`${expr} ${raw(sort.order.toUpperCase())} ${raw(nulls)}, ${tie}`;
    }
    return sql`${this.d.jsonSort(this.d.docRef(this.table.docColumn), sort.path, sort.order, caseExact)}, ${tie}`;
  }

  private rootCtx(): Ctx {
    return { kind: 'json', root: true, ref: this.d.docRef(this.table.docColumn), columns: this.table.columns };
  }

  private compile(expr: QueryExpr, ctx: Ctx): Fragment {
    switch (expr.op) {
      case 'and':
      case 'or':
        if (expr.args.length === 0) return expr.op === 'and' ? TRUE : FALSE;
        return sql`(${join(expr.args.map((a) => this.compile(a, ctx)), expr.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return this.not(this.compile(expr.arg, ctx));
      case 'pr':
        validatePath(expr.path);
        return this.present(expr.path, ctx);
      case 'any':
        validatePath(expr.path);
        return this.any(expr.path, expr.where, ctx);
      default:
        validatePath(expr.path);
        return this.compare(expr.op, expr.path, expr.value, expr.caseExact ?? true, ctx);
    }
  }

  private present(path: readonly string[], ctx: Ctx): Fragment {
    const relation = this.relation(path, ctx);
    if (relation) return relation.exists(this.alias(), TRUE);
    const column = columnOf(ctx.columns, path);
    if (column) return sql`(${raw(column.sql)} IS NOT NULL AND ${raw(column.sql)} <> '')`;
    if (ctx.kind === 'columns') return FALSE;
    return this.d.jsonPresent(ctx.ref, path);
  }

  private relation(path: readonly string[], ctx: Ctx): Relation | undefined {
    return ctx.kind === 'json' && ctx.root && path.length === 1 ? this.table.relations[path[0] as string] : undefined;
  }

  private any(path: readonly string[], where: QueryExpr, ctx: Ctx): Fragment {
    const relation = this.relation(path, ctx);
    if (relation) {
      const alias = this.alias();
      return relation.exists(alias, this.compile(where, { kind: 'columns', columns: relation.columns(alias) }));
    }
    if (ctx.kind === 'columns') return FALSE;
    const alias = this.alias();
    const each = this.d.jsonEach(ctx.ref, path, alias);
    const inner = this.compile(where, { kind: 'json', root: false, ref: each.element, columns: {} });
    return sql`EXISTS (SELECT 1 FROM ${each.from} WHERE ${inner})`;
  }

  private compare(op: Comparison, path: readonly string[], value: Scalar, caseExact: boolean, ctx: Ctx): Fragment {
    if (op === 'ne') return this.not(this.compare('eq', path, value, caseExact, ctx));
    if (value === null) return op === 'eq' ? sql`(NOT ${this.present(path, ctx)})` : FALSE;
    const column = columnOf(ctx.columns, path);
    if (column) {
      if (typeof value !== 'string') return FALSE;
      if (caseExact) return this.d.compareText(raw(column.sql), op, value);
      const left = column.lc ? raw(column.lc) : this.d.lower(raw(column.sql));
      return this.d.compareText(left, op, value.toLowerCase());
    }
    if (ctx.kind === 'columns') return FALSE;
    const ref = ctx.ref;
    if (typeof value === 'boolean') {
      return op === 'eq' ? this.d.jsonIs(ref, path, value ? 'true' : 'false') : FALSE;
    }
    if (typeof value === 'number') {
      if (op === 'co' || op === 'sw' || op === 'ew' || !Number.isFinite(value)) return FALSE;
      return sql`(${this.d.jsonIs(ref, path, 'number')} AND ${this.d.compareNumber(this.d.jsonNumber(ref, path), op, value)})`;
    }
    const text = this.d.jsonText(ref, path);
    const cmp = caseExact
      ? this.d.compareText(text, op as TextOp, value)
      : this.d.compareText(this.d.lower(text), op as TextOp, value.toLowerCase());
    return sql`(${this.d.jsonIs(ref, path, 'string')} AND ${cmp})`;
  }

  /**
   * Comparisons may be NULL (absent attribute). WHERE treats NULL as false, and AND / OR keep that reading;
   * only negation would not, so NULL is turned into false there — and nowhere else, to leave indexes usable.
   */
  private not(f: Fragment): Fragment {
    return sql`(NOT COALESCE(${f}, ${FALSE}))`;
  }

  private alias(): string {
    return `q${++this.aliasCount}`;
  }
}

/** The WHERE and ORDER BY of a query over a resource table (paging is applied by the caller). */
export function compileQuery(d: QueryDialect, table: ResourceTable, spec: Pick<QuerySpec, 'filter' | 'sort'>): { where: Fragment; orderBy: Fragment } {
  const c = new QueryCompiler(d, table);
  return { where: c.where(spec.filter), orderBy: c.orderBy(spec.sort) };
}
