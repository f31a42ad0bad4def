/**
 * From an IGA entitlement to PAM targets and the outbound requests they need (`resolveTargets`), and back from
 * a PAM target to the mappings that could have produced it (`findMappingsForTarget`, for the JIT gate).
 * Decisions (allow/deny) stay in the gateway's sync engine; this reports matches, captures and constraints.
 */
import type { TargetKind } from './canonical-event.ts';
import type { AccessConstraints, CompiledMapping } from './compile-mapping.ts';
import type { AssignmentInput, EntitlementInput, IdentityInput } from './entitlement-input.ts';
import type { Bindings } from './expression.ts';
import type { ConnectorBindings, MappingSet } from './mapping-set.ts';
import { andThen, type MaybePromise } from './maybe.ts';
import { planRequest, type PlannedRequest } from './outbound-plan.ts';
import type { OutboundAction } from './profile-schema.ts';

export interface ResolvedTarget {
  readonly connector: string;
  readonly kind: TargetKind;
  readonly ref: string;
  readonly permissions: readonly string[];
}

export type MatchOutcome =
  | { readonly matched: true; readonly captures: Readonly<Record<string, string>> }
  | { readonly matched: false; readonly reason: string };

export interface MappingMatch {
  readonly mapping: string;
  readonly where: string;
  readonly captures: Readonly<Record<string, string>>;
  readonly targets: readonly ResolvedTarget[];
  readonly access: AccessConstraints;
  readonly drift: CompiledMapping['drift'];
  readonly conflict: CompiledMapping['conflict'];
  readonly nhi?: CompiledMapping['nhi'];
}

export interface PlannedCall {
  readonly connector: string;
  readonly profile: string;
  readonly action: OutboundAction;
  readonly input: Readonly<Record<string, unknown>>;
  readonly request: PlannedRequest;
}

export interface ResolveResult {
  readonly matches: readonly MappingMatch[];
  readonly requests: readonly PlannedCall[];
  /** Problems that stop a target or request from being planned (reported as `mapping-unresolved`). */
  readonly unresolved: readonly string[];
}

export interface ResolveOptions {
  readonly operation?: 'grant' | 'revoke' | undefined;
  readonly connectors?: ConnectorBindings | undefined;
  readonly assignment?: AssignmentInput | undefined;
}

function valueAt(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

const truthy = (v: unknown) => v !== undefined && v !== null && v !== false && v !== '' && v !== 0;

/** Whether the mapping selects the entitlement, with the captures of its name pattern, or why not. */
export async function matchMapping(mapping: CompiledMapping, entitlement: EntitlementInput): Promise<MatchOutcome> {
  if (mapping.connector !== '*' && mapping.connector !== entitlement.connectorId) {
    return { matched: false, reason: `connector ${entitlement.connectorId} is not ${mapping.connector}` };
  }
  let captures: Record<string, string> = {};
  if (mapping.nameMatch) {
    const c = mapping.nameMatch(entitlement.displayName);
    if (!c) return { matched: false, reason: `name "${entitlement.displayName}" does not match ${JSON.stringify(mapping.doc.match.name)}` };
    captures = c;
  }
  for (const [path, want] of mapping.attributes) {
    const got = valueAt(entitlement, path);
    if (got !== want) return { matched: false, reason: `${path.join('.')} is ${JSON.stringify(got)}, not ${JSON.stringify(want)}` };
  }
  if (mapping.whereExpr) {
    const v = await mapping.whereExpr.evaluate(entitlement, { captures, entitlement });
    if (!truthy(v)) return { matched: false, reason: `where ${mapping.whereExpr.source} is ${JSON.stringify(v) ?? 'undefined'}` };
  }
  return { matched: true, captures };
}

/**
 * The PAM principal name of an identity under this mapping (its `correlation.pamPrincipal`): synchronous when
 * the expression compiled to a direct accessor, so that indexing a million identities takes no microtask hops.
 */
export function pamPrincipalOf(mapping: CompiledMapping, identity: IdentityInput): MaybePromise<string | undefined> {
  return andThen(mapping.correlation.pamPrincipal.evaluate(identity, { identity }), principalName);
}

const principalName = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function targetsOf(mapping: CompiledMapping, b: Bindings, unresolved: string[]): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  for (const [i, t] of mapping.targets.entries()) {
    if (t.when && !truthy(await t.when.evaluate(b.entitlement, b))) continue;
    const ref = await t.ref.evaluate(b.entitlement, b);
    if (typeof ref !== 'string' || ref === '') {
      unresolved.push(`${mapping.name}: target ${i} (${t.ref.source}) gave no reference`);
      continue;
    }
    out.push({ connector: t.connector, kind: t.kind, ref, permissions: t.permissions });
  }
  return out;
}

async function plan(calls: PlannedCall[], unresolved: string[], connectors: ConnectorBindings | undefined, set: MappingSet, target: ResolvedTarget, action: OutboundAction, input: Record<string, unknown>): Promise<void> {
  const binding = connectors?.[target.connector];
  const profile = binding && set.profiles.get(binding.profile);
  if (!binding || !profile) {
    unresolved.push(`connector ${target.connector} has no profile bound`);
    return;
  }
  const r = await planRequest(profile, action, input, binding.params);
  if (!r.ok) unresolved.push(`${target.connector}: ${r.error}`);
  else calls.push({ connector: target.connector, profile: profile.name, action, input, request: r.value });
}

/**
 * Every mapping that selects the entitlement, its targets, and — given an identity — the requests to make:
 * for `grant`, a grant per target in standing mode (JIT grants nothing: the approval is context for later
 * elevations); for `revoke`, a revoke then a read-back per target.
 */
export async function resolveTargets(set: MappingSet, entitlement: EntitlementInput, identity?: IdentityInput, opts: ResolveOptions = {}): Promise<ResolveResult> {
  const matches: MappingMatch[] = [];
  const requests: PlannedCall[] = [];
  const unresolved: string[] = [];
  for (const mapping of set.mappings) {
    const m = await matchMapping(mapping, entitlement);
    if (!m.matched) continue;
    const b: Bindings = { captures: m.captures, entitlement, identity };
    const targets = await targetsOf(mapping, b, unresolved);
    matches.push({ mapping: mapping.name, where: mapping.where, captures: m.captures, targets, access: mapping.access, drift: mapping.drift, conflict: mapping.conflict, ...(mapping.nhi ? { nhi: mapping.nhi } : {}) });
    if (!identity) continue;
    const principal = await pamPrincipalOf(mapping, identity);
    if (!principal) {
      unresolved.push(`${mapping.name}: no PAM principal for identity ${identity.userName}`);
      continue;
    }
    const operation = opts.operation ?? 'grant';
    if (operation === 'grant' && mapping.access.mode === 'jit') continue;
    for (const target of targets) {
      const input = { principal, target: { kind: target.kind, ref: target.ref }, permissions: target.permissions, identity: { userName: identity.userName, kind: identity.kind }, entitlement: { displayName: entitlement.displayName, externalId: entitlement.externalId }, ...opts.assignment };
      const actions: OutboundAction[] = operation === 'grant' ? ['grant'] : ['revoke', 'read-back'];
      for (const action of actions) await plan(requests, unresolved, opts.connectors, set, target, action, input);
    }
  }
  if (matches.length === 0) unresolved.push(`no mapping matches entitlement "${entitlement.displayName}" of ${entitlement.connectorId}`);
  return { matches, requests, unresolved };
}

export interface TargetMappingMatch {
  readonly mapping: CompiledMapping;
  readonly targetIndex: number;
  /** Captures recovered from the reference (only those written as `{{ $captures.x }}`). */
  readonly captures: Readonly<Record<string, string>>;
}

/** Mappings with a target on this connector and kind whose reference template can produce `ref`. */
export function findMappingsForTarget(set: MappingSet, target: { readonly connectorId: string; readonly kind: TargetKind; readonly ref: string }): TargetMappingMatch[] {
  const out: TargetMappingMatch[] = [];
  for (const mapping of set.mappings) {
    mapping.targets.forEach((t, targetIndex) => {
      if (t.connector !== target.connectorId || t.kind !== target.kind) return;
      const m = t.reverse.exec(target.ref);
      if (m) out.push({ mapping, targetIndex, captures: { ...m.groups } });
    });
  }
  return out;
}
