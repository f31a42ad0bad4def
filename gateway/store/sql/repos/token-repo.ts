import type { ApiToken } from '../../../domain/api-token.ts';
import type { TokenId } from '../../../domain/ids.ts';
import type { TokenRepo } from '../../store.ts';
import { DocTable } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';
import { and, sql, type Fragment } from '../sql-fragment.ts';

export const tokenTable = new DocTable<ApiToken>('api_tokens', [
  ['scope', (r) => r.scope],
  ['connector_id', (r) => r.connectorId],
  ['hash', (r) => r.hash],
]);

export function tokenRepo(db: SqlDb): TokenRepo {
  const t = tokenTable;
  return {
    async insert(token: ApiToken) {
      await db.runGuarded(t.insertSql, t.values(token));
    },
    getByHash: (hash: string) => t.one(db, 'hash = ?', [hash]),
    list(filter) {
      const conditions: Fragment[] = [];
      if (filter?.connectorId !== undefined) conditions.push(sql`connector_id = ${filter.connectorId}`);
      if (filter?.scope !== undefined) conditions.push(sql`scope = ${filter.scope}`);
      const where = and(conditions);
      return t.many(db, `${where.text} ORDER BY id`, where.params);
    },
    revoke(id: TokenId, at: string) {
      return db.atomic(async (tx) => {
        const token = await t.one(tx, 'id = ?', [id]);
        if (!token || token.revokedAt !== undefined) return false;
        await tx.run(t.updateSql, t.updateValues({ ...token, revokedAt: at }));
        return true;
      });
    },
    touch(id: TokenId, at: string) {
      return db.atomic(async (tx) => {
        const token = await t.one(tx, 'id = ?', [id]);
        if (!token) return false;
        if (token.lastUsedAt !== undefined && token.lastUsedAt >= at) return true;
        await tx.run(t.updateSql, t.updateValues({ ...token, lastUsedAt: at }));
        return true;
      });
    },
  };
}
