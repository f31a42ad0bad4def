/**
 * A store-independent query over resource documents (the JSON a SCIM resource is stored as). The SCIM layer
 * translates SCIM filters into this; each store translates it into its own SQL. Paths are arrays of keys into
 * the document (`['name','givenName']`, `['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
 * 'employeeNumber']`). Documents carry `id` and `meta.created` / `meta.lastModified` like the SCIM resource.
 *
 * Multi-valued attributes are matched with `any`: `emails[type eq "work"]` becomes
 * `{ op: 'any', path: ['emails'], where: { op: 'eq', path: ['type'], value: 'work' } }`, the inner paths being
 * relative to one element. For entitlements, `any` over `['members']` matches active assignments, whose element
 * fields are `value` (identity id) and `display` (its userName).
 */
export const COMPARISONS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type Scalar = string | number | boolean | null;

export type QueryExpr =
  | { readonly op: 'and' | 'or'; readonly args: readonly QueryExpr[] }
  | { readonly op: 'not'; readonly arg: QueryExpr }
  | { readonly op: 'pr'; readonly path: readonly string[] }
  | {
      readonly op: Comparison;
      readonly path: readonly string[];
      readonly value: Scalar;
      /** false: compare strings case-insensitively (SCIM `caseExact: false`, e.g. userName). Default true. */
      readonly caseExact?: boolean;
    }
  | { readonly op: 'any'; readonly path: readonly string[]; readonly where: QueryExpr };

export interface SortSpec {
  readonly path: readonly string[];
  readonly order: 'asc' | 'desc';
  readonly caseExact?: boolean;
}

export interface PageSpec {
  /** 1-based, as in SCIM. */
  readonly startIndex: number;
  readonly count: number;
}

export interface QuerySpec {
  readonly filter?: QueryExpr | undefined;
  readonly sort?: SortSpec | undefined;
  readonly page: PageSpec;
  /** Include tombstones (deleted resources still within their retention). Default false. */
  readonly includeDeleted?: boolean;
}

export interface Page<T> {
  readonly totalResults: number;
  readonly startIndex: number;
  readonly items: readonly T[];
}
