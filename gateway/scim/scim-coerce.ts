/**
 * Validates and normalises an incoming resource against our schema definitions (the ones `/Schemas` serves):
 * attribute names to their canonical case, values to their declared type, read-only and unknown attributes
 * dropped, write-only ones (password) never kept. Tolerates what real clients send: `"True"`/`"False"`
 * strings for booleans (Entra), a manager as a plain id string, a single value for a multi-valued attribute,
 * extension attributes flattened as `urn:…:attr` keys.
 */
import { badSyntax, badValue } from './scim-error.ts';
import { findAttr } from './scim-paths.ts';
import type { PathResolver } from './scim-paths.ts';
import type { AttributeDef } from './scim-schema-types.ts';

export type CoerceMode = 'create' | 'replace' | 'partial';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const LOCKSTEP_PREFIX = 'urn:ietf:params:scim:schemas:extension:lockstep:';

function scalar(attr: AttributeDef, value: unknown, where: string, strictCanonical: boolean): unknown {
  switch (attr.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw badValue(`"${where}" must be a string`);
      if (strictCanonical && attr.canonicalValues && !attr.canonicalValues.includes(value)) {
        throw badValue(`"${where}" must be one of ${attr.canonicalValues.join(', ')}`);
      }
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw badValue(`"${where}" must be a boolean`);
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw badValue(`"${where}" must be an integer`);
      return n;
    }
    case 'decimal': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw badValue(`"${where}" must be a number`);
      return n;
    }
    case 'dateTime': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(ms)) throw badValue(`"${where}" must be a dateTime`);
      return new Date(ms).toISOString();
    }
    case 'complex':
      return complex(attr, value, where, strictCanonical);
  }
}

function complex(attr: AttributeDef, value: unknown, where: string, strictCanonical: boolean): Record<string, unknown> | undefined {
  const subs = attr.subAttributes ?? [];
  if (typeof value === 'string' && findAttr(subs, 'value')) return { value };
  if (!isObject(value)) throw badValue(`"${where}" must be an object`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const sub = findAttr(subs, key);
    if (!sub || sub.mutability === 'readOnly' || sub.returned === 'never') continue;
    const v = coerceAttr(sub, value[key], `${where}.${sub.name}`, strictCanonical);
    if (v !== undefined) out[sub.name] = v;
  }
  return out;
}

/** Coerces one attribute's value; undefined means "no value" (null, or an empty array). */
export function coerceAttr(attr: AttributeDef, value: unknown, where: string, strictCanonical = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (attr.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    const out: unknown[] = [];
    for (const item of items) {
      if (item === null || item === undefined) continue;
      out.push(scalar(attr, item, where, strictCanonical));
    }
    return out.length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 1) return scalar(attr, value[0], where, strictCanonical);
    throw badValue(`"${where}" is single-valued`);
  }
  return scalar(attr, value, where, strictCanonical);
}

function coerceExtension(
  out: Record<string, unknown>, ext: { id: string; attrs: readonly AttributeDef[] }, key: string, value: unknown,
): void {
  const strict = ext.id.startsWith(LOCKSTEP_PREFIX);
  if (value === null) return;
  if (!isObject(value)) throw badValue(`"${key}" must be an object`);
  const target = (out[ext.id] as Record<string, unknown> | undefined) ?? {};
  for (const k of Object.keys(value)) {
    const a = findAttr(ext.attrs, k);
    if (!a || a.mutability === 'readOnly' || a.returned === 'never') continue;
    const v = coerceAttr(a, value[k], `${ext.id}:${a.name}`, strict);
    if (v !== undefined) target[a.name] = v;
  }
  out[ext.id] = target;
}

function coerceSchemas(raw: unknown, resolver: PathResolver): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) throw badSyntax('"schemas" must be an array of URNs');
  for (const s of raw as string[]) {
    if (s.toLowerCase() !== resolver.type.schema.id.toLowerCase() && !resolver.extension(s)) {
      throw badValue(`unknown schema "${s}" for ${resolver.type.name}`);
    }
  }
}

/**
 * Returns the canonical document (without id and meta, which the server sets). `create`/`replace` enforce
 * required attributes; `partial` (a PATCH value without a path) does not.
 */
export function coerceResource(body: unknown, resolver: PathResolver, mode: CoerceMode): Record<string, unknown> {
  if (!isObject(body)) throw badSyntax('the request body must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    const value = body[key];
    const lower = key.toLowerCase();
    if (lower === 'schemas') { coerceSchemas(value, resolver); continue; }
    if (lower.startsWith('urn:')) {
      const ext = resolver.extension(key);
      if (ext) { coerceExtension(out, ext, key, value); continue; }
      const cut = key.lastIndexOf(':');
      const owner = resolver.extension(key.slice(0, cut));
      if (owner) { coerceExtension(out, owner, key, { [key.slice(cut + 1)]: value }); continue; }
      if (lower.startsWith(`${resolver.type.schema.id.toLowerCase()}:`)) {
        const a = findAttr(resolver.attributes, key.slice(cut + 1));
        if (a && a.mutability !== 'readOnly' && a.returned !== 'never') {
          const v = coerceAttr(a, value, a.name);
          if (v !== undefined) out[a.name] = v;
        }
        continue;
      }
      throw badValue(`unknown schema extension "${key}" for ${resolver.type.name}`);
    }
    const a = findAttr(resolver.attributes, key);
    if (!a || a.mutability === 'readOnly' || a.returned === 'never') continue;
    const v = coerceAttr(a, value, a.name);
    if (v !== undefined) out[a.name] = v;
  }
  if (mode !== 'partial') {
    for (const a of resolver.type.schema.attributes) {
      const v = out[a.name];
      if (a.required && (v === undefined || v === '')) throw badValue(`"${a.name}" is required`);
    }
  }
  return out;
}

/** `schemas` for a stored document: the core schema and each extension it carries. */
export function schemasOf(doc: Record<string, unknown>, resolver: PathResolver): string[] {
  const out = [resolver.type.schema.id];
  for (const ext of resolver.type.extensions) {
    const v = doc[ext.schema.id];
    if (isObject(v) && Object.keys(v).length > 0) out.push(ext.schema.id);
  }
  return out;
}
