import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { MappingSet } from '../../../mappings/lib/index.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createReconciler } from '../../../gateway/reconcile/reconciler.ts';
import { openPostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { random } from './reconcile-harness.ts';

let drop: (() => Promise<void>) | undefined;
afterAll(async () => {
  await drop?.();
});

const emptySet: MappingSet = { profiles: new Map(), mappings: [], goldens: [], files: [] };

describe('one reconciler across PostgreSQL replicas', () => {
  it('a replica that cannot take the advisory lock skips the run; the lock is free again after', async () => {
    const fresh = await freshSchema();
    drop = fresh.drop;
    const a = await openPostgresStore({ connectionString: PG_URL, schema: fresh.schema, maxConnections: 4 });
    const b = await openPostgresStore({ connectionString: PG_URL, schema: fresh.schema, maxConnections: 4 });
    try {
      const reconciler = createReconciler({
        store: b, clock: systemClock, random, logger: pino({ level: 'silent' }), mappings: () => emptySet, connectors: () => [],
        openConnectors: () => ({ connectors: [], close: () => undefined }),
      });
      const held = await a.tryAdvisoryLock('reconciler');
      expect(held).toBeDefined();
      expect(await reconciler.reconcileNow()).toEqual({ ran: false, reason: 'locked-elsewhere' });
      await held!.release();
      const outcome = await reconciler.reconcileNow();
      expect(outcome.ran).toBe(true);
      expect((await b.ledger.last())?.action).toBe('reconcile.completed');
      expect(await b.cursors.get('reconcile.lastRunAt')).toBeDefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
