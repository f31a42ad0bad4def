import type { AssignmentId, ConnectorId, EntitlementId, IdentityId } from './ids.ts';

export const ASSIGNMENT_STATUSES = ['active', 'removed', 'expired', 'revoked-at-pam'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** IGA's approval that an identity holds an entitlement (a SCIM group membership). */
export interface Assignment {
  readonly id: AssignmentId;
  readonly connectorId: ConnectorId;
  readonly entitlementId: EntitlementId;
  readonly identityId: IdentityId;
  readonly approver?: string | undefined;
  readonly approvedAt: string;
  readonly expiresAt?: string | undefined;
  readonly ticket?: string | undefined;
  readonly status: AssignmentStatus;
  readonly endedAt?: string | undefined;
  /** Who or what ended it: a SCIM actor, `expiry`, or a PAM connector id. */
  readonly endedBy?: string | undefined;
  /** Usage read back to IGA: when a session last used this assignment, and how many sessions did. */
  readonly lastUsedAt?: string | undefined;
  readonly sessionCount: number;
  readonly updatedAt: string;
}
