import type { Elevation } from '../../../domain/elevation.ts';
import type { ConnectorId, ElevationId, IdentityId } from '../../../domain/ids.ts';
import type { ElevationRepo } from '../../store.ts';
import { DocTable } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';

export const elevationTable = new DocTable<Elevation>('elevations', [
  ['connector_id', (r) => r.connectorId],
  ['external_request_id', (r) => r.externalRequestId],
  ['identity_id', (r) => r.identityId],
  ['status', (r) => r.status],
  ['window_end', (r) => r.windowEnd],
  ['requested_at', (r) => r.requestedAt],
]);

/** Must match the partial index `ix_elevations_ended` (migration 4). */
const ENDED = `status IN ('ended', 'expired') AND window_end IS NOT NULL`;

export function elevationRepo(db: SqlDb): ElevationRepo {
  const t = elevationTable;
  return {
    get: (id: ElevationId) => t.one(db, 'id = ?', [id]),
    getByExternalId: (connectorId: ConnectorId, externalRequestId: string) =>
      t.one(db, 'connector_id = ? AND external_request_id = ? ORDER BY id DESC', [connectorId, externalRequestId]),
    listByIdentity: (identityId: IdentityId) => t.many(db, 'identity_id = ? ORDER BY requested_at, id', [identityId]),
    listEnding: (at: string, limit: number) =>
      t.many(db, `status = 'active' AND window_end IS NOT NULL AND window_end <= ? ORDER BY window_end, id LIMIT ?`, [at, limit]),
    listEndedSince: (at: string, limit: number, after?: { readonly windowEnd: string; readonly id: ElevationId }) => after
      ? t.many(db, `${ENDED} AND window_end >= ? AND (window_end > ? OR (window_end = ? AND id > ?)) ORDER BY window_end, id LIMIT ?`, [at, after.windowEnd, after.windowEnd, after.id, limit])
      : t.many(db, `${ENDED} AND window_end >= ? ORDER BY window_end, id LIMIT ?`, [at, limit]),
    async insert(elevation: Elevation) {
      await db.runGuarded(t.insertSql, t.values(elevation));
    },
    async update(elevation: Elevation) {
      await db.run(t.updateSql, t.updateValues(elevation));
    },
  };
}
