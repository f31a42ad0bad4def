/**
 * The governance findings of a full pass, evaluated over state with the pure rules and reconciled against the
 * stored findings of the same kinds, so that each closes itself once its cause is gone and an expired exception
 * opens again: ownerless and overdue entitlements, unresolved mappings, ownerless non-human identities, stale
 * static secrets, unverified revocations, elevations used past their window (still active, or ended since the
 * previous run with sessions past it) and unreviewed break-glass use.
 */
import type { DesiredFinding } from '../domain/desired-finding.ts';
import type { Elevation } from '../domain/elevation.ts';
import type { FindingKind } from '../domain/finding.ts';
import {
  breakGlassUnreviewed, type FindingPolicy, elevationOverstay, entitlementWithoutOwner, mappingUnresolved, nhiStaticSecretStale,
  revocationPending, reviewOverdue,
} from '../domain/finding-rules.ts';
import { type ElevationId, isId } from '../domain/ids.ts';
import { addMs } from '../domain/iso-time.ts';
import type { Store } from '../store/store.ts';
import { rotatedCursor } from '../sync/nhi-handler.ts';
import { LAST_RUN_CURSOR } from './reconcile-cursors.ts';
import type { AccessModel } from './access-model.ts';
import type { ExpectedTally } from './expected-paths.ts';
import { readLiveFindings } from '../findings/finding-writer.ts';
import type { PrincipalIndex } from './principal-index.ts';

export const GOVERNANCE_KINDS: readonly FindingKind[] = [
  'entitlement-without-owner', 'review-overdue', 'mapping-unresolved', 'nhi-without-owner', 'nhi-static-secret-stale',
  'revocation-pending', 'elevation-overstay', 'break-glass-unreviewed',
];

/** A person's post-use review of an elevation (break-glass, overstay), kept as a durable named position. */
export const reviewedCursor = (elevationId: ElevationId): string => `elevation.reviewed:${elevationId}`;

const ELEVATION_SCAN_LIMIT = 10_000;
const PAGE = 500;
/**
 * Ended elevations are checked at least this far back (and back to the previous run when it is older), so that a
 * session event that arrives late, after the run that followed the elevation's end, is still seen.
 */
export const ENDED_LOOK_BACK_MS = 24 * 3_600_000;

export async function governanceFindings(deps: {
  readonly store: Store;
  readonly now: string;
  readonly policy: FindingPolicy;
  readonly model: AccessModel | undefined;
  readonly tally: ExpectedTally | undefined;
  readonly principals: PrincipalIndex;
}): Promise<DesiredFinding[]> {
  const { store, now, policy, model, tally, principals } = deps;
  const out: (DesiredFinding | undefined)[] = [...principals.findings];
  const entitlements = model ? [...model.entitlements.values()] : (await store.entitlements.listAll()).map((entitlement) => ({ entitlement, unresolved: [] as string[], reviewLimitDays: undefined }));
  for (const m of entitlements) {
    const e = m.entitlement;
    out.push(entitlementWithoutOwner(e), reviewOverdue(e, now, m.reviewLimitDays));
    const active = tally?.activeAssignments.get(e.id) ?? 0;
    const problems = [...m.unresolved, ...(tally?.unresolvedPrincipals.has(e.id) ? [tally.unresolvedPrincipals.get(e.id)!] : [])];
    if (model && problems.length > 0 && active > 0) out.push(mappingUnresolved(e, problems.join('; '), active));
  }
  for (const [identityId, maxAgeDays] of tally?.secretAgeDays ?? []) {
    const identity = principals.nonHuman.get(identityId);
    if (!identity) continue;
    const lastRotatedAt = await store.cursors.get(rotatedCursor(identityId));
    out.push(nhiStaticSecretStale(identity, { lastRotatedAt, maxAgeDays }, now));
  }
  for (const status of ['pending', 'in-progress', 'failed'] as const) {
    for (let startIndex = 1; ; startIndex += PAGE) {
      const page = await store.revocations.list({ status }, { startIndex, count: PAGE });
      for (const r of page.items) {
        const identity = r.identityId ? await store.identities.get(r.identityId) : undefined;
        out.push(revocationPending(r, now, policy.revocationGraceSeconds, identity));
      }
      if (page.items.length < PAGE) break;
    }
  }
  for (const e of await elevationsToCheck(store, now, policy)) {
    const reviewedAt = await store.cursors.get(reviewedCursor(e.id));
    const identity = e.identityId ? await store.identities.get(e.identityId) : undefined;
    const sessions = e.decision.outcome === 'allow'
      // Use of the elevation: sessions and checkouts. Its approval record is closed when the window is, which may
      // be after the grace when the gateway was down; that is not use past the window.
      ? (await store.evidence.listByAssignment(e.decision.assignmentId)).filter((s) => s.elevationId === e.id && s.kind !== 'approval')
      : [];
    out.push(
      elevationOverstay(e, sessions, now, policy.overstayGraceSeconds, { reviewed: reviewedAt !== undefined, ...(identity ? { identity } : {}) }),
      breakGlassUnreviewed(e, reviewedAt, identity),
    );
  }
  return out.filter((f): f is DesiredFinding => f !== undefined);
}

/**
 * Where the check of ended elevations starts: the previous run (`reconcile.lastRunAt`, written by reconcile-run.ts)
 * or {@link ENDED_LOOK_BACK_MS} ago, whichever is earlier, less the overstay grace. Elevations whose window ended
 * before that were checked by an earlier run: ended ones by this same query, ones still active past the window by
 * `listEnding` (which raises the finding, and a live finding is checked on every run).
 */
export async function endedSince(store: Store, now: string, policy: FindingPolicy): Promise<string> {
  const lookBack = addMs(now, -ENDED_LOOK_BACK_MS);
  const lastRun = await store.cursors.get(LAST_RUN_CURSOR);
  const from = lastRun !== undefined && lastRun < lookBack ? lastRun : lookBack;
  return addMs(from, -policy.overstayGraceSeconds * 1000);
}

/**
 * Elevations still active past their window, those that ended since the previous run (sessions may have run past
 * the window although the elevation itself ended), and those that current findings are about.
 */
async function elevationsToCheck(store: Store, now: string, policy: FindingPolicy): Promise<Elevation[]> {
  const byId = new Map<string, Elevation>();
  for (const e of await store.elevations.listEnding(addMs(now, -policy.overstayGraceSeconds * 1000), ELEVATION_SCAN_LIMIT)) byId.set(e.id, e);
  const since = await endedSince(store, now, policy);
  let after: { windowEnd: string; id: ElevationId } | undefined;
  for (let read = 0; read < ELEVATION_SCAN_LIMIT; read += PAGE) {
    const page = await store.elevations.listEndedSince(since, PAGE, after);
    for (const e of page) byId.set(e.id, e);
    const last = page[page.length - 1];
    if (page.length < PAGE || !last?.windowEnd) break;
    after = { windowEnd: last.windowEnd, id: last.id };
  }
  for (const f of await readLiveFindings(store, ['elevation-overstay', 'break-glass-unreviewed'])) {
    const id = f.subject['elevationId'];
    if (!isId('elevation', id) || byId.has(id)) continue;
    const e = await store.elevations.get(id);
    if (e) byId.set(e.id, e);
  }
  return [...byId.values()];
}
