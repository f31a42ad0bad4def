import type { JsonKind, JsonRef, QueryDialect, TextOp } from '../sql/query-dialect.ts';
import { raw, sql, type Fragment } from '../sql/sql-fragment.ts';

/** A document column, or (inside `json_each`) the document plus the full key of the current element. */
interface SqliteRef {
  readonly doc: string;
  readonly base?: string;
}

const ref = (r: JsonRef): SqliteRef => r.dialectRef as SqliteRef;

/** SQLite JSON path with every key quoted, so keys holding ':' and '.' (extension URNs) address one member. */
export function sqlitePath(path: readonly string[]): string {
  return path.map((s) => `."${s}"`).join('');
}

function pathArg(r: SqliteRef, path: readonly string[]): Fragment {
  if (r.base === undefined) return sql`${`$${sqlitePath(path)}`}`;
  return path.length === 0 ? raw(r.base) : sql`(${raw(r.base)} || ${sqlitePath(path)})`;
}

const TYPE_TEST: Record<JsonKind, string> = {
  string: `= 'text'`,
  number: `IN ('integer', 'real')`,
  true: `= 'true'`,
  false: `= 'false'`,
  null: `= 'null'`,
  array: `= 'array'`,
  object: `= 'object'`,
};

const TEXT_OPS: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** SQLite: json_extract / json_type over TEXT documents; `ls_lower` is JavaScript's toLowerCase (registered per connection). */
export const sqliteQueryDialect: QueryDialect = {
  docRef: (column) => ({ dialectRef: { doc: column } satisfies SqliteRef }),

  jsonIs(r, path, kind) {
    const { doc } = ref(r);
    return sql`COALESCE(json_type(${raw(doc)}, ${pathArg(ref(r), path)}) ${raw(TYPE_TEST[kind])}, 0)`;
  },

  jsonText: (r, path) => sql`json_extract(${raw(ref(r).doc)}, ${pathArg(ref(r), path)})`,

  jsonNumber: (r, path) => sql`json_extract(${raw(ref(r).doc)}, ${pathArg(ref(r), path)})`,

  jsonPresent(r, path) {
    const doc = raw(ref(r).doc);
    const p = () => pathArg(ref(r), path);
    return sql`COALESCE(CASE json_type(${doc}, ${p()})
      WHEN 'text' THEN json_extract(${doc}, ${p()}) <> ''
      WHEN 'array' THEN json_array_length(${doc}, ${p()}) > 0
      WHEN 'object' THEN json_extract(${doc}, ${p()}) <> '{}'
      WHEN 'null' THEN 0
      ELSE json_type(${doc}, ${p()}) IS NOT NULL END, 0)`;
  },

  jsonEach(r, path, alias) {
    const { doc } = ref(r);
    const from = sql`json_each(CASE WHEN json_type(${raw(doc)}, ${pathArg(ref(r), path)}) = 'array' THEN ${raw(doc)} END, ${pathArg(ref(r), path)}) AS ${raw(alias)}`;
    return { from, element: { dialectRef: { doc, base: `${alias}.fullkey` } satisfies SqliteRef } };
  },

  lower: (expr) => sql`ls_lower(${expr})`,

  compareText(left, op: TextOp, value) {
    if (op === 'co' || op === 'sw' || op === 'ew') {
      if (value === '') return sql`(${left} IS NOT NULL)`;
      const n = [...value].length;
      if (op === 'co') return sql`(instr(${left}, ${value}) > 0)`;
      if (op === 'sw') return sql`(substr(${left}, 1, ${n}) = ${value})`;
      return sql`(length(${left}) >= ${n} AND substr(${left}, ${-n}) = ${value})`;
    }
    return sql`(${left} ${raw(TEXT_OPS[op])} ${value})`;
  },

  compareNumber: (left, op, value) => sql`(${left} ${raw(TEXT_OPS[op])} ${value})`,

  jsonSort(r, path, order, caseExact) {
    const value = sql`json_extract(${raw(ref(r).doc)}, ${pathArg(ref(r), path)})`;
    const key = caseExact ? value : sql`ls_lower(${value})`;
    return sql`${key} ${raw(order === 'asc' ? 'ASC NULLS LAST' : 'DESC NULLS FIRST')}`;
  },
};
