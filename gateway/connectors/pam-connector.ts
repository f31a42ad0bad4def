import type { TargetKind } from '../domain/grant.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import { type DeliveryFailure, isRetryable } from '../outbox/retry-policy.ts';

/**
 * The outbound PAM connector port (Teleport's access plugins): a handful of methods every vendor implements and
 * every implementation proves with `test/contract/connector.ts`. Expected failures are values, classified so that
 * the outbox knows whether to retry. "Already exists" on grant and "not found" on revoke mean "already done".
 */
export interface ConnectorError {
  readonly failure: DeliveryFailure;
  /** Safe to log and show: never a secret or a full response body. */
  readonly message: string;
}

export type ConnectorResult<T> = Result<T, ConnectorError>;

/** A PAM target as the vendor names it (the connector is implied). */
export interface TargetRef {
  readonly kind: TargetKind;
  readonly ref: string;
}

export interface GrantInput {
  readonly target: TargetRef;
  readonly principal: string;
  readonly permissions: readonly string[];
  /** ISO time when a time-bound grant ends (standing grants have none). */
  readonly validUntil?: string | undefined;
  readonly idempotencyKey: string;
}

/** Set a principal's permissions on a target it already holds to exactly `permissions` (profile action `update-permissions`). */
export interface UpdatePermissionsInput {
  readonly target: TargetRef;
  readonly principal: string;
  readonly permissions: readonly string[];
  /** The vendor's id of the grant, when its update call needs it (Delinea secret permissions). */
  readonly externalId?: string | undefined;
  /** ISO time when a time-bound grant ends, for vendors whose update call restates it. */
  readonly validUntil?: string | undefined;
  readonly idempotencyKey: string;
}

export interface RevokeInput {
  readonly target: TargetRef;
  readonly principal: string;
  /** The vendor's id of the grant, when the grant call returned one (StrongDM account grants). */
  readonly externalId?: string | undefined;
  readonly idempotencyKey: string;
}

/** One access path as the vendor reports it (read-back, inventory). */
export interface ObservedAccess {
  readonly target: TargetRef;
  readonly principal: string;
  readonly permissions: readonly string[];
  readonly externalId?: string | undefined;
  readonly validUntil?: string | undefined;
}

export interface ElevationInput {
  readonly externalRequestId: string;
  /** What the elevation is on and for whom, when the vendor's call needs them (ending JIT access on an account). */
  readonly target?: TargetRef | undefined;
  readonly principal?: string | undefined;
  readonly reason?: string | undefined;
  readonly validUntil?: string | undefined;
  readonly idempotencyKey: string;
}

export interface IgaNotification {
  /** What happened (`grant.removed`), for logs and the outbox row. */
  readonly event: string;
  readonly subject: string;
  /** What the IGA profile's template reads: typically `{event, identity, entitlement}`. */
  readonly payload: Record<string, unknown>;
  readonly idempotencyKey: string;
}

export interface Done {
  /** True when the vendor said it was already so (409 already a member, 404 on revoke). */
  readonly alreadyDone: boolean;
  readonly externalId?: string | undefined;
  readonly response?: Record<string, unknown> | undefined;
}

export interface PamConnector {
  readonly id: ConnectorId;
  readonly vendor: string;
  checkHealth(): Promise<ConnectorResult<{ readonly latencyMs: number }>>;
  grant(input: GrantInput): Promise<ConnectorResult<Done>>;
  revoke(input: RevokeInput): Promise<ConnectorResult<Done>>;
  /** A permanent failure when the vendor's profile has no `update-permissions` action. */
  updatePermissions(input: UpdatePermissionsInput): Promise<ConnectorResult<Done>>;
  readBack(input: { readonly target: TargetRef; readonly principal: string }): Promise<ConnectorResult<{ readonly present: boolean; readonly access?: ObservedAccess | undefined }>>;
  /**
   * Every access path (of one target, when the vendor lists per container), one page per iteration; throws
   * {@link ConnectorCallError} when a page cannot be read.
   */
  listInventory(opts?: { readonly target?: TargetRef; readonly pageSize?: number }): AsyncIterable<readonly ObservedAccess[]>;
  approveElevation(input: ElevationInput): Promise<ConnectorResult<Done>>;
  denyElevation(input: ElevationInput): Promise<ConnectorResult<Done>>;
  endElevation(input: ElevationInput): Promise<ConnectorResult<Done>>;
  notifyIga(input: IgaNotification): Promise<ConnectorResult<Done>>;
}

/** Thrown only where a Result cannot be returned (inside an async iterator). */
export class ConnectorCallError extends Error {
  constructor(readonly error: ConnectorError) {
    super(error.message);
    this.name = 'ConnectorCallError';
  }
}

export function isRetryableError(error: ConnectorError): boolean {
  return isRetryable(error.failure);
}
