import type { ConflictId } from './ids.ts';

export const CONFLICT_KINDS = ['both-sides-changed', 'revoked-with-exception', 'mappings-disagree', 'pam-grant-unapproved'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export const RESOLUTION_ACTIONS = ['iga-wins', 'pam-wins', 'exception', 'revoke'] as const;
export type ResolutionAction = (typeof RESOLUTION_ACTIONS)[number];

export interface ConflictResolution {
  readonly action: ResolutionAction;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  /** For `exception`: who owns it and until when; when it expires the finding returns. */
  readonly owner?: string | undefined;
  readonly until?: string | undefined;
}

/** The desired state is ambiguous and needs a person's decision. */
export interface Conflict {
  readonly id: ConflictId;
  readonly kind: ConflictKind;
  readonly key: string;
  readonly subject: Record<string, string>;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly status: 'open' | 'resolved';
  readonly resolution?: ConflictResolution | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}
