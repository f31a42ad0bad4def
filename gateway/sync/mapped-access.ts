/**
 * What the mappings say about one entitlement (matches, targets, access policy) and, for one identity, the
 * access paths at PAM (target + principal) it should have. Resolution is cached per mapping set and
 * entitlement version: a reload or a changed entitlement resolves afresh.
 */
import { findMappingsForTarget, pamPrincipalOf, resolveTargets, type EntitlementInput, type MappingMatch, type MappingSet, type ResolveResult } from '../../mappings/lib/index.ts';
import type { AccessPolicy } from '../domain/elevation-gate.ts';
import type { Entitlement } from '../domain/entitlement.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';

export interface MappedPath {
  readonly mapping: string;
  readonly target: PamTarget;
  readonly principal: string;
  readonly permissions: readonly string[];
  readonly mode: 'standing' | 'jit';
}

/** The entitlement as the mapping library reads it (its governance is a plain record there). */
export function entitlementInput(e: Entitlement): EntitlementInput {
  return { connectorId: e.connectorId, displayName: e.displayName, externalId: e.externalId, governance: { ...e.governance }, resource: e.resource };
}

const cache = new WeakMap<MappingSet, Map<string, Promise<ResolveResult>>>();
const CACHE_LIMIT = 50_000;

export function resolveEntitlement(set: MappingSet, entitlement: Entitlement): Promise<ResolveResult> {
  let bySet = cache.get(set);
  if (!bySet) cache.set(set, (bySet = new Map()));
  const key = `${entitlement.id}:${entitlement.version}`;
  let hit = bySet.get(key);
  if (!hit) {
    if (bySet.size >= CACHE_LIMIT) bySet.clear();
    hit = resolveTargets(set, entitlementInput(entitlement));
    bySet.set(key, hit);
  }
  return hit;
}

export function accessPolicy(match: MappingMatch): AccessPolicy {
  const a = match.access;
  return { mode: a.mode, maxMinutes: a.maxMinutes, requireOwner: a.requireOwner, requireReviewWithinDays: a.requireReviewWithinDays, breakGlass: a.breakGlass === 'allow-with-review' };
}

const sameTarget = (a: PamTarget, b: PamTarget): boolean => a.connectorId === b.connectorId && a.kind === b.kind && a.ref === b.ref;

/** Every access path the identity's assignment to this entitlement stands for, with unresolved problems. */
export async function mappedPaths(set: MappingSet, entitlement: Entitlement, identity: Identity): Promise<{ paths: MappedPath[]; unresolved: string[] }> {
  const resolved = await resolveEntitlement(set, entitlement);
  const paths: MappedPath[] = [];
  const unresolved = resolved.matches.length > 0 ? [...resolved.unresolved] : [];
  for (const m of resolved.matches) {
    const mapping = set.mappings.find((x) => x.name === m.mapping);
    if (!mapping) continue;
    const principal = await pamPrincipalOf(mapping, identity);
    if (!principal) {
      unresolved.push(`${m.mapping}: no PAM principal for identity ${identity.userName}`);
      continue;
    }
    for (const t of m.targets) {
      paths.push({ mapping: m.mapping, target: { connectorId: t.connector, kind: t.kind, ref: t.ref }, principal, permissions: t.permissions, mode: m.access.mode });
    }
  }
  return { paths, unresolved };
}

/** The matches of this entitlement that have the target among their resolved targets. */
export async function matchesForTarget(set: MappingSet, entitlement: Entitlement, target: PamTarget): Promise<MappingMatch[]> {
  const resolved = await resolveEntitlement(set, entitlement);
  return resolved.matches.filter((m) => m.targets.some((t) => sameTarget({ connectorId: t.connector, kind: t.kind, ref: t.ref }, target)));
}

/** Mappings that could have produced a target (by its reference pattern), for correlation of a PAM principal. */
export function mappingsForTarget(set: MappingSet, target: PamTarget) {
  return findMappingsForTarget(set, { connectorId: target.connectorId, kind: target.kind, ref: target.ref }).map((m) => m.mapping);
}

/** Mappings with any target on the connector (events that name a principal but no target). */
export function mappingsForConnector(set: MappingSet, connectorId: string) {
  return set.mappings.filter((m) => m.targets.some((t) => t.connector === connectorId));
}
