/**
 * The retention purge on real stores: old and new rows of every inbox and outbox status, purged in small batches;
 * exactly the handled inbox rows and delivered outbox messages older than the retention go, and nothing still
 * needed (pending rows, undelivered messages, dead letters, path heads, deliveries the sync engine has not read).
 * On PostgreSQL, two replicas' purgers never run at once: one holds the `retention` lock, the other skips.
 */
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { InboxId, OutboxId } from '../../../gateway/domain/ids.ts';
import type { InboxStatus } from '../../../gateway/domain/inbox-event.ts';
import type { OutboxStatus } from '../../../gateway/domain/outbox-message.ts';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { type RetentionPolicy, createRetentionPurger } from '../../../gateway/retention/retention-purger.ts';
import { openPostgresStore, type PostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { SYNC_CURSOR } from '../../../gateway/sync/sync-engine.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { until } from '../../support/reliability/fault-world.ts';
import { tempDir } from '../../support/temp-dir.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW - d * DAY).toISOString();
const POLICY: RetentionPolicy = { inboxDays: 30, outboxDays: 7 };
const silent = createLogger({ level: 'silent' });

let n = 0;
const nextId = <P extends string>(prefix: P) => `${prefix}_${String(++n).padStart(26, '0')}`;

/** Seeds rows of every status, old and recent; returns the ids that must remain and those that must go. */
async function seed(store: Store, opts: { oldHandled?: number } = {}): Promise<{ keep: Set<string>; purge: Set<string> }> {
  const keep = new Set<string>();
  const purge = new Set<string>();
  const inbox = async (status: InboxStatus, ageDays: number) => {
    const id = nextId('ibx') as InboxId;
    await store.inbox.insert({
      id, connectorId: 'cyberark', dedupeKey: id, channel: 'webhook', contentType: 'application/json', body: '{}', headers: {},
      receivedAt: daysAgo(ageDays + 1), status: 'pending', attempts: 0,
    });
    if (status !== 'pending') await store.inbox.markDone(id, status, daysAgo(ageDays), status === 'processed' ? undefined : 'reason');
    return id;
  };
  const outbox = async (status: OutboxStatus, ageDays: number, response?: Record<string, unknown>) => {
    const id = nextId('obx') as OutboxId;
    await store.outbox.enqueue({
      id, connectorId: 'cyberark', action: 'grant', idempotencyKey: id, payload: {}, status, attempts: 1,
      nextAttemptAt: daysAgo(ageDays), createdAt: daysAgo(ageDays + 1), updatedAt: daysAgo(ageDays),
      ...(status === 'delivered' ? { deliveredAt: daysAgo(ageDays), response } : {}),
    });
    return id;
  };
  for (const status of ['processed', 'unrecognised', 'failed'] as const) {
    for (let i = 0; i < (opts.oldHandled ?? 3); i++) purge.add(await inbox(status, 31 + i));
    keep.add(await inbox(status, 29));
  }
  keep.add(await inbox('pending', 400));
  keep.add(await inbox('pending', 0));
  for (let i = 0; i < 4; i++) purge.add(await outbox('delivered', 8 + i));
  purge.add(await outbox('delivered', 9, { superseded: 'obx_newer' }));
  keep.add(await outbox('delivered', 6));
  for (const status of ['queued', 'sending', 'failed', 'abandoned'] as const) {
    keep.add(await outbox(status, 400));
    keep.add(await outbox(status, 0));
  }
  const head = await outbox('delivered', 300);
  const last = await outbox('delivered', 300);
  await store.cursors.set('outbox.path:cyberark/safe/Prod|bob', head);
  await store.cursors.set('outbox.path-last:cyberark/safe/Prod|bob', last);
  keep.add(head);
  keep.add(last);
  return { keep, purge };
}

/** Every outbox message left, whatever its status. */
async function remaining(store: Store): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const status of ['queued', 'sending', 'failed', 'abandoned', 'delivered'] as const) {
    for (const m of (await store.outbox.list({ status }, { startIndex: 1, count: 1000 })).items) ids.add(m.id);
  }
  return ids;
}

async function present(store: Store, ids: Iterable<string>): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const found = id.startsWith('ibx_') ? await store.inbox.get(id as InboxId) : await store.outbox.get(id as OutboxId);
    if (found) out.push(id);
  }
  return out;
}

describe('retention purge (SQLite)', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const open = async () => {
    const s = await openSqliteStore({ file: path.join(tempDir('lockstep-retention-'), 'state.sqlite') });
    stores.push(s);
    return s;
  };

  it('deletes exactly the handled inbox rows and delivered outbox messages older than the retention, in batches', async () => {
    const store = await open();
    const { keep, purge } = await seed(store);
    const registry = new Registry();
    const purger = createRetentionPurger({ store, clock: new ManualClock(NOW), logger: silent, policy: () => POLICY, registry, batchSize: 2, pauseMs: 0 });
    const outcome = await purger.runOnce();
    expect(outcome).toMatchObject({ ran: true, report: { inbox: 9, outbox: 5, heldBySync: false, interrupted: false } });
    // 9 inbox rows in batches of 2 (5 statements, the last short) and 5 outbox rows (3 statements).
    expect(outcome.ran && outcome.report.batches).toBe(8);
    expect(await present(store, purge)).toEqual([]);
    expect(await present(store, keep)).toEqual([...keep]);
    expect([...(await remaining(store))].filter((id) => !keep.has(id))).toEqual([]);
    expect(await store.inbox.countByStatus()).toEqual({ pending: 2, processed: 1, unrecognised: 1, failed: 1 });

    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string, table?: string) => metrics.find((m) => m.name === name)?.values.find((v) => table === undefined || v.labels['table'] === table)?.value;
    expect(value('lockstep_retention_last_purged_rows', 'inbox')).toBe(9);
    expect(value('lockstep_retention_last_purged_rows', 'outbox')).toBe(5);
    expect(value('lockstep_retention_purged_rows_total', 'outbox')).toBe(5);
    expect(value('lockstep_retention_last_run_timestamp_seconds')).toBe(NOW / 1000);

    // A second run finds nothing more.
    expect(await purger.runOnce()).toMatchObject({ ran: true, report: { inbox: 0, outbox: 0 } });
  });

  it('keeps delivered messages the sync engine has not read yet (its first unapplied event is older)', async () => {
    const store = await open();
    const { purge } = await seed(store);
    const event = await store.events.append({ type: 'outbox.changed', subject: 'connector:cyberark', actor: 'lockstep', payload: {}, occurredAt: daysAgo(10) });
    await store.cursors.set(SYNC_CURSOR, String(event.seq - 1));
    const purger = createRetentionPurger({ store, clock: new ManualClock(NOW), logger: silent, policy: () => POLICY, batchSize: 100, pauseMs: 0 });
    const outcome = await purger.runOnce();
    // Delivered 8, 9, 9 (superseded) and 10 days ago: not before the unapplied event (10 days ago), so kept; 11 days ago goes.
    expect(outcome).toMatchObject({ ran: true, report: { inbox: 9, outbox: 1, heldBySync: true, outboxBefore: daysAgo(10) } });
    expect((await present(store, purge)).filter((id) => id.startsWith('obx_'))).toHaveLength(4);

    await store.cursors.set(SYNC_CURSOR, String(event.seq));
    expect(await purger.runOnce()).toMatchObject({ ran: true, report: { outbox: 4, heldBySync: false } });
    expect(await present(store, purge)).toEqual([]);
  });

  it('follows the policy read at each run', async () => {
    const store = await open();
    await seed(store);
    let policy: RetentionPolicy = { inboxDays: 3650, outboxDays: 3650 };
    const purger = createRetentionPurger({ store, clock: new ManualClock(NOW), logger: silent, policy: () => policy, pauseMs: 0 });
    expect(await purger.runOnce()).toMatchObject({ ran: true, report: { inbox: 0, outbox: 0 } });
    policy = { inboxDays: 1, outboxDays: 3650 };
    expect(await purger.runOnce()).toMatchObject({ ran: true, report: { inbox: 12, outbox: 0 } });
  });
});

describe('retention purge (PostgreSQL replicas)', () => {
  const opened: PostgresStore[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const d of drops.splice(0)) await d();
  });

  it('two replicas never purge at once: the one without the lock skips; together they delete each row once', async () => {
    const { schema, drop } = await freshSchema();
    drops.push(drop);
    const [a, b] = await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 3 })));
    opened.push(a!, b!);
    const { keep, purge } = await seed(a!, { oldHandled: 10 });
    const clock = new ManualClock(NOW);
    // A's run deletes one batch, then pauses (long) holding the lock.
    const purgerA = createRetentionPurger({ store: a!, clock, logger: silent, policy: () => POLICY, batchSize: 4, pauseMs: 600_000 });
    const purgerB = createRetentionPurger({ store: b!, clock, logger: silent, policy: () => POLICY, batchSize: 4, pauseMs: 0 });
    const runA = purgerA.runOnce();
    const oldInbox = [...purge].filter((id) => id.startsWith('ibx_'));
    await until(async () => (await present(b!, oldInbox)).length < oldInbox.length, 20_000, 'the first batch of A');
    expect(await purgerB.runOnce()).toEqual({ ran: false, reason: 'locked-elsewhere' });
    await purgerA.stop();
    const reportA = await runA;
    expect(reportA).toMatchObject({ ran: true, report: { inbox: 4, outbox: 0, interrupted: true } });
    const outcomeB = await purgerB.runOnce();
    expect(outcomeB).toMatchObject({ ran: true, report: { inbox: 26, outbox: 5, interrupted: false } });
    expect(await present(a!, purge)).toEqual([]);
    expect(await present(a!, keep)).toEqual([...keep]);
  });
});
