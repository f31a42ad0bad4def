/**
 * The expected side of the diff: every active assignment through its entitlement's mappings gives access paths
 * (target + the holder's PAM principal), streamed from the store scan in batches, never held whole. The diff
 * reads it whole once, then again only the chunks (runs of assignments in id order) holding paths PAM never
 * showed (`diffUnsorted`); the first read also tallies what the rest of the run needs (active
 * assignments per entitlement, targets per connector, secret-age limits of non-human holders, the holders of
 * targets whose mappings disagree). `lookup(key)` finds the item behind a difference in the batch being read.
 */
import { accessPathKey, type ExpectedPath } from '../domain/reconciliation-diff.ts';
import type { DriftPolicy } from '../domain/drift-policy.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { AssignmentId, EntitlementId, IdentityId } from '../domain/ids.ts';
import type { AssignmentIdRange, AssignmentRef, Store } from '../store/store.ts';
import type { AccessModel, ModelMatch } from './access-model.ts';
import type { PrincipalIndex } from './principal-index.ts';

export interface ExpectedItem extends ExpectedPath {
  readonly target: PamTarget;
  readonly principal: string;
  readonly assignmentId: AssignmentId;
  readonly entitlementId: EntitlementId;
  readonly identityId: IdentityId;
  readonly drift: DriftPolicy;
  readonly conflict: ModelMatch['conflict'];
}

export interface ExpectedTally {
  readonly activeAssignments: Map<EntitlementId, number>;
  /** Targets each connector is expected to have (per-target inventory listing). */
  readonly targets: Map<string, Map<string, PamTarget>>;
  /** Strictest secret age of the mappings each non-human holder's assignments fall under. */
  readonly secretAgeDays: Map<IdentityId, number>;
  /** Holders' principals of targets whose mappings disagree (bounded). */
  readonly disagreementPrincipals: Map<string, Set<string>>;
  /** Entitlements with an active holder whom a mapping gives no PAM principal (why, per entitlement). */
  readonly unresolvedPrincipals: Map<EntitlementId, string>;
  assignments: number;
  paths: number;
  done: boolean;
}

export interface ExpectedSource {
  /**
   * A read of every expected path on the given connectors: the first whole (items carry their chunk: a run of
   * {@link CHUNK_ASSIGNMENTS} assignments in id order), later ones only the chunks asked for (all when none).
   */
  read(chunks?: ReadonlySet<number>): AsyncIterable<readonly ExpectedItem[]>;
  /** The item with this key in the batch being read (the one a streamed difference came from). */
  lookup(key: string): ExpectedItem | undefined;
  readonly tally: ExpectedTally;
}

/** Assignments per chunk: the diff re-reads only the chunks holding paths PAM never showed. */
export const CHUNK_ASSIGNMENTS = 64;

const MAX_DISAGREEMENT_PRINCIPALS = 1_000;

/**
 * The diff key of an access path. PAM principals compare case-insensitively (directory accounts, vault users):
 * both sides key on the lower-cased principal, so `CORP\Bob` at PAM is the `CORP\bob` IGA expects.
 */
export function pathKeyOf(target: PamTarget, principal: string): string {
  return accessPathKey(target, principal.toLowerCase());
}

export function expectedSource(deps: {
  readonly store: Pick<Store, 'assignments'>;
  readonly model: AccessModel;
  readonly principals: PrincipalIndex;
  readonly connectors: ReadonlySet<string>;
  readonly batchSize: number;
}): ExpectedSource {
  const { model, principals, connectors } = deps;
  const tally: ExpectedTally = {
    activeAssignments: new Map(), targets: new Map(), secretAgeDays: new Map(), disagreementPrincipals: new Map(), unresolvedPrincipals: new Map(),
    assignments: 0, paths: 0, done: false,
  };
  let current: readonly ExpectedItem[] = [];
  let index: Map<string, ExpectedItem> | undefined;

  function count(first: boolean, item: ExpectedItem, tk: string): void {
    if (!first) return;
    tally.paths++;
    let byRef = tally.targets.get(item.target.connectorId);
    if (!byRef) tally.targets.set(item.target.connectorId, (byRef = new Map()));
    if (!byRef.has(tk)) byRef.set(tk, item.target);
    const holders = tally.disagreementPrincipals.get(tk);
    if (holders && holders.size < MAX_DISAGREEMENT_PRINCIPALS) holders.add(item.principal);
  }

  /** Ids bounding the chunks of the first read: chunk c holds the assignments in (bounds[c], bounds[c + 1]]. */
  const bounds: string[] = [];
  let lastId = '';

  function itemsOf(batch: readonly AssignmentRef[], first: boolean): ExpectedItem[] {
    const out: ExpectedItem[] = [];
    for (const a of batch) {
      if (first) {
        if (tally.assignments % CHUNK_ASSIGNMENTS === 0) bounds.push(lastId);
        lastId = a.id;
        tally.assignments++;
        tally.activeAssignments.set(a.entitlementId, (tally.activeAssignments.get(a.entitlementId) ?? 0) + 1);
      }
      const e = model.entitlements.get(a.entitlementId);
      if (!e) continue;
      if (first && e.maxSecretAgeDays !== undefined && principals.nonHuman.has(a.identityId)) {
        const prior = tally.secretAgeDays.get(a.identityId);
        tally.secretAgeDays.set(a.identityId, prior === undefined ? e.maxSecretAgeDays : Math.min(prior, e.maxSecretAgeDays));
      }
      const chunk = first ? bounds.length - 1 : undefined;
      for (const m of e.matches) {
        const principal = principals.principal(m.mappingIndex, a.identityId);
        if (principal === undefined) {
          if (first && !principals.inactive.has(a.identityId) && !tally.unresolvedPrincipals.has(a.entitlementId)) {
            tally.unresolvedPrincipals.set(a.entitlementId, `${model.mappings[m.mappingIndex]?.name ?? 'mapping'}: no PAM principal for identity ${a.identityId}`);
          }
          continue;
        }
        for (const t of m.targets) {
          if (!connectors.has(t.target.connectorId)) continue;
          const item: ExpectedItem = {
            key: pathKeyOf(t.target, principal), permissions: t.permissions, mode: m.mode, assignmentId: a.id, chunk,
            target: t.target, principal, entitlementId: a.entitlementId, identityId: a.identityId, drift: m.drift, conflict: m.conflict,
          };
          count(first, item, t.key);
          out.push(item);
        }
      }
    }
    return out;
  }

  /** Consecutive chunks as id ranges (the last chunk's range is open-ended). */
  function rangesOf(chunks: ReadonlySet<number>): AssignmentIdRange[] {
    const sorted = [...chunks].filter((c) => c >= 0 && c < bounds.length).sort((a, b) => a - b);
    const ranges: AssignmentIdRange[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      ranges.push({ after: bounds[sorted[i]!]!, through: bounds[sorted[j]! + 1] });
      i = j + 1;
    }
    return ranges;
  }

  async function* read(chunks?: ReadonlySet<number>): AsyncGenerator<readonly ExpectedItem[]> {
    const first = !tally.done;
    if (first) for (const key of model.disagreements.keys()) tally.disagreementPrincipals.set(key, new Set());
    const ranges = first || chunks === undefined ? [undefined] : rangesOf(chunks);
    for (const range of ranges) {
      for await (const batch of deps.store.assignments.scanActive(deps.batchSize, range)) {
        const out = itemsOf(batch, first);
        current = out;
        index = undefined;
        if (out.length > 0) yield out;
      }
    }
    if (first) tally.done = true;
  }

  return {
    read,
    lookup(key) {
      index ??= new Map(current.map((i) => [i.key, i]));
      return index.get(key);
    },
    tally,
  };
}
