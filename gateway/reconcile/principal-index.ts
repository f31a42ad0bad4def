/**
 * One scan of every live identity: its PAM principal under each mapping in use (so that assignments map to
 * access-path keys without a lookup per row), the non-human identities (secret age, owner), and the
 * `nhi-without-owner` findings. Inactive identities get no principal: they should have no access at PAM. The
 * SCIM resources (most of each record) are loaded only when a mapping's principal template may read them.
 */
import { isPromise, pamPrincipalOf, type CompiledMapping } from '../../mappings/lib/index.ts';
import type { DesiredFinding } from '../domain/desired-finding.ts';
import { nhiWithoutOwner } from '../domain/finding-rules.ts';
import { type IdentityHead, isNonHuman } from '../domain/identity.ts';
import type { IdentityId } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';

export interface PrincipalIndex {
  /** The identity's PAM principal under the mapping at this index, when it is active and has one. */
  principal(mappingIndex: number, identityId: IdentityId): string | undefined;
  /** Live non-human identities (secret age is checked for those whose mappings set a maximum). */
  readonly nonHuman: ReadonlyMap<IdentityId, IdentityHead>;
  /** Live identities that are not active (they should hold nothing at PAM). */
  readonly inactive: ReadonlySet<IdentityId>;
  readonly findings: readonly DesiredFinding[];
  readonly identities: number;
}

export async function buildPrincipalIndex(
  store: Pick<Store, 'identities'>, mappings: readonly CompiledMapping[], usedMappings: ReadonlySet<number>, batchSize: number,
): Promise<PrincipalIndex> {
  const byMapping = new Map<number, Map<string, string>>();
  for (const i of usedMappings) byMapping.set(i, new Map());
  const nonHuman = new Map<IdentityId, IdentityHead>();
  const inactive = new Set<IdentityId>();
  const findings: DesiredFinding[] = [];
  let count = 0;
  const needsResource = [...usedMappings].some((i) => {
    const read = mappings[i]!.correlation.pamPrincipal.inputFields(['identity']);
    return read === undefined || read.has('resource');
  });
  const scan = needsResource ? store.identities.scan(batchSize) : store.identities.scanHeads(batchSize);
  for await (const batch of scan) {
    for (const identity of batch) {
      count++;
      if (isNonHuman(identity.kind)) {
        nonHuman.set(identity.id, identity);
        const f = nhiWithoutOwner(identity);
        if (f) findings.push(f);
      }
      if (!identity.active || identity.deletedAt !== undefined) {
        inactive.add(identity.id);
        continue;
      }
      for (const [index, principals] of byMapping) {
        const found = pamPrincipalOf(mappings[index]!, identity);
        const p = isPromise(found) ? await found : found;
        if (p !== undefined) principals.set(identity.id, p);
      }
    }
  }
  return {
    principal: (mappingIndex, identityId) => byMapping.get(mappingIndex)?.get(identityId),
    nonHuman,
    inactive,
    findings,
    identities: count,
  };
}
