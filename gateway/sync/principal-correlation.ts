/**
 * PAM principal → IGA identity, through the correlation of every mapping that could apply (by target, or by
 * connector). Candidates are the identities whose userName matches a plain form of the principal and, failing
 * that, the holders of the mapped entitlements; the mapping library never guesses, and neither does this.
 */
import { correlatePrincipal, type CompiledMapping, type MappingSet } from '../../mappings/lib/index.ts';
import type { IdentityMatch } from '../domain/elevation-gate.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';
import type { IdentityId } from '../domain/ids.ts';
import type { StoreTx } from '../store/store.ts';
import { mappingsForConnector, mappingsForTarget, matchesForTarget, resolveEntitlement } from './mapped-access.ts';

const HOLDER_SCAN_LIMIT = 5_000;

/** `CORP\bob`, `bob@corp.example` and `bob` all give `bob` as a userName guess. */
function plainForms(principal: string): string[] {
  const out = new Set([principal]);
  const afterSlash = principal.split('\\').pop() ?? principal;
  out.add(afterSlash);
  out.add(afterSlash.split('@')[0] ?? afterSlash);
  return [...out].filter((x) => x !== '');
}

async function byUserName(tx: StoreTx, principal: string): Promise<Identity[]> {
  const seen = new Map<string, Identity>();
  for (const form of plainForms(principal)) for (const i of await tx.identities.listByUserName(form)) seen.set(i.id, i);
  return [...seen.values()];
}

/** Holders (active assignments) of the entitlements whose mapping is one of `mappings`. */
async function holders(tx: StoreTx, set: MappingSet, mappings: readonly CompiledMapping[], target: PamTarget | undefined): Promise<Identity[]> {
  const names = new Set(mappings.map((m) => m.name));
  const out = new Map<string, Identity>();
  for (const e of await tx.entitlements.listAll()) {
    const matches = target ? await matchesForTarget(set, e, target) : (await resolveEntitlement(set, e)).matches;
    if (!matches.some((m) => names.has(m.mapping))) continue;
    for (const a of await tx.assignments.listByEntitlement(e.id, { activeOnly: true })) {
      if (out.has(a.identityId)) continue;
      const i = await tx.identities.get(a.identityId);
      if (i) out.set(i.id, i);
      if (out.size >= HOLDER_SCAN_LIMIT) return [...out.values()];
    }
  }
  return [...out.values()];
}

/** Mappings that key identities by their userName are fully served by the userName look-up: no holder scan. */
const byUserNameOnly = (mappings: readonly CompiledMapping[]): boolean =>
  mappings.every((m) => /^\s*(\$lowercase\(\s*userName\s*\)|userName)\s*$/.test(m.correlation.identity.source));

async function correlateWith(mappings: readonly CompiledMapping[], principal: string, candidates: readonly Identity[]): Promise<Map<IdentityId, Identity>> {
  const found = new Map<IdentityId, Identity>();
  for (const m of mappings) {
    const c = await correlatePrincipal(m, principal, candidates);
    if (c.outcome === 'one') found.set(c.identity.id, c.identity);
    else if (c.outcome === 'ambiguous') for (const i of c.identities) found.set(i.id, i);
  }
  return found;
}

export async function correlate(tx: StoreTx, set: MappingSet | undefined, principal: string, connectorId: string, target?: PamTarget): Promise<IdentityMatch> {
  const mappings = set ? (target ? mappingsForTarget(set, target) : mappingsForConnector(set, connectorId)) : [];
  const direct = await byUserName(tx, principal);
  let found = mappings.length > 0 ? await correlateWith(mappings, principal, direct) : new Map<IdentityId, Identity>();
  if (found.size === 0 && set && mappings.length > 0 && !byUserNameOnly(mappings)) found = await correlateWith(mappings, principal, await holders(tx, set, mappings, target));
  if (found.size === 0 && mappings.length === 0) for (const i of direct) if (i.userName.toLowerCase() === principal.toLowerCase()) found.set(i.id, i);
  const list = [...found.values()];
  if (list.length === 1) return { kind: 'one', identity: list[0]! };
  if (list.length === 0) return { kind: 'none' };
  return { kind: 'ambiguous', identityIds: list.map((i) => i.id) };
}
