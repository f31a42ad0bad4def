/**
 * Normalises one delivery through a compiled profile into canonical events. Never throws and never drops
 * silently: malformed bodies, missing ids, unmatched events and rules whose output is not a valid event all
 * come back as `unrecognised` with reasons. The building blocks are exported for the dry-run tracer.
 */
import { TARGET_KINDS, type CanonicalEvent, type InboundInput, type NormaliseResult, type TargetKind } from './canonical-event.ts';
import type { CompiledEmit, CompiledProfile, CompiledRule } from './compile-profile.ts';
import type { Bindings } from './expression.ts';
import { iso } from './functions.ts';
import { parseInboundBody } from './inbound-body.ts';
import { all, andThen, type MaybePromise } from './maybe.ts';
import { err, ok, type Result } from './result.ts';
import { sha256Hex } from './sha256.ts';

export interface ParsedDelivery {
  readonly body: unknown;
  readonly bindings: Bindings;
}

export function lowerHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

export function parseDelivery(profile: CompiledProfile, input: InboundInput): Result<ParsedDelivery, string> {
  const format = profile.doc.inbound?.format;
  if (!format || !profile.inbound) return err(`profile "${profile.name}" has no inbound section`);
  const parsed = parseInboundBody(format, input.body);
  if (!parsed.ok) return parsed;
  const headers = lowerHeaders(input.headers);
  return ok({ body: parsed.value, bindings: { root: parsed.value, headers, connector: input.connectorId, params: profile.params, receivedAt: input.receivedAt } });
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v)).slice(0, 80);

export function dedupeKeyOf(profile: CompiledProfile, d: ParsedDelivery): MaybePromise<Result<string, string>> {
  const dedupe = profile.inbound!.dedupe;
  if (dedupe.kind === 'header') {
    const v = (d.bindings.headers as Record<string, string>)[dedupe.header];
    return v ? ok(v) : err(`no event id: header ${dedupe.header} is missing`);
  }
  if (dedupe.kind === 'id') {
    return andThen(dedupe.expr.evaluate(d.body, d.bindings), (v) =>
      typeof v === 'string' && v !== '' ? ok(v) : typeof v === 'number' ? ok(String(v)) : err(`no event id: ${dedupe.expr.source} gave ${show(v)}`));
  }
  return andThen(all(dedupe.exprs.map((e) => e.evaluate(d.body, d.bindings))), (values) =>
    values.every((v) => v === undefined) ? err('no event id: every hashed field is missing') : ok(`sha256:${sha256Hex(JSON.stringify(values))}`));
}

export function itemsOf(profile: CompiledProfile, d: ParsedDelivery): MaybePromise<Result<readonly unknown[], string>> {
  const each = profile.inbound!.forEach;
  if (!each) return ok([d.body]);
  return andThen(each.evaluate(d.body, d.bindings), (v) =>
    v === undefined ? err(`forEach ${each.source} gave no items`) : ok(Array.isArray(v) ? v : [v]));
}

const truthy = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== '' && v !== 0;

/** The first rule whose `when` holds for the item, or undefined. */
export function firstMatchingRule(rules: readonly CompiledRule[], item: unknown, b: Bindings, from = 0): MaybePromise<CompiledRule | undefined> {
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i]!;
    const v = rule.when.evaluate(item, b);
    if (v instanceof Promise) return v.then((x) => (truthy(x) ? rule : firstMatchingRule(rules, item, b, i + 1)));
    if (truthy(v)) return rule;
  }
  return undefined;
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function buildEvent(emit: CompiledEmit, item: unknown, b: Bindings, connectorId: string): MaybePromise<Result<CanonicalEvent, string>> {
  const kind = emit.target?.kind;
  const kindExpr = typeof kind === 'object' ? kind : undefined;
  const exprs = [emit.occurredAt, emit.principal, emit.target?.ref, emit.externalId, emit.durationMinutes, kindExpr, ...emit.attributes.map(([, e]) => e)];
  return andThen(all(exprs.map((e) => e?.evaluate(item, b))), (values): Result<CanonicalEvent, string> => {
    const [at, principal, ref, externalId, duration, kindValue] = values;
    const occurredAt = iso(at);
    if (occurredAt === undefined) return err(`${emit.type}: occurredAt: expected a date, got ${show(at)}`);
    const event: { -readonly [K in keyof CanonicalEvent]: CanonicalEvent[K] } = { connectorId, type: emit.type, occurredAt, attributes: {} };
    if (emit.principal) {
      const p = asString(principal);
      if (!p) return err(`${emit.type}: principal: expected a name, got ${show(principal)}`);
      event.principal = p;
    }
    if (emit.target) {
      const r = asString(ref);
      if (!r) return err(`${emit.type}: target.ref: expected a reference, got ${show(ref)}`);
      const k = kindExpr ? kindValue : kind;
      if (!(TARGET_KINDS as readonly unknown[]).includes(k)) return err(`${emit.type}: target.kind: expected one of ${TARGET_KINDS.join(', ')}, got ${show(k)}`);
      event.target = { kind: k as TargetKind, ref: r };
    }
    const ext = asString(externalId);
    if (ext) event.externalId = ext;
    if (duration !== undefined) {
      const n = typeof duration === 'string' ? Number(duration) : duration;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return err(`${emit.type}: durationMinutes: expected minutes, got ${show(duration)}`);
      event.durationMinutes = n;
    }
    for (let i = 0; i < emit.attributes.length; i++) {
      const v = values[6 + i];
      if (v !== undefined) event.attributes[emit.attributes[i]![0]] = v;
    }
    return ok(event);
  });
}

interface ItemOutcome { readonly rule?: string; readonly events: readonly CanonicalEvent[]; readonly reason?: string }

function normaliseItem(profile: CompiledProfile, item: unknown, b: Bindings, connectorId: string, index: number): MaybePromise<ItemOutcome> {
  return andThen(firstMatchingRule(profile.inbound!.rules, item, b), (rule): MaybePromise<ItemOutcome> => {
    const label = (text: string) => (index >= 0 ? `item ${index}: ${text}` : text);
    if (!rule) return { events: [], reason: label(`no rule of profile "${profile.name}" matched`) };
    return andThen(all(rule.emit.map((e) => buildEvent(e, item, b, connectorId))), (built) => {
      const bad = built.find((r) => !r.ok);
      if (bad && !bad.ok) return { rule: rule.name, events: [], reason: label(`rule "${rule.name}" gave an invalid event: ${bad.error}`) };
      return { rule: rule.name, events: built.map((r) => (r as { value: CanonicalEvent }).value) };
    });
  });
}

const unrecognised = (reason: string, dedupeKey?: string): NormaliseResult =>
  ({ status: 'unrecognised', ...(dedupeKey ? { dedupeKey } : {}), events: [], rules: [], reasons: [reason] });

function normaliseMaybe(profile: CompiledProfile, input: InboundInput): MaybePromise<NormaliseResult> {
  const parsed = parseDelivery(profile, input);
  if (!parsed.ok) return unrecognised(parsed.error);
  const d = parsed.value;
  return andThen(dedupeKeyOf(profile, d), (key) => {
    if (!key.ok) return unrecognised(key.error);
    return andThen(itemsOf(profile, d), (items) => {
      if (!items.ok) return unrecognised(items.error, key.value);
      const many = profile.inbound!.forEach !== undefined;
      return andThen(all(items.value.map((item, i) => normaliseItem(profile, item, d.bindings, input.connectorId, many ? i : -1))), (outcomes): NormaliseResult => {
        const events = outcomes.flatMap((o) => o.events);
        const rules = outcomes.flatMap((o) => (o.rule && !o.reason ? [o.rule] : []));
        const reasons = outcomes.flatMap((o) => (o.reason ? [o.reason] : []));
        const status = events.length > 0 ? 'recognised' : rules.length > 0 && reasons.length === 0 ? 'ignored' : 'unrecognised';
        return { status, dedupeKey: key.value, events, rules, reasons: status === 'unrecognised' && reasons.length === 0 ? ['no items'] : reasons };
      });
    });
  });
}

/** Normalises one delivery. Resolves to a result in every case; evaluation errors become `unrecognised`. */
export async function normalise(profile: CompiledProfile, input: InboundInput): Promise<NormaliseResult> {
  try {
    return await normaliseMaybe(profile, input);
  } catch (e) {
    return unrecognised(`evaluation failed: ${(e as Error).message}`);
  }
}
