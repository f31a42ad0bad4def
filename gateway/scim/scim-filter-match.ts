/**
 * Evaluates a value filter against one element of a multi-valued attribute (`emails[type eq "work"]`,
 * `members[value eq "…"]`). Used only to pick the targets of a PATCH operation inside one resource; list
 * filtering always goes to the store as a query.
 */
import type { FilterNode } from './scim-filter-parser.ts';
import { findAttr } from './scim-paths.ts';
import type { AttributeDef } from './scim-schema-types.ts';

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

function compare(op: string, actual: unknown, expected: unknown, caseExact: boolean): boolean {
  if (actual === undefined || actual === null) return op === 'ne' ? expected !== null : expected === null && op === 'eq';
  let a = actual;
  let e = expected;
  if (typeof a === 'string' && typeof e === 'string' && !caseExact) { a = a.toLowerCase(); e = e.toLowerCase(); }
  switch (op) {
    case 'eq': return a === e;
    case 'ne': return a !== e;
    case 'co': return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    case 'sw': return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'ew': return typeof a === 'string' && typeof e === 'string' && a.endsWith(e);
    case 'gt': return (a as number) > (e as number);
    case 'ge': return (a as number) >= (e as number);
    case 'lt': return (a as number) < (e as number);
    case 'le': return (a as number) <= (e as number);
    default: return false;
  }
}

export function matchElement(node: FilterNode, element: unknown, subs: readonly AttributeDef[]): boolean {
  switch (node.kind) {
    case 'and': return matchElement(node.left, element, subs) && matchElement(node.right, element, subs);
    case 'or': return matchElement(node.left, element, subs) || matchElement(node.right, element, subs);
    case 'not': return !matchElement(node.arg, element, subs);
    case 'valuePath': return false;
    case 'pr':
    case 'cmp': {
      if (typeof element !== 'object' || element === null) return false;
      const def = findAttr(subs, node.path);
      const key = def?.name ?? node.path;
      const value = (element as Record<string, unknown>)[key];
      if (node.kind === 'pr') return present(value);
      let expected = node.value;
      if (def?.type === 'boolean' && typeof expected === 'string') expected = expected.toLowerCase() === 'true';
      return compare(node.op, value, expected, def?.caseExact ?? false);
    }
  }
}

/** The attributes a filter made only of `eq` joined by `and` pins down: what a create-if-absent add creates. */
export function equalities(node: FilterNode, subs: readonly AttributeDef[]): Record<string, unknown> | undefined {
  if (node.kind === 'cmp' && node.op === 'eq') {
    const def = findAttr(subs, node.path);
    return def ? { [def.name]: node.value } : undefined;
  }
  if (node.kind === 'and') {
    const l = equalities(node.left, subs);
    const r = equalities(node.right, subs);
    return l && r ? { ...l, ...r } : undefined;
  }
  return undefined;
}
