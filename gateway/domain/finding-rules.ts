import type { DesiredFinding } from './desired-finding.ts';
import type { Elevation } from './elevation.ts';
import type { Entitlement } from './entitlement.ts';
import type { Grant } from './grant.ts';
import type { Identity } from './identity.ts';
import type { EntitlementId, IdentityId } from './ids.ts';
import type { Revocation } from './revocation.ts';
import type { SessionEvidence } from './session-evidence.ts';
import { breakGlassUnreviewed, elevationOverstay, grantWithoutEntitlement, mappingUnresolved, revocationPending } from './finding-rules-access.ts';
import { entitlementWithoutOwner, reviewOverdue } from './finding-rules-governance.ts';
import { nhiInteractiveSession, nhiStaticSecretStale, nhiWithoutOwner } from './finding-rules-nhi.ts';

export { breakGlassUnreviewed, elevationOverstay, grantWithoutEntitlement, mappingUnresolved, revocationPending } from './finding-rules-access.ts';
export { entitlementWithoutOwner, reviewDue, reviewOverdue } from './finding-rules-governance.ts';
export { nhiInteractiveSession, nhiStaticSecretStale, nhiWithoutOwner } from './finding-rules-nhi.ts';

export interface FindingPolicy {
  /** How long a revocation may stay unverified before it is a finding. */
  readonly revocationGraceSeconds: number;
  /** Slack after an elevation window before use counts as overstay. */
  readonly overstayGraceSeconds: number;
}

export const DEFAULT_FINDING_POLICY: FindingPolicy = { revocationGraceSeconds: 60, overstayGraceSeconds: 60 };

/**
 * Everything the rules look at, as the engine gathered it. Each rule is also exported on its own for the
 * incremental path (one subject per event); this evaluates a whole snapshot (full reconciliation, tests).
 */
export interface FindingFacts {
  readonly identities: readonly Identity[];
  readonly entitlements: readonly Entitlement[];
  /** Mapping-level review limit per entitlement, when its mapping sets one. */
  readonly reviewLimits?: ReadonlyMap<EntitlementId, number> | undefined;
  /** Active PAM grants, each with the ids of the assignments or elevations that approve it. */
  readonly grants: readonly { readonly grant: Grant; readonly approvals: readonly string[]; readonly identityId?: IdentityId | undefined }[];
  readonly revocations: readonly Revocation[];
  readonly elevations: readonly {
    readonly elevation: Elevation;
    readonly sessions: readonly SessionEvidence[];
    /** Set once a person reviewed its break-glass use or overstay. */
    readonly reviewedAt?: string | undefined;
  }[];
  readonly sessions: readonly { readonly session: SessionEvidence; readonly reviewed?: boolean | undefined }[];
  readonly mappingErrors: readonly { readonly entitlementId: EntitlementId; readonly error: string; readonly activeAssignments: number }[];
  readonly credentials: readonly { readonly identityId: IdentityId; readonly ref?: string | undefined; readonly lastRotatedAt?: string | undefined; readonly maxAgeDays: number }[];
}

export function evaluateFindings(facts: FindingFacts, now: string, policy: FindingPolicy = DEFAULT_FINDING_POLICY): DesiredFinding[] {
  const identities = new Map(facts.identities.map((i) => [i.id, i]));
  const entitlements = new Map(facts.entitlements.map((e) => [e.id, e]));
  const out: (DesiredFinding | undefined)[] = [];
  for (const e of facts.entitlements) {
    out.push(entitlementWithoutOwner(e), reviewOverdue(e, now, facts.reviewLimits?.get(e.id)));
  }
  for (const i of facts.identities) out.push(nhiWithoutOwner(i));
  for (const g of facts.grants) out.push(grantWithoutEntitlement(g.grant, g.approvals, g.identityId ? identities.get(g.identityId) : undefined));
  for (const r of facts.revocations) out.push(revocationPending(r, now, policy.revocationGraceSeconds, r.identityId ? identities.get(r.identityId) : undefined));
  for (const x of facts.elevations) {
    const identity = x.elevation.identityId ? identities.get(x.elevation.identityId) : undefined;
    out.push(
      elevationOverstay(x.elevation, x.sessions, now, policy.overstayGraceSeconds, { reviewed: x.reviewedAt !== undefined, identity }),
      breakGlassUnreviewed(x.elevation, x.reviewedAt, identity),
    );
  }
  for (const s of facts.sessions) out.push(nhiInteractiveSession(s.session, s.session.identityId ? identities.get(s.session.identityId) : undefined, s.reviewed));
  for (const m of facts.mappingErrors) {
    const e = entitlements.get(m.entitlementId);
    if (e) out.push(mappingUnresolved(e, m.error, m.activeAssignments));
  }
  for (const c of facts.credentials) {
    const i = identities.get(c.identityId);
    if (i) out.push(nhiStaticSecretStale(i, c, now));
  }
  return out.filter((f): f is DesiredFinding => f !== undefined);
}
