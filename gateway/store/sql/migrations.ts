/**
 * The schema, as an ordered list of migrations shared by both dialects. Never edit a released migration:
 * append a new one. `schema_migrations` records which versions ran.
 */
export interface ColumnTypes {
  /** Text compared in binary order (PostgreSQL: COLLATE "C", so that ISO timestamps and ids order as in SQLite). */
  readonly text: string;
  /** A JSON document that queries read into (SQLite TEXT, PostgreSQL JSONB). */
  readonly json: string;
  readonly int: string;
  readonly bigint: string;
  /** An integer primary key assigned by the store (max + 1 under the write lock: gapless, in commit order). */
  readonly seq: string;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (t: ColumnTypes) => readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'canonical model',
    statements: (t) => [
      `CREATE TABLE identities (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, external_id ${t.text},
        user_name ${t.text} NOT NULL, user_name_lc ${t.text} NOT NULL,
        created_at ${t.text} NOT NULL, updated_at ${t.text} NOT NULL, deleted_at ${t.text}, version ${t.int} NOT NULL,
        resource ${t.json} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_identities_user_name ON identities (connector_id, user_name_lc) WHERE deleted_at IS NULL`,
      `CREATE INDEX ix_identities_connector ON identities (connector_id, id)`,
      `CREATE INDEX ix_identities_external ON identities (connector_id, external_id)`,
      `CREATE INDEX ix_identities_user_name_any ON identities (user_name_lc) WHERE deleted_at IS NULL`,
      `CREATE INDEX ix_identities_deleted ON identities (deleted_at) WHERE deleted_at IS NOT NULL`,

      `CREATE TABLE entitlements (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, external_id ${t.text},
        display_name ${t.text} NOT NULL, display_name_lc ${t.text} NOT NULL,
        created_at ${t.text} NOT NULL, updated_at ${t.text} NOT NULL, deleted_at ${t.text}, version ${t.int} NOT NULL,
        resource ${t.json} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE INDEX ix_entitlements_connector ON entitlements (connector_id, id)`,
      `CREATE INDEX ix_entitlements_external ON entitlements (connector_id, external_id)`,
      `CREATE INDEX ix_entitlements_display_name ON entitlements (connector_id, display_name_lc)`,
      `CREATE INDEX ix_entitlements_deleted ON entitlements (deleted_at) WHERE deleted_at IS NOT NULL`,

      `CREATE TABLE assignments (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL,
        entitlement_id ${t.text} NOT NULL REFERENCES entitlements (id) ON DELETE CASCADE,
        identity_id ${t.text} NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
        status ${t.text} NOT NULL, expires_at ${t.text}, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_assignments_active ON assignments (entitlement_id, identity_id) WHERE status = 'active'`,
      `CREATE INDEX ix_assignments_entitlement ON assignments (entitlement_id, status)`,
      `CREATE INDEX ix_assignments_identity ON assignments (identity_id, status)`,
      `CREATE INDEX ix_assignments_active ON assignments (id) WHERE status = 'active'`,
      `CREATE INDEX ix_assignments_expiring ON assignments (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL`,

      `CREATE TABLE grants (
        id ${t.text} PRIMARY KEY, target_connector ${t.text} NOT NULL, target_kind ${t.text} NOT NULL,
        target_ref ${t.text} NOT NULL, principal ${t.text} NOT NULL, status ${t.text} NOT NULL,
        assignment_id ${t.text}, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_grants_target_principal ON grants (target_connector, target_kind, target_ref, principal)`,
      `CREATE INDEX ix_grants_principal ON grants (target_connector, principal)`,
      `CREATE INDEX ix_grants_assignment ON grants (assignment_id) WHERE assignment_id IS NOT NULL`,
      `CREATE INDEX ix_grants_connector ON grants (target_connector, id)`,

      `CREATE TABLE elevations (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, external_request_id ${t.text},
        identity_id ${t.text}, status ${t.text} NOT NULL, window_end ${t.text}, requested_at ${t.text} NOT NULL,
        doc ${t.text} NOT NULL)`,
      `CREATE INDEX ix_elevations_external ON elevations (connector_id, external_request_id)`,
      `CREATE INDEX ix_elevations_identity ON elevations (identity_id, requested_at)`,
      `CREATE INDEX ix_elevations_ending ON elevations (window_end) WHERE status = 'active'`,

      `CREATE TABLE evidence (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, external_id ${t.text} NOT NULL,
        assignment_id ${t.text}, entitlement_id ${t.text}, started_at ${t.text} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_evidence_external ON evidence (connector_id, external_id)`,
      `CREATE INDEX ix_evidence_assignment ON evidence (assignment_id, started_at) WHERE assignment_id IS NOT NULL`,
      `CREATE INDEX ix_evidence_entitlement ON evidence (entitlement_id, started_at) WHERE entitlement_id IS NOT NULL`,

      `CREATE TABLE revocations (
        id ${t.text} PRIMARY KEY, assignment_id ${t.text}, status ${t.text} NOT NULL,
        created_at ${t.text} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE INDEX ix_revocations_assignment ON revocations (assignment_id) WHERE assignment_id IS NOT NULL`,
      `CREATE INDEX ix_revocations_status ON revocations (status, created_at)`,

      `CREATE TABLE findings (
        id ${t.text} PRIMARY KEY, kind ${t.text} NOT NULL, key ${t.text} NOT NULL, status ${t.text} NOT NULL,
        severity ${t.text} NOT NULL, severity_rank ${t.int} NOT NULL,
        first_seen_at ${t.text} NOT NULL, last_seen_at ${t.text} NOT NULL, subject ${t.json} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_findings_kind_key ON findings (kind, key)`,
      `CREATE INDEX ix_findings_status ON findings (status, last_seen_at)`,

      `CREATE TABLE conflicts (
        id ${t.text} PRIMARY KEY, kind ${t.text} NOT NULL, key ${t.text} NOT NULL, status ${t.text} NOT NULL,
        created_at ${t.text} NOT NULL, doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_conflicts_kind_key ON conflicts (kind, key)`,
      `CREATE INDEX ix_conflicts_status ON conflicts (status, created_at)`,

      `CREATE TABLE inbox (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, dedupe_key ${t.text} NOT NULL,
        channel ${t.text} NOT NULL, content_type ${t.text} NOT NULL, body ${t.text} NOT NULL, headers ${t.text} NOT NULL,
        received_at ${t.text} NOT NULL, status ${t.text} NOT NULL, attempts ${t.int} NOT NULL,
        processed_at ${t.text}, error ${t.text})`,
      `CREATE UNIQUE INDEX ux_inbox_dedupe ON inbox (connector_id, dedupe_key)`,
      `CREATE INDEX ix_inbox_pending ON inbox (received_at, id) WHERE status = 'pending'`,

      `CREATE TABLE outbox (
        id ${t.text} PRIMARY KEY, connector_id ${t.text} NOT NULL, action ${t.text} NOT NULL,
        idempotency_key ${t.text} NOT NULL, payload ${t.text} NOT NULL, status ${t.text} NOT NULL,
        attempts ${t.int} NOT NULL, next_attempt_at ${t.text} NOT NULL, last_error ${t.text},
        claimed_by ${t.text}, claimed_until ${t.text}, response ${t.text},
        created_at ${t.text} NOT NULL, updated_at ${t.text} NOT NULL, delivered_at ${t.text})`,
      `CREATE UNIQUE INDEX ux_outbox_idempotency ON outbox (idempotency_key)`,
      `CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at)`,
      `CREATE INDEX ix_outbox_connector ON outbox (connector_id, status)`,

      `CREATE TABLE domain_events (
        seq ${t.seq}, id ${t.text} NOT NULL UNIQUE, type ${t.text} NOT NULL, subject ${t.text} NOT NULL,
        actor ${t.text} NOT NULL, payload ${t.text} NOT NULL, occurred_at ${t.text} NOT NULL)`,

      `CREATE TABLE cursors (name ${t.text} PRIMARY KEY, value ${t.text} NOT NULL)`,

      `CREATE TABLE ledger (
        seq ${t.bigint} PRIMARY KEY, at ${t.text} NOT NULL, actor ${t.text} NOT NULL, action ${t.text} NOT NULL,
        subject ${t.text} NOT NULL, data ${t.text} NOT NULL, prev_hash ${t.text} NOT NULL, hash ${t.text} NOT NULL)`,
      `CREATE INDEX ix_ledger_subject ON ledger (subject, seq)`,

      `CREATE TABLE api_tokens (
        id ${t.text} PRIMARY KEY, scope ${t.text} NOT NULL, connector_id ${t.text}, hash ${t.text} NOT NULL,
        doc ${t.text} NOT NULL)`,
      `CREATE UNIQUE INDEX ux_api_tokens_hash ON api_tokens (hash)`,
    ],
  },
  {
    version: 2,
    name: 'outbox claim indexes',
    /**
     * The claim walks one of these in (created_at, id) order and stops after `limit` due rows, instead of sorting
     * every pending row; status and the two due times are key columns so that skipping rows not yet due (in flight,
     * backing off) reads only the index. The WHERE must stay identical to the claim's `OUTBOX_CLAIMABLE` term.
     */
    statements: () => [
      `CREATE INDEX ix_outbox_claim_connector ON outbox (connector_id, created_at, id, status, next_attempt_at, claimed_until)
        WHERE status IN ('queued', 'failed', 'sending')`,
      `CREATE INDEX ix_outbox_claim ON outbox (created_at, id, status, next_attempt_at, claimed_until)
        WHERE status IN ('queued', 'failed', 'sending')`,
    ],
  },
  {
    version: 3,
    name: 'mapping health indexes',
    /**
     * Mapping health (gateway/admin/mapping-health.ts) reads these instead of scanning processed inbox or delivered
     * outbox rows: pending deliveries per connector; deliveries handled in a recent window (a range of
     * processed_at, covering); error rows per connector, newest first; deliveries per connector by time. The
     * repos' WHERE clauses repeat these predicates verbatim so that the planners match them.
     */
    statements: () => [
      `CREATE INDEX ix_inbox_pending_connector ON inbox (connector_id, received_at) WHERE status = 'pending'`,
      `CREATE INDEX ix_inbox_handled ON inbox (processed_at, connector_id, status) WHERE processed_at IS NOT NULL`,
      `CREATE INDEX ix_inbox_errors ON inbox (connector_id, processed_at) WHERE status IN ('unrecognised', 'failed')`,
      `CREATE INDEX ix_outbox_delivered ON outbox (connector_id, delivered_at) WHERE status = 'delivered'`,
    ],
  },
  {
    version: 4,
    name: 'ended elevations by window end',
    /** The full reconciliation's overstay check reads the elevations that ended since its previous run. */
    statements: () => [
      `CREATE INDEX ix_elevations_ended ON elevations (window_end, id) WHERE status IN ('ended', 'expired') AND window_end IS NOT NULL`,
    ],
  },
  {
    version: 5,
    name: 'retention purge and undelivered counts',
    /**
     * The retention purge (gateway/retention/) deletes delivered outbox messages oldest first (a range of
     * ix_outbox_settled) except the messages path order still names (ix_cursors_path_head: the `outbox.path:*` and
     * `outbox.path-last:*` cursors by the message id they name); handled inbox rows go by ix_inbox_handled
     * (migration 3). `outbox.stats()` counts undelivered messages from ix_outbox_open, never the delivered rows.
     * The repos repeat the predicates verbatim.
     */
    statements: () => [
      `CREATE INDEX ix_outbox_settled ON outbox (delivered_at, connector_id) WHERE status = 'delivered'`,
      `CREATE INDEX ix_outbox_open ON outbox (connector_id, status) WHERE status <> 'delivered'`,
      `CREATE INDEX ix_cursors_path_head ON cursors (value) WHERE name LIKE 'outbox.path%'`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Unique index → the constraint name `UniqueViolation` carries. SQLite names the columns instead of the index. */
export const UNIQUE_CONSTRAINTS: readonly { readonly index: string; readonly columns: string; readonly constraint: string }[] = [
  { index: 'ux_identities_user_name', columns: 'identities.connector_id, identities.user_name_lc', constraint: 'identity.userName' },
  { index: 'ux_assignments_active', columns: 'assignments.entitlement_id, assignments.identity_id', constraint: 'assignment.active' },
  { index: 'ux_grants_target_principal', columns: 'grants.target_connector, grants.target_kind, grants.target_ref, grants.principal', constraint: 'grant.targetPrincipal' },
  { index: 'ux_evidence_external', columns: 'evidence.connector_id, evidence.external_id', constraint: 'evidence.externalId' },
  { index: 'ux_findings_kind_key', columns: 'findings.kind, findings.key', constraint: 'finding.key' },
  { index: 'ux_conflicts_kind_key', columns: 'conflicts.kind, conflicts.key', constraint: 'conflict.key' },
  { index: 'ux_inbox_dedupe', columns: 'inbox.connector_id, inbox.dedupe_key', constraint: 'inbox.dedupeKey' },
  { index: 'ux_outbox_idempotency', columns: 'outbox.idempotency_key', constraint: 'outbox.idempotencyKey' },
  { index: 'ux_api_tokens_hash', columns: 'api_tokens.hash', constraint: 'token.hash' },
];

const TABLE_ENTITY: Record<string, string> = {
  identities: 'identity', entitlements: 'entitlement', assignments: 'assignment', grants: 'grant', elevations: 'elevation',
  evidence: 'evidence', revocations: 'revocation', findings: 'finding', conflicts: 'conflict', inbox: 'inbox',
  outbox: 'outbox', domain_events: 'event', api_tokens: 'token', ledger: 'ledger', cursors: 'cursor',
};

/** `<entity>.id` for a primary key clash on `table`. */
export function primaryKeyConstraint(table: string): string {
  return `${TABLE_ENTITY[table] ?? table}.id`;
}
