/**
 * The console API contract: what every admin endpoint answers. The renderer, the preload bridge, the Electron
 * main process and the gateway's admin routes all speak these types, and only these.
 */
import type { Conflict, ConflictKind, ConflictResolution, ResolutionAction } from '../../gateway/domain/conflict.ts';
import type { DomainEvent } from '../../gateway/domain/domain-event.ts';
import type { Finding, FindingKind, Severity } from '../../gateway/domain/finding.ts';
import type { FrameworkTag } from '../../gateway/domain/framework-tags.ts';
import type { LedgerEntry } from '../../gateway/domain/ledger-entry.ts';
import type { OutboxMessage, OutboxStatus } from '../../gateway/domain/outbox-message.ts';
import type { LedgerVerification } from '../../gateway/ledger/verify-ledger.ts';
import type { LoadError } from '../../mappings/lib/yaml-source.ts';
import type { Trace } from '../../mappings/lib/tracer.ts';

export type { Conflict, ConflictKind, DomainEvent, Finding, FindingKind, LedgerEntry, LedgerVerification, LoadError, OutboxMessage, OutboxStatus, ResolutionAction, Severity, Trace };

export interface PageOf<T> {
  readonly totalResults: number;
  readonly startIndex: number;
  readonly count: number;
  readonly items: readonly T[];
}

export interface FindingsQuery {
  readonly kind?: FindingKind | undefined;
  readonly status?: Finding['status'] | undefined;
  readonly severity?: Severity | undefined;
  readonly sort?: 'firstSeenAt' | 'lastSeenAt' | 'severity' | 'kind' | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  readonly startIndex?: number | undefined;
  readonly count?: number | undefined;
}

export interface ConflictsQuery {
  readonly kind?: ConflictKind | undefined;
  readonly status?: Conflict['status'] | undefined;
  readonly startIndex?: number | undefined;
  readonly count?: number | undefined;
}

export interface OutboxQuery {
  readonly status?: OutboxStatus | undefined;
  readonly connectorId?: string | undefined;
  readonly startIndex?: number | undefined;
  readonly count?: number | undefined;
}

/** A framework control a finding is tagged with (`<framework>:<control>`). */
export type TagView = FrameworkTag;

export interface FindingDetail {
  readonly finding: Finding;
  readonly tags: readonly TagView[];
  readonly ledger: readonly LedgerEntry[];
}

/** The resolution a person decides (`by` is recorded in the ledger); the gateway stamps `at`. */
export type ResolveConflictInput = Omit<ConflictResolution, 'at'>;

export interface AppliedIntent {
  readonly kind: string;
  readonly detail: string;
  readonly outboxId?: string | undefined;
}

export interface ResolveConflictResult {
  readonly conflict: Conflict;
  readonly applied: readonly AppliedIntent[];
  readonly ledgerSeq: number;
}

export interface MappingFileView {
  /** Relative to the mappings directory. */
  readonly file: string;
  readonly editable: boolean;
}

export interface MappingView {
  readonly name: string;
  readonly file: string;
  readonly connector: string;
  readonly mode: 'standing' | 'jit';
  readonly targets: readonly { readonly connector: string; readonly kind: string }[];
  readonly drift: string;
  readonly conflict: string;
}

export interface MappingsOverview {
  readonly version: number;
  readonly loadedAt?: string | undefined;
  readonly lastError?: { readonly at: string; readonly errors: readonly LoadError[] } | undefined;
  readonly files: readonly MappingFileView[];
  readonly mappings: readonly MappingView[];
  readonly profiles: readonly string[];
}

export interface MappingFileText {
  readonly file: string;
  readonly text: string;
}

export type ValidationResult = { readonly ok: true; readonly mappings: number; readonly profiles: number } | { readonly ok: false; readonly errors: readonly LoadError[] };

export type SaveMappingResult = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly errors: readonly LoadError[] };

/** A dry-run: the input as YAML/JSON text (as typed in the console), or as an object. */
export type DryRunInput = { readonly text: string } | { readonly input: Record<string, unknown> };

export type DryRunResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly errors: readonly LoadError[] };

export interface ConnectorView {
  readonly id: string;
  readonly kind: 'iga' | 'pam';
  readonly vendor: string;
  readonly profile: string;
  readonly displayName?: string | undefined;
  readonly enabled: boolean;
  readonly inbound?: { readonly scheme: string } | undefined;
  readonly outbound?: { readonly baseUrl: string; readonly auth: string } | undefined;
  /** IGA connectors: their SCIM tokens (never the token itself), with when each was last used. */
  readonly tokens?: readonly TokenView[] | undefined;
}

export interface TokenView {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt?: string | undefined;
  readonly revokedAt?: string | undefined;
  /** Updated at most once a minute per token. */
  readonly lastUsedAt?: string | undefined;
}

export type ReplayInput = { readonly id: string } | { readonly connectorId: string } | { readonly all: true };

export type EvidenceFormat = 'json' | 'csv' | 'html';

export interface EvidenceExportInput {
  readonly scope: { readonly kind: 'entitlement'; readonly entitlementId: string } | { readonly kind: 'owner'; readonly owner: string };
  readonly format: EvidenceFormat;
  readonly unusedDays?: number | undefined;
}

export interface EvidenceExport {
  readonly filename: string;
  readonly contentType: string;
  readonly body: string;
}

/** ok / degraded / failing, from the thresholds in docs/admin-api.md (gateway/admin/health-status.ts). */
export type HealthStatus = 'ok' | 'degraded' | 'failing';

/** The newest error of one source: an inbox delivery (`unrecognised`/`failed`) or an outbox message (`failed`/`abandoned`). */
export interface HealthError {
  readonly status: 'unrecognised' | 'failed' | 'abandoned';
  readonly error: string;
  readonly at: string;
}

/** How far behind things are; every age in seconds at the response's `at`. */
export interface HealthLag {
  /** Inbox deliveries received and not processed yet, and the age of the oldest. */
  readonly intakePending: number;
  readonly intakeOldestAgeSeconds?: number | undefined;
  /** Outbox messages not yet delivered (queued, sending, failed), the age of the oldest, and of the oldest one due now. */
  readonly outboundUndelivered: number;
  readonly outboundOldestAgeSeconds?: number | undefined;
  readonly outboundOldestDueAgeSeconds?: number | undefined;
}

/** Errors in the error window (`MappingHealth.errorWindow`) and the error rate over the same window. */
export interface HealthErrors {
  /** Inbox deliveries handled in the window that were not recognised, or failed. */
  readonly inboxUnrecognised: number;
  readonly inboxFailed: number;
  readonly lastInboxError?: HealthError | undefined;
  /** Outbox messages now `failed` (retrying), and dead letters now (whenever they were abandoned). */
  readonly outboxFailed: number;
  readonly deadLetters: number;
  readonly lastOutboxError?: HealthError | undefined;
  /** In the window: inbox unrecognised + failed, outbox messages failed or abandoned (by their last failure). */
  readonly errors: number;
  /** In the window: inbox deliveries handled + outbox messages delivered, failed or abandoned. */
  readonly handled: number;
  /** errors / handled; null when nothing was handled. */
  readonly rate: number | null;
}

export interface ConnectorHealth {
  readonly connectorId: string;
  readonly kind?: 'iga' | 'pam' | undefined;
  readonly vendor?: string | undefined;
  readonly outbox: Readonly<Partial<Record<OutboxStatus, number>>>;
  readonly pending: number;
  readonly deadLetters: number;
  /** Domain events naming this connector in the recent window. */
  readonly recentEvents: number;
  readonly lastEventAt?: string | undefined;
  readonly lastDeliveredAt?: string | undefined;
  readonly lag: HealthLag;
  readonly errors: HealthErrors;
  readonly status: HealthStatus;
  /** Why the status is not ok (empty when ok). */
  readonly reasons: readonly string[];
}

export interface MappingHealthRow {
  readonly mapping: string;
  readonly file: string;
  readonly connectors: readonly string[];
  readonly pending: number;
  readonly deadLetters: number;
  readonly recentEvents: number;
  readonly lastEventAt?: string | undefined;
  /** Newest delivery to any of its connectors (its last successful outbound sync). */
  readonly lastDeliveredAt?: string | undefined;
  readonly openFindings: number;
  /** Over its connectors: counts summed, ages the largest. */
  readonly lag: HealthLag;
  /** Over its connectors: counts summed, the newest errors, the rate of the sums. */
  readonly errors: HealthErrors;
  /** The worst of its connectors' statuses, and degraded for open `mapping-unresolved` findings. */
  readonly status: HealthStatus;
  /** Its own reasons, then each connector's reasons prefixed with `<connectorId>: `. */
  readonly reasons: readonly string[];
}

/** The sync engine's position in the domain event log. */
export interface SyncEngineLag {
  readonly lastSeq: number;
  readonly cursor: number;
  /** Events appended and not consumed yet (lastSeq − cursor). */
  readonly behind: number;
  /** Age of the oldest event not consumed yet (absent when none). */
  readonly oldestUnconsumedAgeSeconds?: number | undefined;
  readonly status: HealthStatus;
  readonly reasons: readonly string[];
}

export interface MappingHealth {
  /** When the figures were computed (the gateway's clock); ages are measured from it. */
  readonly at: string;
  readonly connectors: readonly ConnectorHealth[];
  readonly mappings: readonly MappingHealthRow[];
  /** How many recent domain events the event figures (recentEvents, lastEventAt) were computed from. */
  readonly window: number;
  /** The time window of the error figures: from `since` to `at`. */
  readonly errorWindow: { readonly since: string; readonly hours: number };
  readonly syncEngine: SyncEngineLag;
}

export interface HealthSummary {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly reason?: string | undefined }>>;
  readonly findings: { readonly open: number; readonly excepted: number; readonly bySeverity: Readonly<Record<Severity, number>>; readonly byKind: Readonly<Partial<Record<FindingKind, number>>> };
  /** Open findings of the kinds that mean one side has access the other cannot see. */
  readonly unsynchronised: number;
  readonly conflicts: { readonly open: number };
  readonly outbox: Readonly<Partial<Record<OutboxStatus, number>>>;
  readonly ledger: { readonly entries: number };
  readonly events: { readonly lastSeq: number };
  readonly mappings: { readonly version: number; readonly count: number; readonly error: boolean };
}

/** One live update from the server-sent event stream. */
export type ConsoleEvent = DomainEvent;

/** Error envelope of the admin API, surfaced to console code as {@link ConsoleApiError}. */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly requestId?: string | undefined;
  readonly details?: unknown;
}

export class ConsoleApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ConsoleApiError';
  }
}
