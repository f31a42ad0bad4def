/**
 * Resolves attribute paths as clients write them (any case, optionally URN-prefixed) into the canonical path
 * in the stored document and the attribute definition that governs it.
 */
import { commonAttributes } from './scim-schemas.ts';
import type { AttributeDef, ResourceTypeDef } from './scim-schema-types.ts';

export interface ResolvedPath {
  /** Canonical keys into the document, e.g. `['urn:…:enterprise:2.0:User', 'manager', 'value']`. */
  readonly docPath: readonly string[];
  readonly attr: AttributeDef;
  /** Index in docPath of a multi-valued complex attribute the path goes through or ends at, if any. */
  readonly multiAt?: number;
}

export function findAttr(attrs: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return attrs.find((a) => a.name.toLowerCase() === lower);
}

/** Walks `segments` down from `attrs`, appending canonical names to `base`. */
export function walk(attrs: readonly AttributeDef[], segments: readonly string[], base: readonly string[]): ResolvedPath | undefined {
  let current = attrs;
  const docPath = [...base];
  let found: AttributeDef | undefined;
  let multiAt: number | undefined;
  for (const seg of segments) {
    found = findAttr(current, seg);
    if (!found) return undefined;
    docPath.push(found.name);
    if (found.multiValued && found.type === 'complex' && multiAt === undefined) multiAt = docPath.length - 1;
    current = found.subAttributes ?? [];
  }
  if (!found) return undefined;
  return multiAt === undefined ? { docPath, attr: found } : { docPath, attr: found, multiAt };
}

/** A whole extension, addressed by its URN alone. */
function extensionAttr(id: string, attrs: readonly AttributeDef[]): AttributeDef {
  return { name: id, type: 'complex', multiValued: false, required: false, mutability: 'readWrite', returned: 'default', subAttributes: attrs };
}

export class PathResolver {
  private readonly cache = new Map<string, ResolvedPath | null>();
  private readonly coreAttrs: readonly AttributeDef[];

  constructor(readonly type: ResourceTypeDef) {
    this.coreAttrs = [...type.schema.attributes, ...commonAttributes];
  }

  get attributes(): readonly AttributeDef[] {
    return this.coreAttrs;
  }

  /** undefined when no attribute of this resource type has that path. */
  resolve(raw: string): ResolvedPath | undefined {
    const key = raw.toLowerCase();
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const resolved = this.compute(raw);
    if (this.cache.size < 2000) this.cache.set(key, resolved ?? null);
    return resolved;
  }

  private compute(raw: string): ResolvedPath | undefined {
    const lower = raw.toLowerCase();
    if (lower.startsWith('urn:')) {
      const core = this.type.schema.id.toLowerCase();
      if (lower.startsWith(`${core}:`)) return walk(this.coreAttrs, raw.slice(core.length + 1).split('.'), []);
      for (const ext of this.type.extensions) {
        const id = ext.schema.id;
        const idLower = id.toLowerCase();
        if (lower === idLower) return { docPath: [id], attr: extensionAttr(id, ext.schema.attributes) };
        if (lower.startsWith(`${idLower}:`)) return walk(ext.schema.attributes, raw.slice(id.length + 1).split('.'), [id]);
      }
      return undefined;
    }
    return walk(this.coreAttrs, raw.split('.'), []);
  }

  /** The extension definition with this URN (any case), if the resource type has it. */
  extension(urn: string): { id: string; attrs: readonly AttributeDef[] } | undefined {
    const lower = urn.toLowerCase();
    const ext = this.type.extensions.find((e) => e.schema.id.toLowerCase() === lower);
    return ext ? { id: ext.schema.id, attrs: ext.schema.attributes } : undefined;
  }
}
