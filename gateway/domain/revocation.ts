import type { AssignmentId, ConnectorId, EntitlementId, IdentityId, OutboxId, RevocationId } from './ids.ts';

export const REVOCATION_CAUSES = [
  'iga-member-removed',
  'iga-user-deactivated',
  'iga-user-deleted',
  'iga-group-deleted',
  'assignment-expired',
  'elevation-window-ended',
  'pam-grant-removed',
  'pam-account-disabled',
  'credential-compromised',
  'conflict-resolution',
  'drift-policy',
] as const;
export type RevocationCause = (typeof REVOCATION_CAUSES)[number];

export interface RevocationStep {
  readonly name: string;
  readonly connectorId: ConnectorId;
  readonly outboxId?: OutboxId | undefined;
  /** `superseded`: the path is approved again (a newer active assignment, or a newer outbox message for it): settled, not revoked. */
  readonly status: 'pending' | 'done' | 'verified' | 'failed' | 'superseded';
  readonly detail?: string | undefined;
  readonly at: string;
}

/**
 * The intent and outcome of removing access. `verified` is only reached after read-back at PAM confirms the
 * access is gone; a failed step keeps the revocation visibly `failed`, never silently done.
 */
export interface Revocation {
  readonly id: RevocationId;
  readonly cause: RevocationCause;
  readonly direction: 'iga-to-pam' | 'pam-to-iga';
  readonly identityId?: IdentityId | undefined;
  readonly entitlementId?: EntitlementId | undefined;
  readonly assignmentId?: AssignmentId | undefined;
  readonly status: 'pending' | 'in-progress' | 'verified' | 'failed';
  readonly steps: readonly RevocationStep[];
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly verifiedAt?: string | undefined;
}
