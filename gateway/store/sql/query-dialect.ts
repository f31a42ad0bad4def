import type { Fragment } from './sql-fragment.ts';

/** JSON value kinds as the compiler asks about them. */
export type JsonKind = 'string' | 'number' | 'true' | 'false' | 'null' | 'array' | 'object';

/** Where a JSON value is read from: a document column, or an element of an array being iterated. Dialect-owned. */
export type JsonRef = { readonly dialectRef: unknown };

export type TextOp = 'eq' | 'gt' | 'ge' | 'lt' | 'le' | 'co' | 'sw' | 'ew';

/** The JSON and text primitives a dialect provides to the shared query compiler. */
export interface QueryDialect {
  docRef(column: string): JsonRef;
  /** True when the value at `path` is of this kind (never NULL). */
  jsonIs(ref: JsonRef, path: readonly string[], kind: JsonKind): Fragment;
  /** The value at `path` as SQL text (meaningful when it is a JSON string). */
  jsonText(ref: JsonRef, path: readonly string[]): Fragment;
  /** The value at `path` as an SQL number (meaningful when it is a JSON number). */
  jsonNumber(ref: JsonRef, path: readonly string[]): Fragment;
  /** Present: not missing, not null, not "", not [] and not {}. */
  jsonPresent(ref: JsonRef, path: readonly string[]): Fragment;
  /** A FROM item iterating the array at `path` (none when it is not an array), and a ref to each element. */
  jsonEach(ref: JsonRef, path: readonly string[], alias: string): { readonly from: Fragment; readonly element: JsonRef };
  /** Lower-cases text the way the store lower-cases `*_lc` columns (JavaScript `toLowerCase`). */
  lower(expr: Fragment): Fragment;
  /** A text comparison in binary (code point) order; `value` is a parameter. */
  compareText(left: Fragment, op: TextOp, value: string): Fragment;
  compareNumber(left: Fragment, op: 'eq' | 'gt' | 'ge' | 'lt' | 'le', value: number): Fragment;
  /** ORDER BY items for the JSON value at `path`: missing values last when ascending, first when descending. */
  jsonSort(ref: JsonRef, path: readonly string[], order: 'asc' | 'desc', caseExact: boolean): Fragment;
}

/** Rejects path segments that could not be addressed safely (they travel as parameters, but must be well formed). */
export function validatePath(path: readonly string[]): void {
  for (const seg of path) {
    // eslint-disable-next-line no-control-regex
    if (typeof seg !== 'string' || seg.length === 0 || seg.length > 512 || /["\\\u0000-\u001f]/.test(seg)) {
      throw new RangeError(`invalid attribute path segment: ${JSON.stringify(seg)}`);
    }
  }
}
