import type { AssignmentId, ConnectorId, ElevationId, EntitlementId, IdentityId } from './ids.ts';
import type { PamTarget } from './grant.ts';

/** Why an elevation was denied; every reason that applies is given, not just the first. */
export const DENY_REASONS = [
  'no-matching-assignment',
  'identity-unknown',
  'identity-ambiguous',
  'identity-inactive',
  'assignment-expired',
  'entitlement-without-owner',
  'review-overdue',
  'duration-exceeds-maximum',
  'mapping-unresolved',
  'break-glass-not-allowed',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export type ElevationDecision =
  | { readonly outcome: 'allow'; readonly assignmentId: AssignmentId; readonly entitlementId: EntitlementId; readonly breakGlass: boolean; readonly windowEnd: string }
  | { readonly outcome: 'deny'; readonly reasons: readonly { readonly code: DenyReason; readonly detail: string }[] };

/** A just-in-time request from PAM and Lockstep's decision on it. */
export interface Elevation {
  readonly id: ElevationId;
  readonly connectorId: ConnectorId;
  readonly externalRequestId?: string | undefined;
  readonly principal: string;
  readonly identityId?: IdentityId | undefined;
  readonly target: PamTarget;
  readonly requestedMinutes: number;
  readonly requestedAt: string;
  readonly justification?: string | undefined;
  readonly decision: ElevationDecision;
  readonly status: 'active' | 'ended' | 'denied' | 'expired';
  readonly windowStart?: string | undefined;
  readonly windowEnd?: string | undefined;
  readonly endedAt?: string | undefined;
  readonly updatedAt: string;
}
