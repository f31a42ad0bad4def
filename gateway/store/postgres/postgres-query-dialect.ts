import type { JsonKind, JsonRef, QueryDialect, TextOp } from '../sql/query-dialect.ts';
import { raw, sql, type Fragment } from '../sql/sql-fragment.ts';

/** A JSONB expression: a document column, or the `value` of an array element being iterated. */
interface PgRef {
  readonly doc: string;
}

const ref = (r: JsonRef): PgRef => r.dialectRef as PgRef;

/** The JSONB value at `path` (`#>` with the path as a text[] parameter, so any key is safe). */
function valueAt(r: JsonRef, path: readonly string[]): Fragment {
  const doc = raw(ref(r).doc);
  return path.length === 0 ? doc : sql`(${doc} #> ${[...path]}::text[])`;
}

const OPS: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** PostgreSQL: JSONB operators; text compared with COLLATE "C" so that order is code point order, as in SQLite. */
export const postgresQueryDialect: QueryDialect = {
  docRef: (column) => ({ dialectRef: { doc: column } satisfies PgRef }),

  jsonIs(r, path, kind: JsonKind) {
    const v = valueAt(r, path);
    if (kind === 'true' || kind === 'false') return sql`COALESCE(${v} = ${raw(`'${kind}'::jsonb`)}, false)`;
    return sql`COALESCE(jsonb_typeof(${v}) = ${raw(`'${kind}'`)}, false)`;
  },

  jsonText(r, path) {
    const doc = raw(ref(r).doc);
    return path.length === 0 ? sql`(${doc} #>> '{}')` : sql`(${doc} #>> ${[...path]}::text[])`;
  },

  jsonNumber(r, path) {
    const v = () => valueAt(r, path);
    return sql`(CASE WHEN jsonb_typeof(${v()}) = 'number' THEN (${v()} #>> '{}')::numeric END)`;
  },

  jsonPresent(r, path) {
    const v = () => valueAt(r, path);
    return sql`COALESCE(CASE jsonb_typeof(${v()})
      WHEN 'string' THEN ${v()} <> '""'::jsonb
      WHEN 'array' THEN ${v()} <> '[]'::jsonb
      WHEN 'object' THEN ${v()} <> '{}'::jsonb
      WHEN 'null' THEN false
      ELSE jsonb_typeof(${v()}) IS NOT NULL END, false)`;
  },

  jsonEach(r, path, alias) {
    const v = () => valueAt(r, path);
    const from = sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${v()}) = 'array' THEN ${v()} ELSE '[]'::jsonb END) AS ${raw(alias)}(value)`;
    return { from, element: { dialectRef: { doc: `${alias}.value` } satisfies PgRef } };
  },

  lower: (expr) => sql`lower(${expr})`,

  compareText(left, op: TextOp, value) {
    if (op === 'co' || op === 'sw' || op === 'ew') {
      if (value === '') return sql`(${left} IS NOT NULL)`;
      if (op === 'co') return sql`(strpos(${left}, ${value}::text) > 0)`;
      if (op === 'sw') return sql`starts_with(${left}, ${value}::text)`;
      return sql`(right(${left}, ${[...value].length}::int) = ${value}::text)`;
    }
    return sql`(${left} COLLATE "C" ${raw(OPS[op])} ${value}::text)`;
  },

  compareNumber: (left, op, value) => sql`(${left} ${raw(OPS[op])} ${value}::numeric)`,

  jsonSort(r, path, order, caseExact) {
    const v = () => valueAt(r, path);
    const text = postgresQueryDialect.jsonText(r, path);
    const key = caseExact ? text : sql`lower(${text})`;
    const dir = order === 'asc' ? 'ASC NULLS LAST' : 'DESC NULLS FIRST';
    return sql`(CASE WHEN jsonb_typeof(${v()}) = 'number' THEN (${v()} #>> '{}')::numeric END) ${raw(dir)}, ${key} COLLATE "C" ${raw(dir)}`;
  },
};
