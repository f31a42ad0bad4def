/**
 * The canonical events every vendor profile normalises into. The gateway imports these types; the library
 * stays standalone (no imports from gateway/).
 */
export const TARGET_KINDS = ['safe', 'role', 'policy', 'account', 'group', 'resource', 'secret'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const CANONICAL_EVENT_TYPES = [
  'elevation.requested',
  'elevation.approved',
  'elevation.denied',
  'elevation.expired',
  'session.started',
  'session.ended',
  'grant.added',
  'grant.removed',
  'credential.rotated',
  'credential.rotation_failed',
  'credential.checked_out',
  'credential.checked_in',
  'credential.compromised',
  'account.disabled',
  'auth.logon',
  'auth.logoff',
  'iga.access.requested',
  'iga.access.revoked',
  'iga.identity.deactivated',
] as const;
export type CanonicalEventType = (typeof CANONICAL_EVENT_TYPES)[number];

export interface CanonicalTarget {
  readonly kind: TargetKind;
  readonly ref: string;
}

/** One fact from a vendor, in Lockstep's words. `externalId` is the vendor's id, meaningful with `connectorId`. */
export interface CanonicalEvent {
  readonly connectorId: string;
  readonly type: CanonicalEventType;
  readonly occurredAt: string;
  readonly principal?: string | undefined;
  readonly target?: CanonicalTarget | undefined;
  readonly externalId?: string | undefined;
  readonly durationMinutes?: number | undefined;
  readonly attributes: Record<string, unknown>;
}

/** A delivery as the intake received it: raw body plus the headers and channel it came on. */
export interface InboundInput {
  readonly connectorId: string;
  readonly body: string;
  readonly contentType?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly channel?: 'webhook' | 'syslog' | 'poll' | undefined;
  /** When the gateway accepted it (ISO 8601), bound as `$receivedAt` for vendors whose events carry no time. */
  readonly receivedAt?: string | undefined;
}

/**
 * What normalising one delivery gave. Never thrown: malformed or unknown input is `unrecognised` with reasons,
 * a rule that deliberately drops an event is `ignored`.
 */
export interface NormaliseResult {
  readonly status: 'recognised' | 'ignored' | 'unrecognised';
  readonly dedupeKey?: string | undefined;
  readonly events: readonly CanonicalEvent[];
  /** Names of the rules that matched, in item order. */
  readonly rules: readonly string[];
  /** Why items were not recognised (empty when all were). */
  readonly reasons: readonly string[];
}
