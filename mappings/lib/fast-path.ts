/**
 * Compiles a subset of JSONata's AST (field paths, literals, comparisons, `and`/`or`, `&`, `in`, conditions,
 * and a handful of pure functions) into plain closures. Paths of field names follow JSONata's sequence rules
 * over arrays (fast-path-sequence.ts). The closure returns {@link BAIL} whenever a value falls outside the
 * subset's exact semantics (arrays given to operators and functions; objects in comparisons; type errors), and
 * the caller then evaluates the same expression with JSONata. So the fast path never changes a
 * result; it only skips JSONata's asynchronous evaluator for the common, simple cases.
 */
import type jsonata from 'jsonata';
import { evaluateNamePath } from './fast-path-sequence.ts';
import { EXTENSION_FUNCTIONS } from './functions.ts';

export const BAIL: unique symbol = Symbol('bail');
export type Bail = typeof BAIL;
export type FastFn = (input: unknown, bindings: Readonly<Record<string, unknown>>) => unknown;

type Node = Omit<jsonata.ExprNode, 'type'> & { type: jsonata.ExprNode['type'] | 'path'; expression?: Node; condition?: Node; then?: Node; else?: Node; predicate?: unknown; group?: unknown; keepArray?: boolean; focus?: unknown; tuple?: boolean };

const isPrimitive = (v: unknown): v is string | number | boolean | null => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function toBool(v: unknown): boolean | Bail {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  return BAIL;
}

function toStr(v: unknown): string | Bail {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return BAIL;
}

const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  string: (v) => (v === undefined ? undefined : toStr(v)),
  number: (v) => {
    if (v === undefined) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
    return BAIL;
  },
  lowercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : BAIL),
  uppercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : BAIL),
  trim: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.replace(/[ \t\n\r]+/gm, ' ').replace(/^ /, '').replace(/ $/, '') : BAIL),
  exists: (v) => v !== undefined,
  boolean: (v) => (v === undefined ? undefined : toBool(v)),
  not: (v) => {
    if (v === undefined) return undefined;
    const b = toBool(v);
    return b === BAIL ? BAIL : !b;
  },
  length: (v) => (v === undefined ? undefined : typeof v === 'string' ? Array.from(v).length : BAIL),
  substringAfter: (s, c) => {
    if (s === undefined) return undefined;
    if (typeof s !== 'string' || typeof c !== 'string') return BAIL;
    const at = s.indexOf(c);
    return at > -1 ? s.substring(at + c.length) : s;
  },
  substringBefore: (s, c) => {
    if (s === undefined) return undefined;
    if (typeof s !== 'string' || typeof c !== 'string') return BAIL;
    const at = s.indexOf(c);
    return at > -1 ? s.substring(0, at) : s;
  },
  contains: (s, c) => {
    if (s === undefined) return undefined;
    if (typeof s !== 'string' || typeof c !== 'string') return BAIL;
    return s.includes(c);
  },
};

function compilePath(node: Node): FastFn | undefined {
  const steps = (node.steps ?? []) as Node[];
  if (node.keepArray || node.tuple || node.group) return undefined;
  const first = steps[0];
  let root: FastFn | undefined;
  let fromFunction = false;
  if (first?.type === 'variable') {
    if (first.stages || first.predicate || first.group) return undefined;
    root = variableValue(String(first.value));
  } else if (first?.type === 'function') {
    if (first.stages || first.predicate || first.group) return undefined;
    root = compileFast(first);
    if (!root) return undefined;
    fromFunction = true;
  }
  const keys: string[] = [];
  for (const step of root ? steps.slice(1) : steps) {
    if (step.type !== 'name' || step.stages || step.predicate || step.group || step.keepArray || step.focus || step.tuple) return undefined;
    keys.push(String(step.value));
  }
  const rootFn = root;
  const result = (v: unknown) => (typeof v === 'function' ? BAIL : v);
  if (!rootFn) return (input) => result(evaluateNamePath([input], keys, 0));
  return (input, bindings) => {
    if (fromFunction && Array.isArray(input)) return BAIL;
    const v = rootFn(input, bindings);
    if (v === BAIL) return BAIL;
    return result(evaluateNamePath(v === undefined ? [] : Array.isArray(v) ? v : [v], keys, 0));
  };
}

/** `$` is the input (an array input included), `$$` the root input (the same here), `$name` a binding. */
function variableValue(name: string): FastFn {
  return name === '' || name === '$' ? (input) => input : (_input, b) => b[name];
}

const COMPARE: Record<string, (a: number | string, b: number | string) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
const ARITH: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

function compileBinary(op: string, l: FastFn, r: FastFn): FastFn | undefined {
  switch (op) {
    case '=':
    case '!=':
      return (i, b) => {
        const x = l(i, b);
        const y = r(i, b);
        if (x === BAIL || y === BAIL || !(x === undefined || isPrimitive(x)) || !(y === undefined || isPrimitive(y))) return BAIL;
        if (x === undefined || y === undefined) return false;
        return op === '=' ? x === y : x !== y;
      };
    case 'and':
    case 'or':
      return (i, b) => {
        const x = toBool(l(i, b));
        if (x === BAIL) return BAIL;
        if (op === 'and' ? !x : x) return x;
        return toBool(r(i, b));
      };
    case '&':
      return (i, b) => {
        const x = l(i, b);
        const y = r(i, b);
        if (x === BAIL || y === BAIL) return BAIL;
        const xs = toStr(x);
        const ys = toStr(y);
        return xs === BAIL || ys === BAIL ? BAIL : xs + ys;
      };
    case 'in':
      return (i, b) => {
        const x = l(i, b);
        const list = r(i, b);
        if (x === BAIL || list === BAIL) return BAIL;
        if (x === undefined) return false;
        if (!isPrimitive(x)) return BAIL;
        const items = Array.isArray(list) ? list : [list];
        return items.some((item) => item === x);
      };
    default: {
      const cmp = COMPARE[op];
      if (cmp) {
        return (i, b) => {
          const x = l(i, b);
          const y = r(i, b);
          if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')) return cmp(x, y);
          return BAIL;
        };
      }
      const arith = ARITH[op];
      if (arith) {
        return (i, b) => {
          const x = l(i, b);
          const y = r(i, b);
          if (typeof x !== 'number' || typeof y !== 'number') return BAIL;
          const z = arith(x, y);
          return Number.isFinite(z) ? z : BAIL;
        };
      }
      return undefined;
    }
  }
}

/** Returns a closure for the node, or undefined when the node is outside the fast subset. */
export function compileFast(node: Node | jsonata.ExprNode): FastFn | undefined {
  return compileNode(node as Node);
}

function compileNode(node: Node): FastFn | undefined {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const v = node.value as unknown;
      return () => v;
    }
    case 'path':
      return compilePath(node);
    case 'variable': {
      if ((node as Node).stages || (node as Node).predicate) return undefined;
      const get = variableValue(String(node.value));
      return (i, b) => {
        const val = get(i, b);
        return Array.isArray(val) ? val.slice() : typeof val === 'function' ? BAIL : val;
      };
    }
    case 'binary': {
      const l = compileFast(node.lhs as Node);
      const r = compileFast(node.rhs as Node);
      return l && r ? compileBinary(String(node.value), l, r) : undefined;
    }
    case 'unary': {
      if (node.value === '-') {
        const e = node.expression && compileFast(node.expression);
        return e && ((i, b) => {
          const v = e(i, b);
          return v === undefined ? undefined : typeof v === 'number' ? -v : BAIL;
        });
      }
      if (node.value === '[') {
        const items = (node.expressions ?? []).map((e) => compileFast(e as Node));
        if (items.some((f) => !f)) return undefined;
        const fns = items as FastFn[];
        return (i, b) => {
          const out: unknown[] = [];
          for (const f of fns) {
            const v = f(i, b);
            if (v === BAIL || !isPrimitive(v)) return BAIL;
            out.push(v);
          }
          return out;
        };
      }
      return undefined;
    }
    case 'condition': {
      const c = compileFast(node.condition as Node);
      const t = compileFast(node.then as Node);
      const e = node.else ? compileFast(node.else) : () => undefined;
      if (!c || !t || !e) return undefined;
      return (i, b) => {
        const cond = toBool(c(i, b));
        if (cond === BAIL) return BAIL;
        return cond ? t(i, b) : e(i, b);
      };
    }
    case 'function': {
      const proc = node.procedure as Node | undefined;
      if (proc?.type !== 'variable') return undefined;
      const name = String(proc.value);
      const ext = EXTENSION_FUNCTIONS[name] as ((...a: unknown[]) => unknown) | undefined;
      const fn = FUNCTIONS[name] ?? ext;
      if (!fn) return undefined;
      const args = (node.arguments ?? []).map((a) => compileFast(a as Node));
      if (args.some((a) => !a) || args.length === 0) return undefined;
      const argFns = args as FastFn[];
      const takesArrays = name === 'exists';
      return (i, b) => {
        const values: unknown[] = [];
        for (const f of argFns) {
          const v = f(i, b);
          if (v === BAIL || (Array.isArray(v) && !takesArrays)) return BAIL;
          values.push(v);
        }
        const out = fn(...values);
        return Array.isArray(out) ? BAIL : out;
      };
    }
    default:
      return undefined;
  }
}
