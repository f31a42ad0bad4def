/** Building stored SCIM documents: `schemas`, `id`, `meta` around the coerced attributes. */
import type { PathResolver } from './scim-paths.ts';
import { schemasOf } from './scim-coerce.ts';
import { etagOf } from './scim-etag.ts';

type Doc = Record<string, unknown>;

export interface MetaInput {
  readonly id: string;
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
  readonly baseUrl: string;
}

export function locationOf(baseUrl: string, endpoint: string, id: string): string {
  return `${baseUrl}${endpoint}/${encodeURIComponent(id)}`;
}

/** The stored document: attributes in canonical form, with `schemas` first and `meta` last. */
export function withMeta(attrs: Doc, resolver: PathResolver, m: MetaInput): Doc {
  const { id: _id, meta: _meta, schemas: _schemas, ...rest } = attrs;
  return {
    schemas: schemasOf(rest, resolver),
    id: m.id,
    ...rest,
    meta: {
      resourceType: resolver.type.name,
      created: m.created,
      lastModified: m.lastModified,
      location: locationOf(m.baseUrl, resolver.type.endpoint, m.id),
      version: etagOf(m.version),
    },
  };
}

/** The document without server-managed attributes: what a PATCH works on and what PUT replaces. */
export function attributesOf(doc: Doc): Doc {
  const { id: _id, meta: _meta, schemas: _schemas, ...rest } = doc;
  return rest;
}

/** The stored document as served: `meta.location` follows the base URL this request came in on. */
export function served(doc: Doc, baseUrl: string, endpoint: string): Doc {
  const meta = doc['meta'] as Doc | undefined;
  const id = doc['id'] as string;
  return meta ? { ...doc, meta: { ...meta, location: locationOf(baseUrl, endpoint, id) } } : doc;
}

/** Stable JSON for change detection (key order of a coerced document is deterministic). */
export function sameAttributes(a: Doc, b: Doc): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
