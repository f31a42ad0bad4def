/** Compiles the expressions and templates of one YAML file, collecting errors with their positions. */
import { compileExpression, type Expression } from './expression.ts';
import { compileTemplate, type Template, type TemplateMode } from './template.ts';
import { errorAt, type LoadError, type YamlPath, type YamlSource } from './yaml-source.ts';
import { all, andThen, type MaybePromise } from './maybe.ts';
import type { Bindings } from './expression.ts';

export interface CompileContext {
  readonly src: YamlSource;
  readonly errors: LoadError[];
  expr(path: YamlPath, source: string): Expression;
  template(path: YamlPath, source: string, mode?: TemplateMode): Template;
  /** A JSON template: every string inside is a template, objects and arrays keep their shape. */
  value(path: YamlPath, value: unknown): Template;
  error(path: YamlPath, message: string): void;
  /** file:line of a path, for traces. */
  where(path: YamlPath): string;
}

const NO_FIELDS: ReadonlySet<string> = new Set();
const BROKEN: Expression = { source: '', fast: true, evaluate: () => undefined, inputFields: () => NO_FIELDS };
const BROKEN_TEMPLATE: Template = { source: '', parts: [], evaluate: () => undefined, inputFields: () => NO_FIELDS };

/** The fields templates nested in a structured value read (undefined when one of them cannot tell). */
function unionFields(templates: readonly Template[], aliases: readonly string[]): ReadonlySet<string> | undefined {
  const fields = new Set<string>();
  for (const t of templates) {
    const read = t.inputFields(aliases);
    if (read === undefined) return undefined;
    for (const f of read) fields.add(f);
  }
  return fields;
}

export function createCompileContext(src: YamlSource): CompileContext {
  const errors: LoadError[] = [];
  const ctx: CompileContext = {
    src,
    errors,
    expr(path, source) {
      const r = compileExpression(source);
      if (r.ok) return r.value;
      errors.push(errorAt(src, path, `invalid expression: ${r.error.message} (at character ${r.error.offset + 1} of "${source}")`, r.error.offset));
      return BROKEN;
    },
    template(path, source, mode = 'value') {
      const r = compileTemplate(source, mode);
      if (r.ok) return r.value;
      errors.push(errorAt(src, path, `invalid template: ${r.error.message} (at character ${r.error.offset + 1} of "${source}")`, r.error.offset));
      return BROKEN_TEMPLATE;
    },
    value(path, value) {
      if (typeof value === 'string') return ctx.template(path, value, 'value');
      if (Array.isArray(value)) {
        const items = value.map((v, i) => ctx.value([...path, i], v));
        return {
          source: JSON.stringify(value), parts: [], inputFields: (aliases) => unionFields(items, aliases),
          evaluate: (input: unknown, b?: Bindings) => all(items.map((t) => t.evaluate(input, b))),
        };
      }
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value).map(([k, v]) => [k, ctx.value([...path, k], v)] as const);
        return {
          source: JSON.stringify(value),
          parts: [],
          inputFields: (aliases) => unionFields(entries.map(([, t]) => t), aliases),
          evaluate: (input: unknown, b?: Bindings): MaybePromise<unknown> => andThen(all(entries.map(([, t]) => t.evaluate(input, b))), (vals) => {
            const out: Record<string, unknown> = {};
            vals.forEach((v, i) => {
              if (v !== undefined) out[entries[i]![0]] = v;
            });
            return out;
          }),
        };
      }
      return { source: JSON.stringify(value), parts: [], evaluate: () => value, inputFields: () => NO_FIELDS };
    },
    error(path, message) {
      errors.push(errorAt(src, path, message));
    },
    where(path) {
      const e = errorAt(src, path, '');
      return `${e.file}:${e.line}`;
    },
  };
  return ctx;
}
