/**
 * What the mapping evaluator reads of an IGA entitlement and identity. Structural subsets of the gateway's
 * domain `Entitlement` and `Identity`, so the gateway passes its records as they are.
 */
export interface EntitlementInput {
  readonly connectorId: string;
  readonly displayName: string;
  readonly externalId?: string | undefined;
  readonly governance?: Readonly<Record<string, unknown>> | undefined;
  readonly resource?: Readonly<Record<string, unknown>> | undefined;
}

export interface IdentityInput {
  readonly userName: string;
  readonly id?: string | undefined;
  readonly externalId?: string | undefined;
  readonly displayName?: string | undefined;
  readonly kind?: string | undefined;
  readonly owner?: string | undefined;
  readonly active?: boolean | undefined;
  readonly resource?: Readonly<Record<string, unknown>> | undefined;
}

/** Optional details of the assignment being granted or revoked, passed to request templates. */
export interface AssignmentInput {
  readonly expiresAt?: string | undefined;
  readonly ticket?: string | undefined;
  readonly approver?: string | undefined;
}
