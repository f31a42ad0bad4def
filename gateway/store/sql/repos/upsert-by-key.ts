import type { DocTable } from '../rows.ts';
import type { SqlDb } from '../sql-db.ts';

/**
 * Insert, or replace the row with the same natural key. The stored id stays the first one written for that
 * key, so references to it (events, console links) stay valid when a caller upserts with a fresh id.
 */
export async function upsertByKey<T extends { readonly id: string }>(
  db: SqlDb,
  table: DocTable<T>,
  key: { readonly columns: readonly string[]; readonly values: readonly unknown[] },
  record: T,
): Promise<void> {
  const where = key.columns.map((c) => `${c} = ?`).join(' AND ');
  await db.atomic(async (tx) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await tx.get(`SELECT id FROM ${table.table} WHERE ${where}`, key.values);
      if (existing) {
        await tx.runGuarded(table.updateSql, table.updateValues({ ...record, id: existing['id'] as string }));
        return;
      }
      const inserted = await tx.runGuarded(`${table.insertSql} ON CONFLICT (${key.columns.join(', ')}) DO NOTHING`, table.values(record));
      if (inserted > 0) return;
    }
    throw new Error(`upsert into ${table.table} lost a race twice`);
  });
}
