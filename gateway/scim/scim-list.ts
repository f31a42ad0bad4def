/** List parameters (query string or a `.search` body) into a store query, and the ListResponse envelope. */
import type { QuerySpec, SortSpec } from '../domain/query.ts';
import type { ScimSettings } from './scim-context.ts';
import { badValue } from './scim-error.ts';
import { translateFilter } from './scim-filter-query.ts';
import type { PathResolver } from './scim-paths.ts';
import { parseProjection } from './scim-projection.ts';
import type { Projection } from './scim-projection.ts';

export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListParams {
  readonly spec: QuerySpec;
  readonly projection: Projection;
}

function intParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw badValue(`"${name}" must be an integer`);
  return n;
}

function str(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.join(',');
  if (typeof v !== 'string') throw badValue(`"${name}" must be a string`);
  return v;
}

/** Reads params case-insensitively (`startindex` and `startIndex` alike). */
export function readParams(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) out[key.toLowerCase()] = source[key];
  return out;
}

/** `startIndex` (1-based, at least 1) and `count` (0 … maxResults, default defaultCount). */
export function parsePage(source: Record<string, unknown>, settings: ScimSettings): { startIndex: number; count: number } {
  const p = readParams(source);
  const startIndex = Math.max(1, intParam(p['startindex'], 'startIndex') ?? 1);
  const count = Math.min(settings.maxResults, Math.max(0, intParam(p['count'], 'count') ?? settings.defaultCount));
  return { startIndex, count };
}

export function parseList(source: Record<string, unknown>, resolver: PathResolver, settings: ScimSettings): ListParams {
  const p = readParams(source);
  const rawFilter = str(p['filter'], 'filter');
  const translated = rawFilter !== undefined && rawFilter.trim() !== '' ? translateFilter(rawFilter, resolver) : undefined;
  const { startIndex, count } = parsePage(source, settings);
  const sortBy = str(p['sortby'], 'sortBy');
  const sortOrder = str(p['sortorder'], 'sortOrder');
  if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(sortOrder)) throw badValue('"sortOrder" is ascending or descending');
  let sort: SortSpec | undefined;
  if (sortBy) {
    const found = resolver.resolve(sortBy);
    if (!found) throw badValue(`unknown sortBy attribute "${sortBy}"`);
    if (found.multiAt === undefined && found.attr.type !== 'complex') {
      sort = {
        path: found.docPath,
        order: sortOrder?.toLowerCase() === 'descending' ? 'desc' : 'asc',
        ...(found.attr.type === 'string' ? { caseExact: found.attr.caseExact ?? false } : {}),
      };
    }
  }
  return {
    spec: { filter: translated?.expr, sort, page: { startIndex, count }, includeDeleted: translated?.delta ?? false },
    projection: parseProjection(str(p['attributes'], 'attributes'), str(p['excludedattributes'], 'excludedAttributes'), resolver),
  };
}

export function listResponse(totalResults: number, startIndex: number, resources: readonly unknown[]): Record<string, unknown> {
  return { schemas: [LIST_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
