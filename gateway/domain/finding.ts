import type { FindingId } from './ids.ts';

export const FINDING_KINDS = [
  'pam-grant-without-entitlement',
  'revocation-pending',
  'entitlement-without-owner',
  'review-overdue',
  'elevation-overstay',
  'break-glass-unreviewed',
  'nhi-without-owner',
  'nhi-static-secret-stale',
  'nhi-interactive-session',
  'mapping-unresolved',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Unsynchronised access: one side has an access path the other cannot see or has not caught up with.
 * `key` identifies the subject so that the same cause updates one finding instead of opening another.
 */
export interface Finding {
  readonly id: FindingId;
  readonly kind: FindingKind;
  readonly key: string;
  readonly severity: Severity;
  readonly subject: Record<string, string>;
  readonly summary: string;
  readonly status: 'open' | 'resolved' | 'excepted';
  readonly evidence: Record<string, unknown>;
  /** Framework controls: `OWASP-NHI:NHI1`, `NIST-CSF-2.0:PR.AA-05`, `NIST-CSF-1.1:PR.AC-4`, `NIST-AI-RMF:GOVERN-1.6`. */
  readonly tags: readonly string[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt?: string | undefined;
  readonly exceptionUntil?: string | undefined;
}
