/**
 * Dry-run tracer: the step-by-step account of what Lockstep would do with one input — which rule matched or
 * why not, the values extracted, the canonical events, the mappings and access constraints that apply, and the
 * outbound requests it would plan. No side effects; the CLI, admin API and console all call this.
 */
import type { CanonicalEvent } from './canonical-event.ts';
import type { CompiledMapping } from './compile-mapping.ts';
import type { CompiledProfile, CompiledRule } from './compile-profile.ts';
import { correlatePrincipal } from './correlation.ts';
import type { EntitlementInput, IdentityInput } from './entitlement-input.ts';
import type { Bindings } from './expression.ts';
import { inboundOf } from './golden-run.ts';
import type { ConnectorBindings, MappingSet } from './mapping-set.ts';
import { buildEvent, dedupeKeyOf, itemsOf, parseDelivery } from './normalise.ts';
import { planRequest } from './outbound-plan.ts';
import { findMappingsForTarget, matchMapping, resolveTargets } from './resolve.ts';
import type { TraceInput } from './trace-input.ts';

export interface TraceStep {
  readonly step: 'parse' | 'dedupe' | 'items' | 'rule' | 'extract' | 'event' | 'mapping' | 'constraints' | 'correlation' | 'request' | 'note';
  readonly outcome: 'ok' | 'matched' | 'not-matched' | 'failed' | 'info';
  readonly detail: string;
  readonly where?: string | undefined;
  readonly data?: unknown;
}

export interface Trace {
  readonly steps: readonly TraceStep[];
  readonly events: readonly CanonicalEvent[];
  readonly requests: readonly { readonly connector: string; readonly action: string; readonly request: unknown }[];
}

const NOTIFY_IGA = new Set(['grant.removed', 'account.disabled', 'credential.compromised']);

function constraintsStep(mapping: CompiledMapping, entitlement: EntitlementInput | undefined, requestedMinutes: number | undefined, now: number): TraceStep {
  const a = mapping.access;
  const notes: string[] = [`mode ${a.mode}`];
  if (a.maxMinutes !== undefined) {
    notes.push(requestedMinutes === undefined ? `at most ${a.maxMinutes} min` : `${requestedMinutes} min requested, at most ${a.maxMinutes} (${requestedMinutes <= a.maxMinutes ? 'within' : 'exceeds'})`);
  }
  const gov = entitlement?.governance ?? {};
  if (a.requireOwner) notes.push(entitlement ? `owner required: ${gov.owner ? `present (${String(gov.owner)})` : 'MISSING'}` : 'owner required');
  if (a.requireReviewWithinDays !== undefined) {
    const last = typeof gov.lastCertifiedAt === 'string' ? Date.parse(gov.lastCertifiedAt) : NaN;
    const age = Number.isNaN(last) ? undefined : Math.floor((now - last) / 86_400_000);
    notes.push(`review within ${a.requireReviewWithinDays} days${!entitlement ? '' : age === undefined ? ': never certified' : `: last certified ${age} days ago (${age <= a.requireReviewWithinDays ? 'ok' : 'OVERDUE'})`}`);
  }
  notes.push(`break-glass ${a.breakGlass}`, `drift ${mapping.drift}`, `conflict ${mapping.conflict}`);
  if (mapping.nhi) notes.push(`NHI: owner ${mapping.nhi.ownerRequired ? 'required' : 'optional'}${mapping.nhi.maxSecretAgeDays ? `, secrets at most ${mapping.nhi.maxSecretAgeDays} days old` : ''}`);
  return { step: 'constraints', outcome: 'info', detail: notes.join('; '), where: mapping.where, data: { access: a, drift: mapping.drift, conflict: mapping.conflict, nhi: mapping.nhi } };
}

async function traceRule(rule: CompiledRule, item: unknown, b: Bindings, steps: TraceStep[]): Promise<boolean> {
  let value: unknown;
  try {
    value = await rule.when.evaluate(item, b);
  } catch (e) {
    steps.push({ step: 'rule', outcome: 'failed', detail: `rule ${rule.name}: when ${rule.when.source} failed: ${(e as Error).message}`, where: rule.where });
    return false;
  }
  const hit = value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
  steps.push({ step: 'rule', outcome: hit ? 'matched' : 'not-matched', detail: `rule ${rule.name}: when ${rule.when.source} → ${JSON.stringify(value) ?? 'undefined'}`, where: rule.where });
  return hit;
}

async function traceEvent(set: MappingSet, input: Extract<TraceInput, { kind: 'event' }>, steps: TraceStep[], now: number): Promise<CanonicalEvent[]> {
  const profile: CompiledProfile | undefined = set.profiles.get(input.profile);
  if (!profile?.inbound) {
    steps.push({ step: 'parse', outcome: 'failed', detail: `profile "${input.profile}" ${profile ? 'has no inbound section' : 'is not loaded'}` });
    return [];
  }
  const inbound = inboundOf({ input }, input.connectorId ?? profile.name);
  const parsed = parseDelivery(profile, inbound);
  if (!parsed.ok) {
    steps.push({ step: 'parse', outcome: 'failed', detail: `unrecognised: ${parsed.error}` });
    return [];
  }
  steps.push({ step: 'parse', outcome: 'ok', detail: `body read as ${profile.doc.inbound!.format}`, data: parsed.value.body });
  const d = parsed.value;
  const key = await dedupeKeyOf(profile, d);
  steps.push(key.ok ? { step: 'dedupe', outcome: 'ok', detail: `dedupe key ${key.value}` } : { step: 'dedupe', outcome: 'failed', detail: `unrecognised: ${key.error}` });
  if (!key.ok) return [];
  const items = await itemsOf(profile, d);
  if (!items.ok) {
    steps.push({ step: 'items', outcome: 'failed', detail: `unrecognised: ${items.error}` });
    return [];
  }
  if (profile.inbound.forEach) steps.push({ step: 'items', outcome: 'ok', detail: `${items.value.length} item(s) from ${profile.inbound.forEach.source}` });
  const events: CanonicalEvent[] = [];
  for (const item of items.value) {
    let rule: CompiledRule | undefined;
    for (const r of profile.inbound.rules) {
      if (await traceRule(r, item, d.bindings, steps)) {
        rule = r;
        break;
      }
    }
    if (!rule) {
      steps.push({ step: 'event', outcome: 'failed', detail: `unrecognised: no rule of profile "${profile.name}" matched` });
      continue;
    }
    if (rule.emit.length === 0) steps.push({ step: 'event', outcome: 'info', detail: `ignored: rule ${rule.name} emits nothing` });
    for (const emit of rule.emit) {
      const fields: [string, string, unknown][] = [];
      const add = async (name: string, e: { source: string; evaluate: (i: unknown, b?: Bindings) => unknown } | undefined) => {
        if (e) fields.push([name, e.source, await e.evaluate(item, d.bindings)]);
      };
      await add('occurredAt', emit.occurredAt);
      await add('principal', emit.principal);
      await add('target.ref', emit.target?.ref);
      await add('externalId', emit.externalId);
      await add('durationMinutes', emit.durationMinutes);
      for (const [k, e] of emit.attributes) await add(`attributes.${k}`, e);
      steps.push({ step: 'extract', outcome: 'ok', detail: fields.map(([n, s, v]) => `${n} = ${s} → ${JSON.stringify(v) ?? 'undefined'}`).join('\n'), where: rule.where, data: Object.fromEntries(fields.map(([n, , v]) => [n, v])) });
      const built = await buildEvent(emit, item, d.bindings, inbound.connectorId);
      if (!built.ok) {
        steps.push({ step: 'event', outcome: 'failed', detail: `unrecognised: invalid event: ${built.error}` });
        continue;
      }
      events.push(built.value);
      steps.push({ step: 'event', outcome: 'ok', detail: `${built.value.type}${built.value.principal ? ` by ${built.value.principal}` : ''}${built.value.target ? ` on ${built.value.target.kind} ${built.value.target.ref}` : ''}`, data: built.value });
    }
  }
  for (const event of events) await traceConsequences(set, event, input.candidates as IdentityInput[] | undefined, steps, now);
  return events;
}

async function traceConsequences(set: MappingSet, event: CanonicalEvent, candidates: IdentityInput[] | undefined, steps: TraceStep[], now: number): Promise<void> {
  if (event.target) {
    const found = findMappingsForTarget(set, { connectorId: event.connectorId, kind: event.target.kind, ref: event.target.ref });
    if (found.length === 0) steps.push({ step: 'mapping', outcome: 'not-matched', detail: `no mapping has a ${event.target.kind} target on ${event.connectorId} that produces "${event.target.ref}"${event.type === 'elevation.requested' ? ': the gateway would deny (mapping-unresolved)' : ''}` });
    for (const f of found) {
      steps.push({ step: 'mapping', outcome: 'matched', detail: `mapping ${f.mapping.name} target ${f.targetIndex} produces this target${Object.keys(f.captures).length ? ` (captures ${JSON.stringify(f.captures)})` : ''}`, where: f.mapping.where, data: f.captures });
      steps.push(constraintsStep(f.mapping, undefined, event.durationMinutes, now));
      if (event.principal && candidates) {
        const c = await correlatePrincipal(f.mapping, event.principal, candidates);
        const detail = c.outcome === 'one' ? `principal ${event.principal} → identity ${c.identity.userName} (key ${c.key})`
          : c.outcome === 'ambiguous' ? `principal ${event.principal} is ambiguous: ${c.identities.map((i) => i.userName).join(', ')} share key ${c.key}; nothing is guessed`
          : `principal ${event.principal} matches no identity (key ${c.key ?? 'none'})`;
        steps.push({ step: 'correlation', outcome: c.outcome === 'one' ? 'matched' : 'not-matched', detail, data: c });
      }
    }
  }
  if (NOTIFY_IGA.has(event.type)) steps.push({ step: 'note', outcome: 'info', detail: `${event.type} at PAM: the gateway updates its state and notifies IGA (notify-iga)` });
}

async function traceEntitlement(set: MappingSet, input: Extract<TraceInput, { kind: 'entitlement' }>, steps: TraceStep[], now: number, connectors: ConnectorBindings | undefined): Promise<Trace['requests']> {
  const entitlement = input.entitlement as unknown as EntitlementInput;
  const identity = input.identity as unknown as IdentityInput | undefined;
  const requests: { connector: string; action: string; request: unknown }[] = [];
  for (const mapping of set.mappings) {
    const m = await matchMapping(mapping, entitlement);
    if (!m.matched) {
      steps.push({ step: 'mapping', outcome: 'not-matched', detail: `mapping ${mapping.name}: ${m.reason}`, where: mapping.where });
      continue;
    }
    steps.push({ step: 'mapping', outcome: 'matched', detail: `mapping ${mapping.name} matched${Object.keys(m.captures).length ? ` with captures ${JSON.stringify(m.captures)}` : ''}`, where: mapping.where, data: m.captures });
    steps.push(constraintsStep(mapping, entitlement, undefined, now));
    const r = await resolveTargets({ ...set, mappings: [mapping] }, entitlement, identity, { operation: input.operation, connectors, assignment: input.assignment });
    for (const t of r.matches[0]?.targets ?? []) steps.push({ step: 'extract', outcome: 'ok', detail: `target ${t.connector} ${t.kind} ${t.ref}${t.permissions.length ? ` [${t.permissions.join(', ')}]` : ''}`, data: t });
    if (mapping.access.mode === 'jit' && (input.operation ?? 'grant') === 'grant') steps.push({ step: 'note', outcome: 'info', detail: 'JIT: nothing is granted now; the approval is the context later elevations must match' });
    for (const u of r.unresolved) steps.push({ step: 'request', outcome: 'failed', detail: `unresolved: ${u}` });
    for (const c of r.requests) {
      requests.push({ connector: c.connector, action: c.action, request: c.request });
      steps.push({ step: 'request', outcome: 'ok', detail: `${c.action} on ${c.connector}: ${c.request.method} ${c.request.path}`, data: c.request });
    }
  }
  if (!steps.some((s) => s.outcome === 'matched')) steps.push({ step: 'note', outcome: 'info', detail: 'no mapping matched: the gateway raises a mapping-unresolved finding' });
  return requests;
}

/** Each profile bound to a connector of the same name: the dry-run default when the input names no connectors. */
export function defaultBindings(set: MappingSet): ConnectorBindings {
  return Object.fromEntries([...set.profiles.keys()].map((p) => [p, { profile: p }]));
}

/**
 * Traces one input against a mapping set. `now` (ms) is used for review-age checks; pass the injected clock's
 * time. Connectors default to {@link defaultBindings}, overridden by the input's `connectors`.
 */
export async function trace(set: MappingSet, input: TraceInput, now: number): Promise<Trace> {
  const steps: TraceStep[] = [];
  const connectors = { ...defaultBindings(set), ...input.connectors };
  const at = input.now ? Date.parse(input.now) : now;
  if (input.kind === 'event') return { steps, events: await traceEvent(set, input, steps, at), requests: [] };
  if (input.kind === 'entitlement') return { steps, events: [], requests: await traceEntitlement(set, input, steps, at, connectors) };
  const profile = set.profiles.get(input.profile);
  if (!profile) return { steps: [{ step: 'request', outcome: 'failed', detail: `profile "${input.profile}" is not loaded` }], events: [], requests: [] };
  const r = await planRequest(profile, input.action, input.input, input.params);
  if (!r.ok) return { steps: [{ step: 'request', outcome: 'failed', detail: r.error }], events: [], requests: [] };
  return {
    steps: [{ step: 'request', outcome: 'ok', detail: `${input.action}: ${r.value.method} ${r.value.path}`, data: r.value }],
    events: [],
    requests: [{ connector: input.profile, action: input.action, request: r.value }],
  };
}

export function formatTrace(t: Trace): string {
  const mark = { ok: '✓', matched: '✓', 'not-matched': '·', failed: '✗', info: 'i' } as const;
  return t.steps.map((s, i) => {
    const head = `${String(i + 1).padStart(2)}. ${mark[s.outcome]} ${s.step.padEnd(11)} ${s.detail.split('\n')[0]}${s.where ? `  (${s.where})` : ''}`;
    const rest = s.detail.split('\n').slice(1).map((l) => `                  ${l}`);
    return [head, ...rest].join('\n');
  }).join('\n');
}
