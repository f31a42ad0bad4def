import type { AssignmentId, ConnectorId, EntitlementId, EvidenceId } from '../../../domain/ids.ts';
import type { SessionEvidence } from '../../../domain/session-evidence.ts';
import type { EvidenceRepo } from '../../store.ts';
import { DocTable } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { upsertByKey } from './upsert-by-key.ts';

export const evidenceTable = new DocTable<SessionEvidence>('evidence', [
  ['connector_id', (r) => r.connectorId],
  ['external_id', (r) => r.externalId],
  ['assignment_id', (r) => r.assignmentId],
  ['entitlement_id', (r) => r.entitlementId],
  ['started_at', (r) => r.startedAt],
]);

export function evidenceRepo(db: SqlDb): EvidenceRepo {
  const t = evidenceTable;
  return {
    get: (id: EvidenceId) => t.one(db, 'id = ?', [id]),
    getByExternalId: (connectorId: ConnectorId, externalId: string) =>
      t.one(db, 'connector_id = ? AND external_id = ?', [connectorId, externalId]),
    listByAssignment: (assignmentId: AssignmentId) => t.many(db, 'assignment_id = ? ORDER BY started_at, id', [assignmentId]),
    listByEntitlement: (entitlementId: EntitlementId) => t.many(db, 'entitlement_id = ? ORDER BY started_at, id', [entitlementId]),
    upsert: (evidence: SessionEvidence) =>
      upsertByKey(db, t, { columns: ['connector_id', 'external_id'], values: [evidence.connectorId, evidence.externalId] }, evidence),
  };
}
