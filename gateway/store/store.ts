/**
 * The state store port: one interface for everything in the canonical model, implemented by SQLite (default,
 * embedded) and PostgreSQL (several replicas). Both pass `test/contract/store.ts`.
 *
 * Rules every implementation keeps:
 * - Every method is async (PostgreSQL needs it), and every write inside `transaction()` commits or rolls back
 *   with the others: a state change and the domain events, ledger entries and outbox rows it causes are one unit.
 * - Calls made on the `Store` itself, outside `transaction()`, are each their own transaction.
 * - Timestamps are ISO-8601 strings chosen by the caller (time comes from an injected Clock, never from the store).
 * - "Already exists" on an idempotent insert (inbox dedupe key, outbox idempotency key) is a value, not an error.
 *   A real uniqueness violation (a second live user with the same userName) throws {@link UniqueViolation}.
 * - Optimistic concurrency: `update(row, expectedVersion)` returns false when the stored version differs.
 */
import type { ApiToken } from '../domain/api-token.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Conflict } from '../domain/conflict.ts';
import type { DomainEvent, NewDomainEvent } from '../domain/domain-event.ts';
import type { Elevation } from '../domain/elevation.ts';
import type { Entitlement } from '../domain/entitlement.ts';
import type { Finding, FindingKind, Severity } from '../domain/finding.ts';
import type { Grant, PamTarget } from '../domain/grant.ts';
import type { Identity, IdentityHead } from '../domain/identity.ts';
import type {
  AssignmentId, ConflictId, ConnectorId, ElevationId, EntitlementId, EvidenceId, FindingId, GrantId, IdentityId,
  InboxId, OutboxId, RevocationId, TokenId,
} from '../domain/ids.ts';
import type { InboxEvent, InboxStatus } from '../domain/inbox-event.ts';
import type { LedgerEntry, NewLedgerEntry } from '../domain/ledger-entry.ts';
import type { OutboxMessage, OutboxStatus } from '../domain/outbox-message.ts';
import type { Page, PageSpec, QuerySpec } from '../domain/query.ts';
import type { Revocation } from '../domain/revocation.ts';
import type { SessionEvidence } from '../domain/session-evidence.ts';

/** Thrown when an insert or update would break a uniqueness rule of the model (SCIM answers 409). */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string, message?: string) {
    super(message ?? `uniqueness violated: ${constraint}`);
    this.name = 'UniqueViolation';
  }
}

export interface InsertOutcome<I> {
  /** false when a row with the same dedupe or idempotency key existed: nothing was written. */
  readonly inserted: boolean;
  readonly id: I;
}

export interface IdentityRepo {
  get(id: IdentityId): Promise<Identity | undefined>;
  /** Case-insensitive; live (not deleted) identities only. */
  getByUserName(connectorId: ConnectorId, userName: string): Promise<Identity | undefined>;
  /**
   * Live identities of every connector with this userName (case-insensitive), in id order: resolving a PAM
   * principal when the mapping does not name the IGA connector (more than one → `identity-ambiguous`).
   */
  listByUserName(userName: string): Promise<readonly Identity[]>;
  /** Live identities only. */
  getByExternalId(connectorId: ConnectorId, externalId: string): Promise<Identity | undefined>;
  /**
   * Tombstones are left out unless `includeDeleted`. Comparisons are typed (a string never equals a number),
   * `ne` also matches resources where the attribute is absent, and paths `id`, `userName`, `externalId`,
   * `meta.created`, `meta.lastModified` and `groups` (active assignments) are served from typed columns.
   */
  query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Identity>>;
  /** Streams every live identity of every connector in id order, `batchSize` per round trip (reconciliation). */
  scan(batchSize: number): AsyncIterable<readonly Identity[]>;
  /** As {@link scan} without the SCIM resource (the bulk of a record), for scans that never read it. */
  scanHeads(batchSize: number): AsyncIterable<readonly IdentityHead[]>;
  /** Throws UniqueViolation('identity.userName') when a live identity of the connector has the same userName. */
  insert(identity: Identity): Promise<void>;
  update(identity: Identity, expectedVersion: number): Promise<boolean>;
  /** Hard-deletes tombstones deleted before `before`; returns how many. */
  purgeDeleted(before: string): Promise<number>;
}

export interface EntitlementRepo {
  get(id: EntitlementId): Promise<Entitlement | undefined>;
  /** Live entitlements only. */
  getByExternalId(connectorId: ConnectorId, externalId: string): Promise<Entitlement | undefined>;
  /** As identities' query; `members` matches active assignments (`value` = identity id, `display` = userName). */
  query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Entitlement>>;
  /** Every live entitlement of every connector (mapping resolution, reconciliation). */
  listAll(): Promise<readonly Entitlement[]>;
  insert(entitlement: Entitlement): Promise<void>;
  update(entitlement: Entitlement, expectedVersion: number): Promise<boolean>;
  purgeDeleted(before: string): Promise<number>;
}

/** The columns of an assignment that a full reconciliation needs. */
export type AssignmentRef = Pick<Assignment, 'id' | 'entitlementId' | 'identityId'>;

/** Assignment ids after `after` ('' for the first) up to and including `through` (absent: no upper bound). */
export interface AssignmentIdRange {
  readonly after: string;
  readonly through?: string | undefined;
}

export interface AssignmentRepo {
  get(id: AssignmentId): Promise<Assignment | undefined>;
  findActive(entitlementId: EntitlementId, identityId: IdentityId): Promise<Assignment | undefined>;
  listByEntitlement(entitlementId: EntitlementId, opts?: { activeOnly?: boolean }): Promise<readonly Assignment[]>;
  listByIdentity(identityId: IdentityId, opts?: { activeOnly?: boolean }): Promise<readonly Assignment[]>;
  /** Active assignments whose expiresAt is at or before `at`. */
  listExpiring(at: string, limit: number): Promise<readonly Assignment[]>;
  /**
   * Streams who holds what for every active assignment in id order, `batchSize` rows per round trip (full
   * reconciliation), optionally only ids in (`range.after`, `range.through`] (`through` absent: to the end).
   * Read from indexed columns only: the whole record is never decoded.
   */
  scanActive(batchSize: number, range?: AssignmentIdRange): AsyncIterable<readonly AssignmentRef[]>;
  countActive(): Promise<number>;
  /** Throws UniqueViolation('assignment.active') for a second active assignment of one identity to one entitlement. */
  insert(assignment: Assignment): Promise<void>;
  update(assignment: Assignment): Promise<void>;
}

export interface GrantRepo {
  get(id: GrantId): Promise<Grant | undefined>;
  /** The grant of `principal` on `target`, whatever its status. */
  find(target: PamTarget, principal: string): Promise<Grant | undefined>;
  listByTarget(target: PamTarget, opts?: { activeOnly?: boolean }): Promise<readonly Grant[]>;
  listByPrincipal(connectorId: ConnectorId, principal: string, opts?: { activeOnly?: boolean }): Promise<readonly Grant[]>;
  listByAssignment(assignmentId: AssignmentId): Promise<readonly Grant[]>;
  /** Paged, for the SCIM PAM read-back (`/Containers`, `/ContainerPermissions`). */
  list(filter: { connectorId?: ConnectorId; activeOnly?: boolean }, page: PageSpec): Promise<Page<Grant>>;
  scanActive(connectorId: ConnectorId, batchSize: number): AsyncIterable<readonly Grant[]>;
  /** Insert or replace by (target, principal). A replaced row keeps its stored id (references stay valid). */
  upsert(grant: Grant): Promise<void>;
}

export interface ElevationRepo {
  get(id: ElevationId): Promise<Elevation | undefined>;
  getByExternalId(connectorId: ConnectorId, externalRequestId: string): Promise<Elevation | undefined>;
  listByIdentity(identityId: IdentityId): Promise<readonly Elevation[]>;
  /** Active elevations whose window ends at or before `at`. */
  listEnding(at: string, limit: number): Promise<readonly Elevation[]>;
  /**
   * Allowed elevations no longer active (`ended` or `expired`) whose window ends at or after `at`, in
   * (windowEnd, id) order, at most `limit`, starting after `after` (keyset paging).
   */
  listEndedSince(at: string, limit: number, after?: { readonly windowEnd: string; readonly id: ElevationId }): Promise<readonly Elevation[]>;
  insert(elevation: Elevation): Promise<void>;
  update(elevation: Elevation): Promise<void>;
}

export interface EvidenceRepo {
  get(id: EvidenceId): Promise<SessionEvidence | undefined>;
  getByExternalId(connectorId: ConnectorId, externalId: string): Promise<SessionEvidence | undefined>;
  listByAssignment(assignmentId: AssignmentId): Promise<readonly SessionEvidence[]>;
  listByEntitlement(entitlementId: EntitlementId): Promise<readonly SessionEvidence[]>;
  /** Insert or replace by (connectorId, externalId). A replaced row keeps its stored id. */
  upsert(evidence: SessionEvidence): Promise<void>;
}

export interface RevocationRepo {
  get(id: RevocationId): Promise<Revocation | undefined>;
  listByAssignment(assignmentId: AssignmentId): Promise<readonly Revocation[]>;
  list(filter: { status?: Revocation['status'] }, page: PageSpec): Promise<Page<Revocation>>;
  insert(revocation: Revocation): Promise<void>;
  update(revocation: Revocation): Promise<void>;
}

export interface FindingFilter {
  readonly kind?: FindingKind;
  readonly status?: Finding['status'];
  readonly severity?: Severity;
  /** Matches findings whose subject has this key with this value. */
  readonly subject?: Readonly<Record<string, string>>;
}

export interface FindingRepo {
  get(id: FindingId): Promise<Finding | undefined>;
  getByKey(kind: FindingKind, key: string): Promise<Finding | undefined>;
  /** `severity` sorts by rank (low < medium < high < critical). */
  list(filter: FindingFilter, sort: { by: 'firstSeenAt' | 'lastSeenAt' | 'severity' | 'kind'; order: 'asc' | 'desc' }, page: PageSpec): Promise<Page<Finding>>;
  /** Insert or replace by (kind, key). A replaced row keeps its stored id. */
  upsert(finding: Finding): Promise<void>;
}

export interface ConflictRepo {
  get(id: ConflictId): Promise<Conflict | undefined>;
  getByKey(kind: Conflict['kind'], key: string): Promise<Conflict | undefined>;
  /** Oldest first. */
  list(filter: { status?: Conflict['status']; kind?: Conflict['kind'] }, page: PageSpec): Promise<Page<Conflict>>;
  /** Insert or replace by (kind, key). A replaced row keeps its stored id. */
  upsert(conflict: Conflict): Promise<void>;
}

/** Per connector intake figures (mapping health). */
export interface InboxConnectorStats {
  readonly connectorId: ConnectorId;
  /** Deliveries received and not processed yet, and when the oldest of them was received. */
  readonly pending: number;
  readonly oldestPendingAt?: string | undefined;
  /** Deliveries handled (processedAt) at or after `since`, by outcome. */
  readonly processed: number;
  readonly unrecognised: number;
  readonly failed: number;
  /** The newest `unrecognised` or `failed` delivery handled at or after `since`, with its reason. */
  readonly lastError?: { readonly status: 'unrecognised' | 'failed'; readonly error: string; readonly at: string } | undefined;
}

export interface InboxRepo {
  /** Not inserted (and `id` is the existing row's) when (connectorId, dedupeKey) was seen before. */
  insert(event: InboxEvent): Promise<InsertOutcome<InboxId>>;
  get(id: InboxId): Promise<InboxEvent | undefined>;
  /** Oldest pending events first. */
  listPending(limit: number): Promise<readonly InboxEvent[]>;
  /** Sets the outcome and counts the attempt. */
  markDone(id: InboxId, status: Exclude<InboxStatus, 'pending'>, at: string, error?: string): Promise<void>;
  /**
   * Claims a row for this transaction: as `markDone`, but only while the row is still `pending`; true when it was
   * marked. False, with nothing written, when it is settled already or another transaction is settling it now
   * (PostgreSQL skips a row another replica has locked instead of waiting; SQLite write transactions never
   * overlap). Call it first in the transaction that writes what the row caused, and write nothing when false:
   * two replicas processing the same pending row then append its events once.
   */
  markDoneIfPending(id: InboxId, status: Exclude<InboxStatus, 'pending'>, at: string, error?: string): Promise<boolean>;
  countByStatus(): Promise<Readonly<Record<InboxStatus, number>>>;
  /**
   * Per connector with pending deliveries or deliveries handled at or after `since` (by connector id). Reads
   * the partial indexes of pending rows, of handled rows by processedAt (a range: no scan of older rows) and of
   * error rows; never the processed rows outside the window.
   */
  connectorStats(since: string): Promise<readonly InboxConnectorStats[]>;
  /**
   * Retention: deletes at most `limit` handled rows (`processed`, `unrecognised`, `failed`) whose processedAt is
   * before `before`, oldest first, in one statement; returns how many. Pending rows are never deleted. Reads
   * ix_inbox_handled (a range of processed_at). A deleted row's dedupe key may be accepted again.
   */
  purgeHandled(before: string, limit: number): Promise<number>;
}

export interface OutboxClaim {
  readonly now: string;
  readonly owner: string;
  /** The claim expires at this time; a message still `sending` after it may be claimed again. */
  readonly leaseUntil: string;
  readonly limit: number;
  readonly connectorId?: ConnectorId;
}

/** Per connector: its messages not yet delivered (mapping health's outbound lag). */
export interface OutboxBacklog {
  readonly connectorId: ConnectorId;
  /** Messages `queued`, `sending` or `failed`, and the createdAt of the oldest of them. */
  readonly undelivered: number;
  readonly oldestCreatedAt: string;
  /** The createdAt of the oldest message a claim at `now` would take (due), if any is due. */
  readonly oldestDueCreatedAt?: string | undefined;
}

/** Per connector and status (`failed`: retrying, `abandoned`: dead letters) the messages now in it. */
export interface OutboxFailures {
  readonly connectorId: ConnectorId;
  readonly status: 'failed' | 'abandoned';
  readonly count: number;
  /** Of them, those whose last failure (updatedAt) is at or after `since`. */
  readonly since: number;
  /** The newest of them (by updatedAt) and its last error. */
  readonly lastError: string;
  readonly lastAt: string;
}

export interface OutboxRepo {
  /** Not inserted (and `id` is the existing row's) when the idempotency key exists. */
  enqueue(message: OutboxMessage): Promise<InsertOutcome<OutboxId>>;
  get(id: OutboxId): Promise<OutboxMessage | undefined>;
  getByIdempotencyKey(key: string): Promise<OutboxMessage | undefined>;
  /**
   * Atomically takes due messages (`queued`/`failed` with nextAttemptAt ≤ now, or `sending` whose lease ran
   * out), oldest first, sets them `sending` with the claim, bumps `attempts`, and returns them. Two
   * concurrent claimers never receive the same message.
   */
  claim(claim: OutboxClaim): Promise<readonly OutboxMessage[]>;
  markDelivered(id: OutboxId, at: string, response?: Record<string, unknown>): Promise<void>;
  /** `retryAt` set: `failed`, retried then; undefined: `abandoned` (a dead letter). */
  markFailed(id: OutboxId, at: string, error: string, retryAt: string | undefined): Promise<void>;
  /** Dead letters back to `queued`, due at `at` with attempts reset to 0 (one, all of a connector, or all); returns how many. */
  replay(filter: { id?: OutboxId; connectorId?: ConnectorId }, at: string): Promise<number>;
  /** Oldest first. */
  list(filter: { status?: OutboxStatus; connectorId?: ConnectorId }, page: PageSpec): Promise<Page<OutboxMessage>>;
  /**
   * Counts per connector and status (mapping health, metrics), by connector id then status. Undelivered states
   * (`queued`, `sending`, `failed`, `abandoned`) are counted from their partial index (never reading delivered
   * rows); `delivered` counts the delivered messages still kept (the table is bounded by the retention purge), or
   * with `deliveredSince` only those delivered at or after it (a range of the delivered index).
   */
  stats(deliveredSince?: string): Promise<readonly { connectorId: ConnectorId; status: OutboxStatus; count: number }[]>;
  /** Per connector with undelivered messages, by connector id; reads the claim index (undelivered rows only). */
  backlog(now: string): Promise<readonly OutboxBacklog[]>;
  /** Failed and abandoned messages per connector and status, by connector id then status; never reads delivered rows. */
  failures(since: string): Promise<readonly OutboxFailures[]>;
  /** Messages of one connector delivered at or after `since`, and its newest delivery (a range of a partial index). */
  deliveries(connectorId: ConnectorId, since: string): Promise<{ readonly count: number; readonly lastDeliveredAt?: string | undefined }>;
  /**
   * Retention: deletes at most `limit` `delivered` messages (superseded ones included) whose deliveredAt is before
   * `before`, oldest first, in one statement; returns how many. Never deletes a message that is not delivered
   * (dead letters stay until replayed), nor one an access path's cursors still name (`outbox.path:<key>` and
   * `outbox.path-last:<key>`, outbox/path-order.ts). A deleted message's idempotency key may be enqueued again.
   */
  purgeDelivered(before: string, limit: number): Promise<number>;
}

export interface DomainEventRepo {
  /**
   * Assigns the next seq (gapless, 1-based, in commit order: appends are serialised, so a consumer reading
   * `readAfter(cursor)` never misses an event committed later with a lower seq) and a new event id.
   */
  append(event: NewDomainEvent & { occurredAt: string }): Promise<DomainEvent>;
  /** Events with seq > `afterSeq`, ascending. */
  readAfter(afterSeq: number, limit: number): Promise<readonly DomainEvent[]>;
  lastSeq(): Promise<number>;
}

/** Durable named positions: event consumers' last seq, pollers' vendor cursors. */
export interface CursorRepo {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /**
   * Reads the cursor and holds it until the surrounding transaction ends (call it inside `transaction()`, before
   * anything else the cursor guards): a second transaction locking the same name waits, then reads what the first
   * committed. PostgreSQL takes a transaction-scoped advisory lock keyed by the schema and the name (no row needs
   * to exist); SQLite needs none, its write transactions never overlap. A read-check-write of a cursor (the sync
   * engine's position, a poller's vendor cursor) under this lock is applied once across replicas.
   */
  lock(name: string): Promise<string | undefined>;
}

export interface LedgerRepo {
  /** Appends after the current last entry, computing prevHash and hash (see gateway/ledger/). */
  append(entry: NewLedgerEntry & { at: string }): Promise<LedgerEntry>;
  /** Entries with seq ≥ `fromSeq`, ascending, as stored (verification reads them back this way). */
  read(fromSeq: number, limit: number): Promise<readonly LedgerEntry[]>;
  last(): Promise<LedgerEntry | undefined>;
  /** Entries about one subject, ascending (evidence packs). */
  listBySubject(subject: string): Promise<readonly LedgerEntry[]>;
}

export interface TokenRepo {
  insert(token: ApiToken): Promise<void>;
  getByHash(hash: string): Promise<ApiToken | undefined>;
  list(filter?: { connectorId?: ConnectorId; scope?: ApiToken['scope'] }): Promise<readonly ApiToken[]>;
  /** true when the token was revoked now; false when unknown or already revoked. */
  revoke(id: TokenId, at: string): Promise<boolean>;
  /** Sets `lastUsedAt` (a later time only; an earlier one is ignored); false when no such token exists. */
  touch(id: TokenId, at: string): Promise<boolean>;
}

/** Everything that can be read or written inside one transaction. */
export interface StoreTx {
  readonly identities: IdentityRepo;
  readonly entitlements: EntitlementRepo;
  readonly assignments: AssignmentRepo;
  readonly grants: GrantRepo;
  readonly elevations: ElevationRepo;
  readonly evidence: EvidenceRepo;
  readonly revocations: RevocationRepo;
  readonly findings: FindingRepo;
  readonly conflicts: ConflictRepo;
  readonly inbox: InboxRepo;
  readonly outbox: OutboxRepo;
  readonly events: DomainEventRepo;
  readonly cursors: CursorRepo;
  readonly ledger: LedgerRepo;
  readonly tokens: TokenRepo;
}

export interface Store extends StoreTx {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: everything it wrote commits together, or nothing does when it throws.
   * `fn` must do no I/O other than through `tx` (it may be retried on serialization failures). Inside `fn`
   * use `tx` only: on SQLite a call on the Store itself waits until the transaction ends (awaiting it there
   * would never finish).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Open and migrated to the latest schema version. */
  isReady(): boolean;
  /** Current schema version (number of migrations applied). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
