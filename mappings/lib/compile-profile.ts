/** Turns a validated VendorProfile document into compiled expressions and templates. */
import { TARGET_KINDS, type CanonicalEventType, type TargetKind } from './canonical-event.ts';
import type { CompileContext } from './compile-context.ts';
import type { Expression } from './expression.ts';
import { OUTBOUND_ACTIONS, type OutboundAction, type RequestDoc, type VendorProfileDoc } from './profile-schema.ts';
import type { Template } from './template.ts';
import type { YamlPath } from './yaml-source.ts';

export interface CompiledEmit {
  readonly type: CanonicalEventType;
  readonly occurredAt: Expression;
  readonly principal?: Expression | undefined;
  readonly target?: { readonly kind: TargetKind | Expression; readonly ref: Expression } | undefined;
  readonly externalId?: Expression | undefined;
  readonly durationMinutes?: Expression | undefined;
  readonly attributes: readonly (readonly [string, Expression])[];
}

export interface CompiledRule {
  readonly name: string;
  /** `file:line` of the rule, for traces. */
  readonly where: string;
  readonly when: Expression;
  readonly emit: readonly CompiledEmit[];
}

export type CompiledDedupe =
  | { readonly kind: 'header'; readonly header: string }
  | { readonly kind: 'id'; readonly expr: Expression }
  | { readonly kind: 'hash'; readonly exprs: readonly Expression[] };

export interface CompiledRequest {
  readonly doc: RequestDoc;
  readonly when?: Expression | undefined;
  readonly path: Template;
  readonly query: readonly (readonly [string, Template])[];
  readonly headers: readonly (readonly [string, Template])[];
  readonly json?: Template | undefined;
  readonly form?: readonly (readonly [string, Template])[] | undefined;
  readonly alreadyDone: readonly { readonly status: number; readonly when?: Expression | undefined }[];
  readonly extract: readonly (readonly [string, Expression])[];
  readonly paging?: {
    readonly items: Expression;
    readonly next?: Expression | undefined;
    readonly item: { readonly principal: Expression; readonly kind: TargetKind; readonly ref: Expression; readonly permissions?: Expression | undefined; readonly externalId?: Expression | undefined };
  } | undefined;
}

export interface CompiledProfile {
  readonly name: string;
  readonly file: string;
  readonly doc: VendorProfileDoc;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly inbound?: {
    readonly dedupe: CompiledDedupe;
    readonly forEach?: Expression | undefined;
    readonly rules: readonly CompiledRule[];
    readonly poll?: { readonly request: CompiledRequest; readonly items: Expression; readonly cursor: Expression } | undefined;
  } | undefined;
  readonly outbound?: { readonly actions: Partial<Record<OutboundAction, readonly CompiledRequest[]>> } | undefined;
}

const opt = (ctx: CompileContext, path: YamlPath, source: string | undefined): Expression | undefined =>
  source === undefined ? undefined : ctx.expr(path, source);

function compileRequest(ctx: CompileContext, path: YamlPath, doc: RequestDoc): CompiledRequest {
  if (doc.json !== undefined && doc.form !== undefined) ctx.error(path, 'a request has either a json or a form body, not both');
  const rec = (key: 'query' | 'headers' | 'form') =>
    Object.entries(doc[key] ?? {}).map(([k, v]) => [k, ctx.template([...path, key, k], v)] as const);
  const p = doc.paging;
  return {
    doc,
    when: opt(ctx, [...path, 'when'], doc.when),
    path: ctx.template([...path, 'path'], doc.path, 'path'),
    query: rec('query'),
    headers: rec('headers'),
    json: doc.json === undefined ? undefined : ctx.value([...path, 'json'], doc.json),
    form: doc.form === undefined ? undefined : rec('form'),
    alreadyDone: (doc.alreadyDone ?? []).map((a, i) => ({ status: a.status, when: opt(ctx, [...path, 'alreadyDone', i, 'when'], a.when) })),
    extract: Object.entries(doc.extract ?? {}).map(([k, v]) => [k, ctx.expr([...path, 'extract', k], v)] as const),
    paging: p && {
      items: ctx.expr([...path, 'paging', 'items'], p.items),
      next: opt(ctx, [...path, 'paging', 'next'], p.next),
      item: {
        principal: ctx.expr([...path, 'paging', 'item', 'principal'], p.item.principal),
        kind: p.item.kind,
        ref: ctx.expr([...path, 'paging', 'item', 'ref'], p.item.ref),
        permissions: opt(ctx, [...path, 'paging', 'item', 'permissions'], p.item.permissions),
        externalId: opt(ctx, [...path, 'paging', 'item', 'externalId'], p.item.externalId),
      },
    },
  };
}

export function compileProfile(ctx: CompileContext, doc: VendorProfileDoc): CompiledProfile {
  const inbound = doc.inbound;
  const d = inbound?.dedupe;
  const dedupe: CompiledDedupe | undefined = !d ? undefined
    : 'header' in d ? { kind: 'header', header: d.header.toLowerCase() }
    : 'id' in d ? { kind: 'id', expr: ctx.expr(['inbound', 'dedupe', 'id'], d.id) }
    : { kind: 'hash', exprs: d.hash.map((h, i) => ctx.expr(['inbound', 'dedupe', 'hash', i], h)) };
  const seen = new Set<string>();
  const rules = (inbound?.rules ?? []).map((r, i): CompiledRule => {
    const at = ['inbound', 'rules', i] as const;
    if (seen.has(r.name)) ctx.error([...at, 'name'], `duplicate rule name "${r.name}"`);
    seen.add(r.name);
    return {
      name: r.name,
      where: ctx.where(at),
      when: ctx.expr([...at, 'when'], r.when),
      emit: r.emit.map((e, j) => {
        const ep = [...at, 'emit', j];
        return {
          type: e.type,
          occurredAt: ctx.expr([...ep, 'occurredAt'], e.occurredAt),
          principal: opt(ctx, [...ep, 'principal'], e.principal),
          target: e.target && {
            kind: (TARGET_KINDS as readonly string[]).includes(e.target.kind) ? e.target.kind as TargetKind : ctx.expr([...ep, 'target', 'kind'], e.target.kind),
            ref: ctx.expr([...ep, 'target', 'ref'], e.target.ref),
          },
          externalId: opt(ctx, [...ep, 'externalId'], e.externalId),
          durationMinutes: opt(ctx, [...ep, 'durationMinutes'], e.durationMinutes),
          attributes: Object.entries(e.attributes ?? {}).map(([k, v]) => [k, ctx.expr([...ep, 'attributes', k], v)] as const),
        };
      }),
    };
  });
  const poll = inbound?.poll;
  const actions: Partial<Record<OutboundAction, readonly CompiledRequest[]>> = {};
  for (const action of OUTBOUND_ACTIONS) {
    const req = doc.outbound?.actions[action];
    if (!req) continue;
    const at = ['outbound', 'actions', action];
    actions[action] = Array.isArray(req) ? req.map((r, i) => compileRequest(ctx, [...at, i], r)) : [compileRequest(ctx, at, req)];
  }
  for (const [i, r] of (actions['list-inventory'] ?? []).entries()) {
    if (!r.paging) ctx.error(['outbound', 'actions', 'list-inventory', ...(Array.isArray(doc.outbound?.actions['list-inventory']) ? [i] : [])], 'list-inventory needs a paging section (items, next, item)');
  }
  return {
    name: doc.name,
    file: ctx.src.file,
    doc,
    params: doc.params ?? {},
    inbound: inbound && dedupe && {
      dedupe,
      forEach: opt(ctx, ['inbound', 'forEach'], inbound.forEach),
      rules,
      poll: poll && {
        request: compileRequest(ctx, ['inbound', 'poll'], { method: poll.method, path: poll.path, query: poll.query }),
        items: ctx.expr(['inbound', 'poll', 'items'], poll.items),
        cursor: ctx.expr(['inbound', 'poll', 'cursor'], poll.cursor),
      },
    },
    outbound: doc.outbound && { actions },
  };
}
