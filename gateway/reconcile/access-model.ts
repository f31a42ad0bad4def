/**
 * What the mappings say about every live entitlement, resolved once per run: the targets each matching mapping
 * gives (with mode and drift policy), what did not resolve, the mapping-level review limit and secret age, and
 * targets on which two mappings disagree. Resolution goes through the sync engine's cache (same results).
 */
import { type CompiledMapping, findMappingsForTarget, type MappingSet } from '../../mappings/lib/index.ts';
import { type DesiredConflict, detectMappingsDisagree } from '../domain/conflict-rules.ts';
import type { DriftPolicy } from '../domain/drift-policy.ts';
import type { Entitlement } from '../domain/entitlement.ts';
import { type PamTarget, targetKey } from '../domain/grant.ts';
import type { EntitlementId } from '../domain/ids.ts';
import { resolveEntitlement } from '../sync/mapped-access.ts';

export interface ModelTarget {
  readonly target: PamTarget;
  readonly key: string;
  readonly permissions: readonly string[];
}

export interface ModelMatch {
  /** Index into `AccessModel.mappings` (principals are computed per mapping). */
  readonly mappingIndex: number;
  readonly mode: 'standing' | 'jit';
  readonly drift: DriftPolicy;
  /** The mapping's conflict policy: who wins when PAM lacks what IGA approved. */
  readonly conflict: CompiledMapping['conflict'];
  readonly targets: readonly ModelTarget[];
}

export interface EntitlementModel {
  readonly entitlement: Entitlement;
  readonly matches: readonly ModelMatch[];
  /** Why the entitlement's access cannot (fully) be enforced at PAM; empty when it resolves. */
  readonly unresolved: readonly string[];
  readonly reviewLimitDays?: number | undefined;
  readonly maxSecretAgeDays?: number | undefined;
}

export interface AccessModel {
  readonly mappings: readonly CompiledMapping[];
  readonly entitlements: ReadonlyMap<EntitlementId, EntitlementModel>;
  /** Target key → mappings-disagree conflict (principals are filled in during the assignment scan). */
  readonly disagreements: ReadonlyMap<string, DesiredConflict>;
}

const min = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

export async function buildAccessModel(set: MappingSet, entitlements: readonly Entitlement[]): Promise<AccessModel> {
  const mappingIndex = new Map(set.mappings.map((m, i) => [m.name, i]));
  const byEntitlement = new Map<EntitlementId, EntitlementModel>();
  const perTarget = new Map<string, { target: PamTarget; entries: Map<string, { mappingId: string; permissions: readonly string[]; mode: 'standing' | 'jit' }> }>();
  for (const e of entitlements) {
    if (e.deletedAt !== undefined) continue;
    const resolved = await resolveEntitlement(set, e);
    const matches: ModelMatch[] = [];
    let reviewLimitDays: number | undefined;
    let maxSecretAgeDays: number | undefined;
    for (const m of resolved.matches) {
      const index = mappingIndex.get(m.mapping);
      if (index === undefined) continue;
      reviewLimitDays = min(reviewLimitDays, m.access.requireReviewWithinDays);
      maxSecretAgeDays = min(maxSecretAgeDays, m.nhi?.maxSecretAgeDays);
      const targets = m.targets.map((t) => {
        const target: PamTarget = { connectorId: t.connector, kind: t.kind, ref: t.ref };
        return { target, key: targetKey(target), permissions: [...new Set(t.permissions)].sort() };
      });
      for (const t of targets) {
        const slot = perTarget.get(t.key) ?? { target: t.target, entries: new Map() };
        perTarget.set(t.key, slot);
        slot.entries.set(`${m.mapping}|${m.access.mode}|${t.permissions.join(',')}`, { mappingId: m.mapping, permissions: t.permissions, mode: m.access.mode });
      }
      matches.push({ mappingIndex: index, mode: m.access.mode, drift: m.drift, conflict: m.conflict, targets });
    }
    byEntitlement.set(e.id, { entitlement: e, matches, unresolved: [...resolved.unresolved], reviewLimitDays, maxSecretAgeDays });
  }
  const disagreements = new Map<string, DesiredConflict>();
  for (const [key, { target, entries }] of perTarget) {
    const list = [...entries.values()];
    const signature = (r: (typeof list)[number]): string => `${r.mode}:${r.permissions.join(',')}`;
    const clash = list.some((a) => list.some((b) => a.mappingId !== b.mappingId && signature(a) !== signature(b)));
    if (!clash) continue;
    const conflict = detectMappingsDisagree(target, list);
    if (conflict) disagreements.set(key, conflict);
  }
  return { mappings: set.mappings, entitlements: byEntitlement, disagreements };
}

/** The mapping that governs a target no approved path explains: the first (in load order) able to produce it. */
export function mappingForTarget(set: MappingSet, target: PamTarget): CompiledMapping | undefined {
  return findMappingsForTarget(set, target)[0]?.mapping;
}
