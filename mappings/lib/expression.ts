/**
 * Expressions are JSONata, compiled once at load. Where the expression lies in the fast subset (see
 * fast-path.ts) it runs as a plain closure; otherwise, or when the closure meets a value outside its subset,
 * JSONata evaluates it (asynchronously, as JSONata 2 always does).
 */
import jsonata from 'jsonata';
import { BAIL, compileFast, type FastFn } from './fast-path.ts';
import { inputFieldsOf } from './expression-fields.ts';
import { EXTENSION_FUNCTIONS } from './functions.ts';
import type { MaybePromise } from './maybe.ts';
import { err, ok, type Result } from './result.ts';

export type Bindings = Readonly<Record<string, unknown>>;

export interface Expression {
  readonly source: string;
  /** True when a direct closure exists for this expression (JSONata runs only if it bails). */
  readonly fast: boolean;
  evaluate(input: unknown, bindings?: Bindings): MaybePromise<unknown>;
  /**
   * The top-level fields of the input it may read, where the variables `aliases` also name the input;
   * undefined when that cannot be told (see expression-fields.ts).
   */
  inputFields(aliases: readonly string[]): ReadonlySet<string> | undefined;
}

export interface ExpressionError {
  readonly message: string;
  /** 0-based character offset inside the expression where the problem was found. */
  readonly offset: number;
  readonly code?: string | undefined;
}

const NO_BINDINGS: Bindings = Object.freeze({});
const NO_FIELDS: ReadonlySet<string> = new Set();

/** JSONata marks sequences with extra properties; results leaving the evaluator are made plain JSON values. */
export function plain(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = plain(v);
  return out;
}

export function compileExpression(source: string): Result<Expression, ExpressionError> {
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source);
  } catch (e) {
    const je = e as Partial<jsonata.JsonataError>;
    const offset = typeof je.position === 'number' ? Math.max(0, Math.min(source.length, je.position - 1)) : 0;
    return err({ message: je.message ?? String(e), offset, code: je.code });
  }
  for (const [name, fn] of Object.entries(EXTENSION_FUNCTIONS)) compiled.registerFunction(name, fn as (...a: unknown[]) => unknown);
  const slow = async (input: unknown, bindings: Bindings): Promise<unknown> => plain(await compiled.evaluate(input, bindings));
  const fast: FastFn | undefined = compileFast(compiled.ast());
  const evaluate = fast
    ? (input: unknown, bindings: Bindings = NO_BINDINGS): MaybePromise<unknown> => {
        const v = fast(input, bindings);
        return v === BAIL ? slow(input, bindings) : v;
      }
    : (input: unknown, bindings: Bindings = NO_BINDINGS): MaybePromise<unknown> => slow(input, bindings);
  const ast = compiled.ast();
  return ok({ source, fast: fast !== undefined, evaluate, inputFields: (aliases) => inputFieldsOf(ast, aliases) });
}

/** A constant, for defaults where no expression was written. */
export function constantExpression(value: unknown): Expression {
  return { source: JSON.stringify(value) ?? 'undefined', fast: true, evaluate: () => value, inputFields: () => NO_FIELDS };
}
