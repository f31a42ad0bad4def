/**
 * `{{ expression }}` templates for references, paths, queries, headers and bodies. A template that is exactly
 * one placeholder yields the expression's value with its type (a number stays a number, an object an object);
 * otherwise the parts are joined as text. In paths every placeholder value is URL-encoded as one segment.
 */
import { compileExpression, type Bindings, type Expression, type ExpressionError } from './expression.ts';
import { all, andThen, type MaybePromise } from './maybe.ts';
import { err, ok, type Result } from './result.ts';

export type TemplateMode = 'value' | 'path';

export interface Template {
  readonly source: string;
  /** The expressions inside, in order (used to build reverse matchers for references). */
  readonly parts: readonly (string | Expression)[];
  evaluate(input: unknown, bindings?: Bindings): MaybePromise<unknown>;
  /** The top-level input fields its expressions may read (see {@link Expression.inputFields}). */
  inputFields(aliases: readonly string[]): ReadonlySet<string> | undefined;
}

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function compileTemplate(source: string, mode: TemplateMode = 'value'): Result<Template, ExpressionError> {
  const parts: (string | Expression)[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(source.slice(last, at));
    const inner = m[1] ?? '';
    const compiled = compileExpression(inner.trim() === '' ? '""' : inner);
    if (!compiled.ok) return err({ ...compiled.error, offset: at + 2 + compiled.error.offset });
    parts.push(compiled.value);
    last = at + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  const unclosed = source.indexOf('{{', last);
  if (unclosed >= 0) return err({ message: 'unclosed {{ placeholder', offset: unclosed });
  const inputFields = (aliases: readonly string[]): ReadonlySet<string> | undefined => {
    const fields = new Set<string>();
    for (const p of parts) {
      if (typeof p === 'string') continue;
      const read = p.inputFields(aliases);
      if (read === undefined) return undefined;
      for (const f of read) fields.add(f);
    }
    return fields;
  };
  const only = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;
  if (only && mode === 'value') return ok({ source, parts, inputFields, evaluate: (input, b) => only.evaluate(input, b) });
  if (parts.every((p) => typeof p === 'string')) {
    const text = parts.join('');
    return ok({ source, parts, inputFields, evaluate: () => text });
  }
  const encode = mode === 'path' ? (v: unknown) => (v === undefined || v === '' ? undefined : encodeURIComponent(asText(v))) : asText;
  return ok({
    source,
    parts,
    inputFields,
    evaluate: (input, b) => andThen(all(parts.map((p) => (typeof p === 'string' ? p : p.evaluate(input, b)))), (values) => {
      let out = '';
      for (let i = 0; i < values.length; i++) {
        if (typeof parts[i] === 'string') {
          out += values[i] as string;
          continue;
        }
        const piece = encode(values[i]);
        if (piece === undefined) return undefined;
        out += piece;
      }
      return out;
    }),
  });
}
