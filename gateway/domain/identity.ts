import type { ConnectorId, IdentityId } from './ids.ts';

/** What kind of subject an identity is. Everything but `human` is a non-human identity (NHI) and needs an owner. */
export const IDENTITY_KINDS = ['human', 'service-account', 'workload', 'api-key', 'build-agent', 'ai-agent', 'break-glass'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export function isNonHuman(kind: IdentityKind): boolean {
  return kind !== 'human' && kind !== 'break-glass';
}

/**
 * A subject known to IGA, pushed over SCIM. `resource` keeps the whole SCIM document as accepted (core,
 * enterprise and Lockstep extensions) so that read-back returns what the IGA sent; the typed fields are the
 * ones Lockstep itself reasons about, extracted from it.
 */
export interface Identity {
  readonly id: IdentityId;
  readonly connectorId: ConnectorId;
  readonly externalId?: string | undefined;
  readonly userName: string;
  readonly displayName?: string | undefined;
  readonly kind: IdentityKind;
  /** Accountable owner (a userName or identity id); required for non-human identities. */
  readonly owner?: string | undefined;
  readonly active: boolean;
  readonly resource: Record<string, unknown>;
  /** Incremented on every change; the SCIM ETag is `W/"<version>"`. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set when the identity was deleted: it stays readable as a tombstone until purged. */
  readonly deletedAt?: string | undefined;
}

/** An identity without its SCIM resource: what scans that never read the resource load. */
export type IdentityHead = Omit<Identity, 'resource'>;
