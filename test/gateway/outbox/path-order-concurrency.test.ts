/**
 * Two transactions appending to one access path at once on PostgreSQL (READ COMMITTED), as the sync engine and the
 * reconciler of two replicas sharing one schema do: the second appender waits for the first to commit, so its
 * message follows the first one's and the path's cursors name the right newest messages.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import type { OutboxId } from '../../../gateway/domain/ids.ts';
import type { OutboundAction } from '../../../gateway/domain/outbox-message.ts';
import { enqueue } from '../../../gateway/outbox/enqueue.ts';
import { pathVerdict } from '../../../gateway/outbox/path-order.ts';
import { openPostgresStore, type PostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { eventually, ids } from '../intake/harness.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';

const CONNECTOR = 'cyberark-prod';
const PATH_KEY = `${CONNECTOR}/safe/Finance|bob`;
const payload = { target: { kind: 'safe', ref: 'Finance' }, principal: 'bob', permissions: ['listAccounts', 'useAccounts'] };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store on `schema` whose connections carry their own application name (to see them wait on a lock). */
async function replica(schema: string, app: string): Promise<PostgresStore> {
  const url = new URL(PG_URL);
  url.searchParams.set('application_name', app);
  const store = await openPostgresStore({ connectionString: url.toString(), schema, maxConnections: 2 });
  cleanups.push(() => store.close());
  return store;
}

const put = (store: Store, action: OutboundAction, key: string) =>
  store.transaction(async (tx) => (await enqueue(tx, { connectorId: CONNECTOR, action, idempotencyKey: key, payload }, { clock: systemClock, random: ids })).id);

describe('outbox path order under concurrent appenders (PostgreSQL)', () => {
  for (const [first, second] of [['update-permissions', 'revoke'], ['revoke', 'grant']] as const) {
    it(`${second} appended while ${first} of the same path is uncommitted follows it`, async () => {
      const { schema, drop } = await freshSchema();
      cleanups.push(drop);
      const tag = randomBytes(4).toString('hex');
      const a = await replica(schema, `lockstep-a-${tag}`);
      const b = await replica(schema, `lockstep-b-${tag}`);
      const watcher = new pg.Client({ connectionString: PG_URL });
      await watcher.connect();
      cleanups.push(() => watcher.end());
      const g0 = await put(a, 'grant', 'g0');

      // A (say the reconciler) appends and holds its transaction open …
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let wrote!: (id: OutboxId) => void;
      const written = new Promise<OutboxId>((r) => (wrote = r));
      const txA = a.transaction(async (tx) => {
        const out = await enqueue(tx, { connectorId: CONNECTOR, action: first, idempotencyKey: 'a1', payload }, { clock: systemClock, random: ids });
        wrote(out.id);
        await gate;
        return out.id;
      });
      await written;
      // … while B (say the sync engine on another replica) appends to the same path: it must wait for A.
      const txB = put(b, second, 'b1');
      await eventually(async () => {
        const r = await watcher.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`lockstep-b-${tag}`]);
        return r.rows[0]!.n > 0;
      });
      release();
      const [idA, idB] = await Promise.all([txA, txB]);

      const msgA = (await a.outbox.get(idA))!;
      const msgB = (await a.outbox.get(idB as OutboxId))!;
      expect(msgA.payload).toMatchObject({ pathKey: PATH_KEY, follows: g0 });
      expect(msgB.payload).toMatchObject({ pathKey: PATH_KEY, follows: idA });
      expect(await a.cursors.get(`outbox.path:${PATH_KEY}`)).toBe(idB);
      expect(await a.cursors.get(`outbox.path-last:${PATH_KEY}`)).toBe(idB);
      // Each older message is overtaken by the newest one; the newest is sent.
      const now = new Date().toISOString();
      expect(await pathVerdict(a, (await a.outbox.get(g0 as OutboxId))!, now)).toEqual({ kind: 'superseded', by: idB });
      expect(await pathVerdict(a, msgA, now)).toEqual({ kind: 'superseded', by: idB });
      expect(await pathVerdict(a, msgB, now)).toEqual({ kind: 'send' });
    });
  }

  it('never deadlocks with a transaction that appended an event before appending to the path (each runs once)', async () => {
    const { schema, drop } = await freshSchema();
    cleanups.push(drop);
    const tag = randomBytes(4).toString('hex');
    const a = await replica(schema, `lockstep-a-${tag}`);
    const b = await replica(schema, `lockstep-b-${tag}`);
    const watcher = new pg.Client({ connectionString: PG_URL });
    await watcher.connect();
    cleanups.push(() => watcher.end());
    const runs = { a: 0, b: 0 };

    // A has appended a domain event (as the engine does before its outbox writes) and holds its transaction …
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const started = new Promise<void>((r) => (appended = r));
    const txA = a.transaction(async (tx) => {
      runs.a++;
      await tx.events.append({ type: 'finding.changed', subject: 'finding:x', actor: 'test', payload: {}, occurredAt: new Date().toISOString() });
      appended();
      await gate;
      return (await enqueue(tx, { connectorId: CONNECTOR, action: 'revoke', idempotencyKey: 'a1', payload }, { clock: systemClock, random: ids })).id;
    });
    await started;
    // … B appends to the path (its first write) and waits for A; then A appends to the same path.
    const txB = b.transaction(async (tx) => {
      runs.b++;
      return (await enqueue(tx, { connectorId: CONNECTOR, action: 'update-permissions', idempotencyKey: 'b1', payload }, { clock: systemClock, random: ids })).id;
    });
    await eventually(async () => {
      const r = await watcher.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`lockstep-b-${tag}`]);
      return r.rows[0]!.n > 0;
    });
    release();
    const [idA, idB] = await Promise.all([txA, txB]);
    expect(runs).toEqual({ a: 1, b: 1 });
    expect((await a.outbox.get(idB))!.payload).toMatchObject({ follows: idA });
  });
});
