import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { LATEST_SCHEMA_VERSION } from '../../../gateway/store/sql/migrations.ts';
import { PG_URL, freshSchema } from './pg-schema.ts';

describe('PostgreSQL store for several replicas', () => {
  const opened: PostgresStore[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const d of drops.splice(0)) await d();
  });

  async function replicas(n: number): Promise<PostgresStore[]> {
    const { schema, drop } = await freshSchema();
    drops.push(drop);
    const stores = await Promise.all(Array.from({ length: n }, () => openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 3 })));
    opened.push(...stores);
    return stores;
  }

  it('migrates once when replicas start together', async () => {
    const [a, b, c] = await replicas(3);
    expect(await a?.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(await b?.schemaVersion()).toBe(await c?.schemaVersion());
  });

  it('lets one replica at a time hold a named advisory lock', async () => {
    const [a, b] = await replicas(2);
    if (!a || !b) throw new Error('fixture');
    const lock = await a.tryAdvisoryLock('reconciler');
    expect(lock).toBeDefined();
    expect(await b.tryAdvisoryLock('reconciler')).toBeUndefined();
    const other = await b.tryAdvisoryLock('something-else');
    expect(other).toBeDefined();
    await lock?.release();
    const taken = await b.tryAdvisoryLock('reconciler');
    expect(taken).toBeDefined();
    await taken?.release();
    await other?.release();
  });

  it('releases a held lock when its replica closes', async () => {
    const [a, b] = await replicas(2);
    if (!a || !b) throw new Error('fixture');
    expect(await a.tryAdvisoryLock('reconciler')).toBeDefined();
    await a.close();
    opened.splice(opened.indexOf(a), 1);
    const lock = await b.tryAdvisoryLock('reconciler');
    expect(lock).toBeDefined();
    await lock?.release();
  });

  it('notifies subscribers of committed domain events only', async () => {
    const [a, b] = await replicas(2);
    if (!a || !b) throw new Error('fixture');
    const seen: number[] = [];
    let wake = () => {};
    const unsubscribe = await b.subscribe((seq) => {
      seen.push(seq);
      wake();
    });
    const arrived = new Promise<void>((resolve) => {
      wake = resolve;
    });
    await expect(a.transaction(async (tx) => {
      await tx.events.append({ type: 'finding.changed', subject: 'x', actor: 't', payload: {}, occurredAt: '2026-01-01T00:00:00.000Z' });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    const committed = await a.events.append({ type: 'finding.changed', subject: 'y', actor: 't', payload: {}, occurredAt: '2026-01-01T00:00:00.000Z' });
    await arrived;
    expect(seen).toEqual([committed.seq]);
    await unsubscribe();
  });

  it('retries a transaction that PostgreSQL aborts as a deadlock victim', async () => {
    const [a, b] = await replicas(2);
    if (!a || !b) throw new Error('fixture');
    await a.cursors.set('x', '0');
    await a.cursors.set('y', '0');
    let runs = 0;
    let bothHoldOne = () => {};
    const held = new Promise<void>((resolve) => {
      let n = 0;
      bothHoldOne = () => {
        if (++n === 2) resolve();
      };
    });
    const crosswise = (store: PostgresStore, first: string, second: string) => store.transaction(async (tx) => {
      runs++;
      await tx.cursors.set(first, first);
      bothHoldOne();
      await held;
      await tx.cursors.set(second, first);
      return first;
    });
    expect((await Promise.all([crosswise(a, 'x', 'y'), crosswise(b, 'y', 'x')])).sort()).toEqual(['x', 'y']);
    expect(runs).toBe(3);
    // the victim ran again after the other committed, so its writes are the last on both rows
    const finals = [await a.cursors.get('x'), await a.cursors.get('y')];
    expect(finals[0]).toBe(finals[1]);
  });

  it('refuses schema names that are not plain identifiers', async () => {
    await expect(openPostgresStore({ connectionString: PG_URL, schema: 'x"; DROP SCHEMA public; --' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });

  it('fails with a clear message when the server cannot be reached', async () => {
    await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: 'nowhere' })).rejects.toThrow(/cannot open the PostgreSQL state store/);
  });
});
