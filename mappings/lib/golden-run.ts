/** Runs golden examples: each gives the actual and expected values, for `toEqual` in tests and for `check`. */
import type { InboundInput } from './canonical-event.ts';
import { correlatePrincipal } from './correlation.ts';
import type { EntitlementInput, IdentityInput } from './entitlement-input.ts';
import { isNormaliseExample, isResolveExample, type GoldenExample, type NormaliseExample } from './golden-schema.ts';
import type { GoldenFile } from './mapping-set.ts';
import type { MappingSet } from './mapping-set.ts';
import { normalise } from './normalise.ts';
import { interpretResponse, planRequest, type PlannedRequest } from './outbound-plan.ts';
import { resolveTargets } from './resolve.ts';

export interface GoldenOutcome {
  readonly file: string;
  readonly line: string;
  readonly name: string;
  readonly actual: unknown;
  readonly expected: unknown;
  readonly pass: boolean;
}

/** JSON equality where a key holding undefined counts as absent. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  });
}

/** A planned request without its empty query and header maps, as golden files write it. */
export function compactRequest(r: PlannedRequest): Record<string, unknown> {
  const { query, headers, ...rest } = r;
  return { ...rest, ...(Object.keys(query).length ? { query } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
}

export function inboundOf(ex: Pick<NormaliseExample, 'input'>, connectorId: string): InboundInput {
  const i = ex.input;
  const body = i.body ?? (i.json !== undefined ? JSON.stringify(i.json) : i.form ? new URLSearchParams(i.form).toString() : '');
  return { connectorId: i.connectorId ?? connectorId, body, contentType: i.contentType, headers: i.headers, channel: i.channel, receivedAt: i.receivedAt };
}

export async function runExample(set: MappingSet, g: GoldenFile, ex: GoldenExample): Promise<{ actual: unknown; expected: unknown }> {
  const profile = g.doc.profile ? set.profiles.get(g.doc.profile) : undefined;
  if (isNormaliseExample(ex)) {
    const r = await normalise(profile!, inboundOf(ex, profile!.name));
    const e = ex.expect;
    const actual = { status: r.status, events: r.events, ...(e.rules ? { rules: r.rules } : {}), ...(e.dedupeKey ? { dedupeKey: r.dedupeKey } : {}), ...(e.reason !== undefined ? { reason: r.reasons.some((x) => x.includes(e.reason!)) ? e.reason : r.reasons[0] } : {}) };
    return { actual, expected: e };
  }
  if ('action' in ex && 'response' in ex) {
    const r = await interpretResponse(profile!, ex.action, ex.response.status, ex.response.body, ex.input ?? {});
    return { actual: { result: r.ok ? r.value : { error: r.error } }, expected: ex.expect };
  }
  if ('action' in ex) {
    const r = await planRequest(profile!, ex.action, ex.input, ex.params);
    return { actual: { request: r.ok ? compactRequest(r.value) : { error: r.error } }, expected: ex.expect };
  }
  const only: MappingSet = { ...set, mappings: set.mappings.filter((m) => m.name === g.doc.mapping) };
  if ('correlate' in ex) {
    const mapping = only.mappings[0]!;
    const c = await correlatePrincipal(mapping, ex.correlate.principal, ex.correlate.candidates as unknown as IdentityInput[]);
    const identities = c.outcome === 'one' ? [c.identity.userName] : c.outcome === 'ambiguous' ? c.identities.map((i) => i.userName) : [];
    return { actual: { outcome: c.outcome, ...(ex.expect.identities ? { identities } : {}) }, expected: ex.expect };
  }
  if (!isResolveExample(ex)) throw new Error(`${g.file}: an example is of no known form`);
  const r = await resolveTargets(only, ex.entitlement as unknown as EntitlementInput, ex.identity as unknown as IdentityInput | undefined, { operation: ex.operation, connectors: g.doc.connectors });
  const e = ex.expect;
  const first = r.matches[0];
  const actual = {
    matched: r.matches.length > 0,
    ...(e.captures ? { captures: first?.captures } : {}),
    ...(e.targets ? { targets: r.matches.flatMap((m) => m.targets) } : {}),
    ...(e.access ? { access: first?.access } : {}),
    ...(e.requests ? { requests: r.requests.map((c) => ({ connector: c.connector, action: c.action, request: compactRequest(c.request) })) } : {}),
    ...(e.unresolved ? { unresolved: r.unresolved } : {}),
  };
  return { actual, expected: e };
}

export async function runGoldenFile(set: MappingSet, g: GoldenFile): Promise<GoldenOutcome[]> {
  const out: GoldenOutcome[] = [];
  for (const [i, ex] of g.doc.examples.entries()) {
    const { actual, expected } = await runExample(set, g, ex);
    out.push({ file: g.file, line: g.lines[i]!, name: ex.name, actual, expected, pass: sameJson(actual, expected) });
  }
  return out;
}

export async function runGoldens(set: MappingSet): Promise<GoldenOutcome[]> {
  const all: GoldenOutcome[] = [];
  for (const g of set.goldens) all.push(...(await runGoldenFile(set, g)));
  return all;
}
