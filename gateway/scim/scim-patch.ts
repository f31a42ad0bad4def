/**
 * Our own PATCH engine (RFC 7644 §3.5.2) over a stored document, because the forms real clients send differ
 * from what scimmy accepts: PascalCase ops, no-path `replace` of multi-valued attributes (replace semantics,
 * so `members: []` removes every member), create-if-absent `add emails[type eq "work"].value`, legacy member
 * removal with a value array, an empty `Operations` list. Member changes are returned as operations for the
 * caller to apply to assignments; they never go into the document.
 */
import { coerceAttr } from './scim-coerce.ts';
import { ScimError, badPath, badSyntax, badValue } from './scim-error.ts';
import { parsePatchPath } from './scim-filter-parser.ts';
import type { FilterNode } from './scim-filter-parser.ts';
import { equalities, matchElement } from './scim-filter-match.ts';
import { findAttr } from './scim-paths.ts';
import type { PathResolver, ResolvedPath } from './scim-paths.ts';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type MemberOp =
  | { readonly kind: 'add' | 'remove' | 'set'; readonly ids: readonly string[] }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'removeWhere'; readonly filter: FilterNode };

export interface PatchOutcome {
  readonly doc: Record<string, unknown>;
  readonly memberOps: readonly MemberOp[];
}

type Op = 'add' | 'remove' | 'replace';
type Doc = Record<string, unknown>;
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const IGNORED = new Set(['schemas', 'id', 'meta']);

function memberIds(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.map((item) => {
    if (typeof item === 'string') return item;
    if (isObject(item)) {
      const key = Object.keys(item).find((k) => k.toLowerCase() === 'value');
      const v = key ? item[key] : undefined;
      if (typeof v === 'string' && v !== '') return v;
    }
    throw badValue('each member needs a "value" with the id of a User');
  });
}

function simpleMemberValue(filter: FilterNode): string | undefined {
  return filter.kind === 'cmp' && filter.op === 'eq' && filter.path.toLowerCase() === 'value' && typeof filter.value === 'string'
    ? filter.value : undefined;
}

function getParent(doc: Doc, path: readonly string[], create: boolean): Doc | undefined {
  let cur: Doc = doc;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (!isObject(next)) {
      if (!create) return undefined;
      cur[key] = {};
    }
    cur = cur[key] as Doc;
  }
  return cur;
}

class PatchEngine {
  readonly memberOps: MemberOp[] = [];
  constructor(readonly doc: Doc, private readonly resolver: PathResolver, private readonly members: boolean) {}

  apply(op: Op, path: string | undefined, value: unknown): void {
    if (path === undefined || path.trim() === '') {
      if (op === 'remove') throw new ScimError(400, 'noTarget', 'remove needs a path');
      if (!isObject(value)) throw badValue(`${op} without a path needs an object value`);
      for (const key of Object.keys(value)) {
        if (IGNORED.has(key.toLowerCase())) continue;
        const ext = this.resolver.extension(key);
        if (ext && isObject(value[key])) {
          const inner = value[key] as Doc;
          for (const k of Object.keys(inner)) this.withPath(op, `${ext.id}:${k}`, inner[k], true);
          continue;
        }
        this.withPath(op, key, value[key], true);
      }
      return;
    }
    this.withPath(op, path, value);
  }

  /** `implicit`: the attribute came from a no-path value object, where read-only attributes are ignored (as in PUT). */
  private withPath(op: Op, rawPath: string, value: unknown, implicit = false): void {
    const parsed = parsePatchPath(rawPath);
    const target = this.resolver.resolve(parsed.attrPath);
    if (!target) {
      if (parsed.attrPath.toLowerCase().startsWith('urn:')) throw badPath(`unknown attribute "${parsed.attrPath}"`);
      return;
    }
    const name = target.docPath.join('.');
    if (this.members && name === 'members') return this.memberOp(op, parsed.filter, value);
    if (target.attr.returned === 'never' || name === 'id') return;
    if (target.attr.mutability === 'readOnly') {
      if (implicit) return;
      throw new ScimError(400, 'mutability', `"${name}" is read-only`);
    }
    if (parsed.filter) return this.filtered(op, target, parsed.filter, parsed.subAttr, value);
    if (target.multiAt !== undefined && target.multiAt < target.docPath.length - 1) return this.allElements(op, target, value);
    this.plain(op, target, value);
  }

  private memberOp(op: Op, filter: FilterNode | undefined, value: unknown): void {
    if (op === 'add') { this.memberOps.push({ kind: 'add', ids: memberIds(value) }); return; }
    if (op === 'replace') {
      if (filter) this.memberOps.push({ kind: 'removeWhere', filter });
      this.memberOps.push(filter ? { kind: 'add', ids: memberIds(value) } : { kind: 'set', ids: memberIds(value) });
      return;
    }
    if (filter) {
      const one = simpleMemberValue(filter);
      this.memberOps.push(one ? { kind: 'remove', ids: [one] } : { kind: 'removeWhere', filter });
      return;
    }
    const ids = memberIds(value);
    this.memberOps.push(ids.length > 0 ? { kind: 'remove', ids } : { kind: 'removeAll' });
  }

  private plain(op: Op, target: ResolvedPath, value: unknown): void {
    const { docPath, attr } = target;
    const key = docPath[docPath.length - 1]!;
    if (op === 'remove') {
      const parent = getParent(this.doc, docPath, false);
      if (!parent) return;
      if (attr.multiValued && value !== undefined && Array.isArray(value)) {
        const drop = new Set(value.map((v) => (isObject(v) ? JSON.stringify(coerceAttr({ ...attr, multiValued: false }, v, key)) : JSON.stringify(v))));
        const kept = (Array.isArray(parent[key]) ? parent[key] as unknown[] : []).filter((e) => {
          const byValue = isObject(e) && value.some((v) => isObject(v) && Object.keys(v).some((k) => k.toLowerCase() === 'value' && v[k] === e['value']));
          return !byValue && !drop.has(JSON.stringify(e));
        });
        if (kept.length > 0) parent[key] = kept; else delete parent[key];
        return;
      }
      delete parent[key];
      return;
    }
    const coerced = coerceAttr(attr, value, docPath.join('.'));
    const parent = getParent(this.doc, docPath, true)!;
    if (coerced === undefined) {
      if (op === 'replace') delete parent[key];
      return;
    }
    if (attr.multiValued) {
      if (op === 'replace') { parent[key] = coerced; return; }
      const existing = Array.isArray(parent[key]) ? [...(parent[key] as unknown[])] : [];
      const seen = new Set(existing.map((e) => JSON.stringify(e)));
      for (const item of coerced as unknown[]) if (!seen.has(JSON.stringify(item))) existing.push(item);
      parent[key] = existing;
      return;
    }
    if (attr.type === 'complex' && isObject(coerced) && isObject(parent[key])) {
      parent[key] = { ...(parent[key] as Doc), ...coerced };
      return;
    }
    parent[key] = coerced;
  }

  /** `emails.value` with no filter: every element. */
  private allElements(op: Op, target: ResolvedPath, value: unknown): void {
    const multiPath = target.docPath.slice(0, target.multiAt! + 1);
    const sub = target.docPath[target.multiAt! + 1]!;
    const parent = getParent(this.doc, multiPath, op !== 'remove');
    if (!parent) return;
    const key = multiPath[multiPath.length - 1]!;
    const list = Array.isArray(parent[key]) ? parent[key] as Doc[] : [];
    if (op === 'remove') { for (const e of list) delete e[sub]; return; }
    const v = coerceAttr(target.attr, value, target.docPath.join('.'));
    if (list.length === 0) parent[key] = [{ [sub]: v }];
    else for (const e of list) e[sub] = v;
  }

  private filtered(op: Op, target: ResolvedPath, filter: FilterNode, subAttr: string | undefined, value: unknown): void {
    const { docPath, attr } = target;
    if (!attr.multiValued || attr.type !== 'complex') throw badPath(`"${docPath.join('.')}" is not a multi-valued complex attribute`);
    const subs = attr.subAttributes ?? [];
    const subDef = subAttr ? findAttr(subs, subAttr) : undefined;
    if (subAttr && !subDef) throw badPath(`unknown sub-attribute "${subAttr}"`);
    const key = docPath[docPath.length - 1]!;
    const parent = getParent(this.doc, docPath, op !== 'remove');
    if (!parent) return;
    const list = Array.isArray(parent[key]) ? [...(parent[key] as Doc[])] : [];
    const hits = list.filter((e) => matchElement(filter, e, subs));
    if (op === 'remove') {
      if (subDef) for (const e of hits) delete e[subDef.name];
      else parent[key] = list.filter((e) => !hits.includes(e));
      if ((parent[key] as unknown[]).length === 0) delete parent[key];
      return;
    }
    const where = `${docPath.join('.')}${subDef ? `.${subDef.name}` : ''}`;
    const patch: Doc = subDef
      ? { [subDef.name]: coerceAttr(subDef, value, where) }
      : (coerceAttr({ ...attr, multiValued: false }, value, where) as Doc | undefined) ?? {};
    if (hits.length === 0) {
      const base = equalities(filter, subs);
      if (!base) throw new ScimError(400, 'noTarget', `no element of "${docPath.join('.')}" matches the filter`);
      list.push(coerceAttr({ ...attr, multiValued: false }, { ...base, ...patch }, where) as Doc);
    } else {
      for (const e of hits) Object.assign(e, patch);
    }
    parent[key] = list;
  }
}

/**
 * Applies a PatchOp body to a copy of `current` (a stored document without `schemas`, `id` and `meta`).
 * Throws a 400 ScimError for malformed requests. The result still needs {@link coerceResource} in
 * `replace` mode (required attributes, types) before it is stored.
 */
export function applyPatch(body: unknown, current: Doc, resolver: PathResolver, opts: { members: boolean }): PatchOutcome {
  if (!isObject(body)) throw badSyntax('the request body must be a JSON object');
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const ops = opsKey ? body[opsKey] : undefined;
  if (!Array.isArray(ops)) throw badSyntax('a PatchOp needs an "Operations" array');
  const schemas = body['schemas'];
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA))) {
    throw badSyntax(`a PatchOp must declare the schema ${PATCH_SCHEMA}`);
  }
  const engine = new PatchEngine(structuredClone(current), resolver, opts.members);
  for (const raw of ops) {
    if (!isObject(raw)) throw badSyntax('each operation must be an object');
    const get = (name: string): unknown => raw[Object.keys(raw).find((k) => k.toLowerCase() === name) ?? name];
    const op = get('op');
    const path = get('path');
    if (typeof op !== 'string' || !['add', 'remove', 'replace'].includes(op.toLowerCase())) {
      throw badSyntax(`unknown operation ${JSON.stringify(op) ?? "(none)"}`);
    }
    if (path !== undefined && typeof path !== 'string') throw badSyntax('"path" must be a string');
    engine.apply(op.toLowerCase() as Op, path, get('value'));
  }
  return { doc: engine.doc, memberOps: engine.memberOps };
}
