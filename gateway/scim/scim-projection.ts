/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5). `schemas` and `id` are always returned (scimmy
 * drops `schemas`). A value filter in an attribute (`emails[type eq "work"]`) selects the whole attribute.
 */
import { badValue } from './scim-error.ts';
import type { PathResolver } from './scim-paths.ts';

export interface Projection {
  readonly include?: readonly (readonly string[])[];
  readonly exclude?: readonly (readonly string[])[];
}

type Doc = Record<string, unknown>;

function paths(list: string | undefined, resolver: PathResolver): (readonly string[])[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  const out: (readonly string[])[] = [];
  for (const raw of list.split(',')) {
    const name = raw.trim().replace(/\[.*\]/, '');
    if (name === '') continue;
    const found = resolver.resolve(name);
    if (found) out.push(found.docPath);
  }
  return out;
}

export function parseProjection(attributes: unknown, excluded: unknown, resolver: PathResolver): Projection {
  if (attributes !== undefined && typeof attributes !== 'string') throw badValue('"attributes" must be a comma-separated list');
  if (excluded !== undefined && typeof excluded !== 'string') throw badValue('"excludedAttributes" must be a comma-separated list');
  const include = paths(attributes, resolver);
  const exclude = paths(excluded, resolver);
  return { ...(include ? { include } : {}), ...(exclude && !include ? { exclude } : {}) };
}

/** True when the projection returns the top-level attribute `name` (e.g. whether to load `members`). */
export function wants(p: Projection, name: string): boolean {
  if (p.include) return p.include.some((path) => path[0] === name);
  if (p.exclude) return !p.exclude.some((path) => path.length === 1 && path[0] === name);
  return true;
}

function pick(src: Doc, path: readonly string[], dst: Doc): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in src)) return;
  const v = src[head];
  if (rest.length === 0) { dst[head] = v; return; }
  if (Array.isArray(v)) {
    const existing = Array.isArray(dst[head]) ? dst[head] as Doc[] : v.map(() => ({}));
    v.forEach((item, i) => { if (typeof item === 'object' && item !== null) pick(item as Doc, rest, existing[i]!); });
    dst[head] = existing;
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const sub = (typeof dst[head] === 'object' && dst[head] !== null ? dst[head] : {}) as Doc;
    pick(v as Doc, rest, sub);
    dst[head] = sub;
  }
}

function drop(doc: Doc, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in doc)) return;
  if (rest.length === 0) { delete doc[head]; return; }
  const v = doc[head];
  if (Array.isArray(v)) {
    doc[head] = v.map((item) => {
      if (typeof item !== 'object' || item === null) return item;
      const copy = { ...(item as Doc) };
      drop(copy, rest);
      return copy;
    });
  } else if (typeof v === 'object' && v !== null) {
    const copy = { ...(v as Doc) };
    drop(copy, rest);
    doc[head] = copy;
  }
}

export function project(doc: Doc, p: Projection): Doc {
  if (p.include) {
    const out: Doc = { schemas: doc['schemas'], id: doc['id'] };
    for (const path of p.include) pick(doc, path, out);
    return out;
  }
  if (p.exclude) {
    const out: Doc = { ...doc };
    for (const path of p.exclude) if (path[0] !== 'id' && path[0] !== 'schemas') drop(out, path);
    return out;
  }
  return doc;
}
