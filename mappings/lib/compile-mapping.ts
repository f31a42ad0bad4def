/** Turns a validated EntitlementMapping document into matchers, templates and access constraints. */
import type { TargetKind } from './canonical-event.ts';
import type { CompileContext } from './compile-context.ts';
import { compileExpression, type Expression } from './expression.ts';
import type { EntitlementMappingDoc } from './mapping-schema.ts';
import type { Template } from './template.ts';

export interface AccessConstraints {
  readonly mode: 'standing' | 'jit';
  readonly maxMinutes?: number | undefined;
  readonly requireOwner: boolean;
  readonly requireReviewWithinDays?: number | undefined;
  readonly breakGlass: 'deny' | 'allow-with-review';
}

export interface CompiledTarget {
  readonly connector: string;
  readonly kind: TargetKind;
  readonly ref: Template;
  readonly permissions: readonly string[];
  readonly when?: Expression | undefined;
  /** Matches references this target can produce; named groups recover captures (for the JIT gate). */
  readonly reverse: RegExp;
}

export interface CompiledMapping {
  readonly name: string;
  readonly file: string;
  readonly where: string;
  readonly doc: EntitlementMappingDoc;
  readonly connector: string;
  readonly nameMatch?: ((name: string) => Record<string, string> | undefined) | undefined;
  readonly attributes: readonly (readonly [readonly string[], string | number | boolean])[];
  readonly whereExpr?: Expression | undefined;
  readonly targets: readonly CompiledTarget[];
  readonly access: AccessConstraints;
  readonly correlation: { readonly principal: Expression; readonly identity: Expression; readonly caseInsensitive: boolean; readonly pamPrincipal: Template };
  readonly drift: EntitlementMappingDoc['drift'];
  readonly conflict: EntitlementMappingDoc['conflict'];
  readonly nhi?: EntitlementMappingDoc['nhi'];
}

const UNIT_MINUTES = { m: 1, h: 60, d: 1440 } as const;

export function durationMinutes(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_MINUTES;
  return Number(text.slice(0, -1)) * UNIT_MINUTES[unit];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function reverseMatcher(ref: Template): RegExp {
  const named = new Set<string>();
  const pattern = ref.parts.map((p) => {
    if (typeof p === 'string') return escape(p);
    const capture = /^\s*\$captures\.([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(p.source)?.[1];
    if (!capture) return '(?:.+?)';
    if (named.has(capture)) return `\\k<${capture}>`;
    named.add(capture);
    return `(?<${capture}>.+?)`;
  }).join('');
  return new RegExp(`^${pattern}$`);
}

function nameMatcher(ctx: CompileContext, doc: EntitlementMappingDoc): CompiledMapping['nameMatch'] {
  const m = doc.match.name;
  if (!m) return undefined;
  if ('equals' in m) return (name) => (name === m.equals ? {} : undefined);
  if ('prefix' in m) return (name) => (name.startsWith(m.prefix) ? {} : undefined);
  let re: RegExp;
  try {
    re = new RegExp(m.regex, 'u');
  } catch (e) {
    ctx.error(['match', 'name', 'regex'], `invalid regex: ${(e as Error).message}`);
    return () => undefined;
  }
  return (name) => {
    const found = re.exec(name);
    if (!found) return undefined;
    const captures: Record<string, string> = {};
    for (const [k, v] of Object.entries(found.groups ?? {})) if (v !== undefined) captures[k] = v;
    return captures;
  };
}

function builtIn(source: string): Expression {
  const r = compileExpression(source);
  if (!r.ok) throw new Error(`built-in expression ${source}: ${r.error.message}`);
  return r.value;
}

const DEFAULT_PRINCIPAL = builtIn('$');
const DEFAULT_IDENTITY = builtIn('userName');

export function compileMapping(ctx: CompileContext, doc: EntitlementMappingDoc): CompiledMapping {
  const c = doc.correlation ?? {};
  return {
    name: doc.name,
    file: ctx.src.file,
    where: ctx.where(['name']),
    doc,
    connector: doc.match.connector,
    nameMatch: nameMatcher(ctx, doc),
    attributes: Object.entries(doc.match.attributes ?? {}).map(([k, v]) => [k.split('.'), v] as const),
    whereExpr: doc.match.where === undefined ? undefined : ctx.expr(['match', 'where'], doc.match.where),
    targets: doc.targets.map((t, i) => {
      const ref = ctx.template(['targets', i, 'ref'], t.ref);
      return {
        connector: t.connector,
        kind: t.kind,
        ref,
        permissions: t.permissions ?? [],
        when: t.when === undefined ? undefined : ctx.expr(['targets', i, 'when'], t.when),
        reverse: reverseMatcher(ref),
      };
    }),
    access: {
      mode: doc.access.mode,
      maxMinutes: doc.access.maxDuration ? durationMinutes(doc.access.maxDuration) : undefined,
      requireOwner: doc.access.requireOwner ?? true,
      requireReviewWithinDays: doc.access.requireReviewWithinDays,
      breakGlass: doc.access.breakGlass ?? 'deny',
    },
    correlation: {
      principal: c.principal ? ctx.expr(['correlation', 'principal'], c.principal) : DEFAULT_PRINCIPAL,
      identity: c.identity ? ctx.expr(['correlation', 'identity'], c.identity) : DEFAULT_IDENTITY,
      caseInsensitive: c.caseInsensitive ?? false,
      pamPrincipal: ctx.template(['correlation', 'pamPrincipal'], c.pamPrincipal ?? '{{ userName }}'),
    },
    drift: doc.drift,
    conflict: doc.conflict,
    nhi: doc.nhi,
  };
}
