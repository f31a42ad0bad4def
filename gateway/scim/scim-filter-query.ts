/**
 * Translates a parsed SCIM filter into the store's {@link QueryExpr}: canonical paths, values coerced to the
 * attribute's type, `caseExact` from the schema, and multi-valued attributes matched with `any`. The store
 * runs it as SQL; nothing is matched in memory.
 */
import type { QueryExpr, Scalar } from '../domain/query.ts';
import { badFilter } from './scim-error.ts';
import { parseFilter } from './scim-filter-parser.ts';
import type { FilterNode } from './scim-filter-parser.ts';
import { walk } from './scim-paths.ts';
import type { PathResolver, ResolvedPath } from './scim-paths.ts';
import type { AttributeDef } from './scim-schema-types.ts';

export interface TranslatedFilter {
  readonly expr: QueryExpr;
  /** True when the filter compares `meta.lastModified`: a delta read, which must also see tombstones. */
  readonly delta: boolean;
}

function coerceValue(attr: AttributeDef, value: Scalar, op: string): Scalar {
  if (value === null) return null;
  switch (attr.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw badFilter(`"${attr.name}" is a boolean`);
    case 'integer':
    case 'decimal':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      throw badFilter(`"${attr.name}" is a number`);
    case 'dateTime': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(ms)) throw badFilter(`"${attr.name}" is a dateTime`);
      return op === 'co' || op === 'sw' || op === 'ew' ? value : new Date(ms).toISOString();
    }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function isString(attr: AttributeDef): boolean {
  return attr.type === 'string' || attr.type === 'reference' || attr.type === 'binary';
}

class Translator {
  delta = false;
  constructor(private readonly resolver: PathResolver) {}

  node(n: FilterNode, scope?: ResolvedPath): QueryExpr {
    switch (n.kind) {
      case 'and':
      case 'or':
        return { op: n.kind, args: [this.node(n.left, scope), this.node(n.right, scope)] };
      case 'not':
        return { op: 'not', arg: this.node(n.arg, scope) };
      case 'valuePath': {
        if (scope) throw badFilter('nested value filters are not allowed');
        const target = this.resolve(n.path);
        if (!target.attr.multiValued || target.attr.type !== 'complex') {
          throw badFilter(`"${n.path}" is not a multi-valued complex attribute`);
        }
        return { op: 'any', path: target.docPath, where: this.node(n.filter, target) };
      }
      case 'pr':
      case 'cmp':
        return this.leaf(n, scope);
    }
  }

  private resolve(path: string, scope?: ResolvedPath): ResolvedPath {
    const found = scope ? walk(scope.attr.subAttributes ?? [], path.split('.'), []) : this.resolver.resolve(path);
    if (!found) throw badFilter(`unknown attribute "${path}"`);
    return found;
  }

  private leaf(n: Extract<FilterNode, { kind: 'pr' | 'cmp' }>, scope?: ResolvedPath): QueryExpr {
    const found = this.resolve(n.path, scope);
    if (found.docPath.join('.') === 'meta.lastModified' && n.kind === 'cmp') this.delta = true;
    let attr = found.attr;
    let path = found.docPath;
    let anyPath: readonly string[] | undefined;
    if (found.multiAt !== undefined) {
      anyPath = path.slice(0, found.multiAt + 1);
      path = path.slice(found.multiAt + 1);
      if (path.length === 0) {
        if (n.kind === 'pr') return { op: 'pr', path: anyPath };
        const valueAttr = attr.subAttributes?.find((s) => s.name === 'value');
        if (!valueAttr) throw badFilter(`"${n.path}" has no value to compare`);
        attr = valueAttr;
        path = ['value'];
      }
    } else if (attr.type === 'complex' && n.kind === 'cmp') {
      throw badFilter(`"${n.path}" is complex: compare one of its sub-attributes`);
    }
    let leaf: QueryExpr;
    if (n.kind === 'pr') {
      leaf = { op: 'pr', path };
    } else {
      if (n.value === null) {
        if (n.op !== 'eq' && n.op !== 'ne') throw badFilter(`"${n.op}" cannot compare with null`);
        const pr: QueryExpr = { op: 'pr', path };
        leaf = n.op === 'eq' ? { op: 'not', arg: pr } : pr;
      } else {
        if (attr.type === 'boolean' && !['eq', 'ne'].includes(n.op)) throw badFilter(`"${n.op}" cannot compare booleans`);
        if (['co', 'sw', 'ew'].includes(n.op) && !isString(attr) && attr.type !== 'dateTime') {
          throw badFilter(`"${n.op}" needs a string attribute`);
        }
        const value = coerceValue(attr, n.value, n.op);
        leaf = isString(attr)
          ? { op: n.op, path, value, caseExact: attr.caseExact ?? false }
          : { op: n.op, path, value };
      }
    }
    return anyPath ? { op: 'any', path: anyPath, where: leaf } : leaf;
  }
}

/** Parses and translates; throws a 400 `invalidFilter` ScimError for syntax errors and unknown attributes. */
export function translateFilter(filter: string, resolver: PathResolver): TranslatedFilter {
  const t = new Translator(resolver);
  const expr = t.node(parseFilter(filter));
  return { expr, delta: t.delta };
}
