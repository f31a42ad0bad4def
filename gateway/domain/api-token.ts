import type { ConnectorId, TokenId } from './ids.ts';

/**
 * A bearer credential. Only its SHA-256 hash is stored; the token itself is shown once at creation.
 * `scope` says what it may do: `scim` (one IGA connector's SCIM namespace) or `admin`.
 */
export interface ApiToken {
  readonly id: TokenId;
  readonly scope: 'scim' | 'admin';
  readonly connectorId?: ConnectorId | undefined;
  readonly label: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt?: string | undefined;
  readonly revokedAt?: string | undefined;
  readonly lastUsedAt?: string | undefined;
}
