import type { Assignment } from './assignment.ts';
import type { DenyReason, ElevationDecision } from './elevation.ts';
import type { Entitlement } from './entitlement.ts';
import { reviewDue } from './finding-rules-governance.ts';
import { targetKey, type PamTarget } from './grant.ts';
import type { Identity } from './identity.ts';
import type { AssignmentId, EntitlementId, IdentityId } from './ids.ts';
import { addMs, isBefore, MINUTE_MS, toMs } from './iso-time.ts';

/** The access part of a resolved mapping for one target: how the target may be used. */
export interface AccessPolicy {
  readonly mode: 'standing' | 'jit';
  readonly maxMinutes?: number | undefined;
  readonly requireOwner: boolean;
  readonly requireReviewWithinDays?: number | undefined;
  readonly breakGlass: boolean;
}

/** An active assignment of the requesting identity whose entitlement maps to the requested target. */
export interface ElevationCandidate {
  readonly assignment: Assignment;
  readonly entitlement: Entitlement;
  readonly access: AccessPolicy;
}

/** What correlating the PAM principal to an IGA identity gave (correlation is the mappings library's job). */
export type IdentityMatch =
  | { readonly kind: 'one'; readonly identity: Identity }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly identityIds: readonly IdentityId[] };

export interface ElevationRequest {
  readonly principal: string;
  readonly target: PamTarget;
  readonly requestedMinutes: number;
  readonly breakGlass?: boolean | undefined;
}

export interface ElevationGateInput {
  readonly request: ElevationRequest;
  readonly identity: IdentityMatch;
  readonly candidates: readonly ElevationCandidate[];
  /** Assignments of the identity whose mapping could not be resolved: they might have matched. */
  readonly unresolvedMappings?: readonly { readonly entitlementId: EntitlementId; readonly detail: string }[] | undefined;
  readonly now: string;
  /** Maximum when neither the entitlement nor the mapping sets one. Default {@link DEFAULT_MAX_MINUTES}. */
  readonly defaultMaxMinutes?: number | undefined;
}

export interface DenyItem {
  readonly code: DenyReason;
  readonly detail: string;
}

export interface CandidateVerdict {
  readonly assignmentId: AssignmentId;
  readonly entitlementId: EntitlementId;
  /** Every check this candidate failed. */
  readonly reasons: readonly DenyItem[];
  /** false when a failed check cannot be overridden by break-glass (listed in `unoverridable`). */
  readonly eligible: boolean;
  readonly unoverridable: readonly DenyItem[];
  readonly breakGlassAllowed: boolean;
  readonly maxMinutes: number;
  readonly expiresAt?: string | undefined;
}

/** The decision plus the facts that justified it, for the ledger. */
export interface ElevationExplanation {
  readonly decision: ElevationDecision;
  readonly candidates: readonly CandidateVerdict[];
  readonly chosen?: CandidateVerdict | undefined;
  /** Checks that failed but were overridden by break-glass: the post-use review must look at them. */
  readonly overridden: readonly DenyItem[];
}

export const DEFAULT_MAX_MINUTES = 60;

export function decideElevation(input: ElevationGateInput): ElevationDecision {
  return explainElevation(input).decision;
}

/**
 * Decides a just-in-time request against the approved context. Allow needs an eligible candidate that passes
 * every check; break-glass (requested, and allowed by both the entitlement and the mapping) lets a candidate
 * through whatever overridable checks it fails, and is flagged for post-use review. A deny lists every reason of
 * the best candidate, plus the identity-level ones.
 *
 * Best candidate: allowed before denied; then eligible before not; then fewer failed checks; then the larger
 * maximum duration; then the assignment that expires last (never = last); then the smallest assignment id, so
 * the choice is deterministic.
 */
export function explainElevation(input: ElevationGateInput): ElevationExplanation {
  const { request, identity, now } = input;
  const wantsBreakGlass = request.breakGlass === true;
  const bgRefused = (why: string): DenyItem => ({ code: 'break-glass-not-allowed', detail: why });

  if (identity.kind !== 'one') {
    const reasons: DenyItem[] = identity.kind === 'none'
      ? [{ code: 'identity-unknown', detail: `principal "${request.principal}" does not correlate to any IGA identity` }]
      : [{ code: 'identity-ambiguous', detail: `principal "${request.principal}" correlates to ${identity.identityIds.length} identities (${identity.identityIds.join(', ')})` }];
    if (wantsBreakGlass) reasons.push(bgRefused('break-glass needs a known, single identity'));
    return { decision: { outcome: 'deny', reasons }, candidates: [], overridden: [] };
  }

  const person = identity.identity;
  const global: DenyItem[] = [];
  if (!person.active || person.deletedAt !== undefined) {
    global.push({ code: 'identity-inactive', detail: `identity ${person.userName} is ${person.deletedAt ? 'deleted' : 'deactivated'} at IGA` });
  }

  const verdicts = input.candidates.map((c) => judge(c, person, request, now, input.defaultMaxMinutes ?? DEFAULT_MAX_MINUTES));
  const ranked = [...verdicts].sort((a, b) => compareVerdicts(a, b, wantsBreakGlass));
  const best = ranked[0];

  if (best && global.length === 0) {
    const normal = best.reasons.length === 0;
    const viaBreakGlass = wantsBreakGlass && best.breakGlassAllowed && best.eligible;
    if (normal || viaBreakGlass) {
      return {
        decision: {
          outcome: 'allow',
          assignmentId: best.assignmentId,
          entitlementId: best.entitlementId,
          breakGlass: wantsBreakGlass && best.breakGlassAllowed,
          windowEnd: windowEnd(now, request.requestedMinutes, best.expiresAt),
        },
        candidates: verdicts,
        chosen: best,
        overridden: normal ? [] : best.reasons,
      };
    }
  }

  const reasons: DenyItem[] = [...global];
  if (best) reasons.push(...best.reasons);
  else reasons.push({ code: 'no-matching-assignment', detail: `${person.userName} has no active assignment whose entitlement maps to ${targetKey(request.target)}` });
  for (const u of input.unresolvedMappings ?? []) {
    reasons.push({ code: 'mapping-unresolved', detail: `mapping of entitlement ${u.entitlementId} could not be resolved: ${u.detail}` });
  }
  if (wantsBreakGlass) {
    if (!best || !best.breakGlassAllowed) reasons.push(bgRefused('break-glass needs both the entitlement and its mapping to allow it for this target'));
    else reasons.push(bgRefused(`break-glass cannot override: ${[...global, ...best.unoverridable].map((r) => r.code).join(', ')}`));
  }
  return { decision: { outcome: 'deny', reasons }, candidates: verdicts, chosen: best, overridden: [] };
}

function judge(c: ElevationCandidate, person: Identity, request: ElevationRequest, now: string, defaultMax: number): CandidateVerdict {
  const { assignment: a, entitlement: e, access } = c;
  const reasons: DenyItem[] = [];
  const unoverridable: DenyItem[] = [];
  const block = (item: DenyItem): void => {
    reasons.push(item);
    unoverridable.push(item);
  };
  const name = e.displayName;

  if (a.status !== 'active' || a.identityId !== person.id || a.entitlementId !== e.id) {
    block({ code: 'no-matching-assignment', detail: `assignment ${a.id} is not an active assignment of ${person.userName} to "${name}" (status ${a.status})` });
  } else if (e.deletedAt !== undefined) {
    block({ code: 'no-matching-assignment', detail: `entitlement "${name}" was deleted at ${e.deletedAt}` });
  }
  if (a.expiresAt !== undefined && !isBefore(now, a.expiresAt)) {
    reasons.push({ code: 'assignment-expired', detail: `assignment to "${name}" expired at ${a.expiresAt}` });
  }
  if (access.requireOwner && !e.governance.owner) {
    reasons.push({ code: 'entitlement-without-owner', detail: `entitlement "${name}" has no accountable owner` });
  }
  const due = reviewDue(e, access.requireReviewWithinDays);
  if (due !== undefined && !isBefore(now, due)) {
    reasons.push({ code: 'review-overdue', detail: `review of "${name}" was due at ${due} (last certified ${e.governance.lastCertifiedAt ?? 'never'})` });
  }
  const limits = [e.governance.jitMaxMinutes, access.maxMinutes].filter((m): m is number => m !== undefined);
  const maxMinutes = limits.length > 0 ? Math.min(...limits) : defaultMax;
  const asked = request.requestedMinutes;
  if (!Number.isFinite(asked) || asked <= 0) {
    block({ code: 'duration-exceeds-maximum', detail: `requested duration ${asked} min is not a positive number of minutes` });
  } else if (asked > maxMinutes) {
    reasons.push({ code: 'duration-exceeds-maximum', detail: `requested ${asked} min exceeds the maximum of ${maxMinutes} min for "${name}"` });
  }
  return {
    assignmentId: a.id,
    entitlementId: e.id,
    reasons,
    eligible: unoverridable.length === 0,
    unoverridable,
    breakGlassAllowed: e.governance.breakGlass && access.breakGlass,
    maxMinutes,
    expiresAt: a.expiresAt,
  };
}

function allows(v: CandidateVerdict, wantsBreakGlass: boolean): boolean {
  return v.reasons.length === 0 || (wantsBreakGlass && v.eligible && v.breakGlassAllowed);
}

function compareVerdicts(a: CandidateVerdict, b: CandidateVerdict, wantsBreakGlass: boolean): number {
  const allowedDiff = Number(allows(b, wantsBreakGlass)) - Number(allows(a, wantsBreakGlass));
  if (allowedDiff !== 0) return allowedDiff;
  const eligibleDiff = Number(b.eligible) - Number(a.eligible);
  if (eligibleDiff !== 0) return eligibleDiff;
  if (a.reasons.length !== b.reasons.length) return a.reasons.length - b.reasons.length;
  if (a.maxMinutes !== b.maxMinutes) return b.maxMinutes - a.maxMinutes;
  const ea = a.expiresAt === undefined ? Infinity : toMs(a.expiresAt);
  const eb = b.expiresAt === undefined ? Infinity : toMs(b.expiresAt);
  if (ea !== eb) return eb > ea ? 1 : -1;
  return a.assignmentId < b.assignmentId ? -1 : a.assignmentId > b.assignmentId ? 1 : 0;
}

/** `now + requested`, but never past the assignment's expiry when that is still ahead. */
function windowEnd(now: string, requestedMinutes: number, expiresAt: string | undefined): string {
  const end = addMs(now, requestedMinutes * MINUTE_MS);
  if (expiresAt !== undefined && isBefore(now, expiresAt) && isBefore(expiresAt, end)) return expiresAt;
  return end;
}
