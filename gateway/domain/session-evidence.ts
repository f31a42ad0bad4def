import type { AssignmentId, ConnectorId, ElevationId, EntitlementId, EvidenceId, IdentityId } from './ids.ts';
import type { PamTarget } from './grant.ts';

export const EVIDENCE_KINDS = ['session', 'approval', 'checkout'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** A PAM session, approval or checkout, linked to the elevation and assignment it used (governance evidence). */
export interface SessionEvidence {
  readonly id: EvidenceId;
  readonly connectorId: ConnectorId;
  /** The vendor's id for the session or request; unique per connector. */
  readonly externalId: string;
  readonly kind: EvidenceKind;
  readonly principal: string;
  readonly identityId?: IdentityId | undefined;
  readonly target?: PamTarget | undefined;
  readonly elevationId?: ElevationId | undefined;
  readonly assignmentId?: AssignmentId | undefined;
  readonly entitlementId?: EntitlementId | undefined;
  readonly interactive: boolean;
  readonly startedAt: string;
  readonly endedAt?: string | undefined;
  readonly attributes: Record<string, unknown>;
}
