/**
 * Intake on several replicas sharing one database: two inbox processors over the same pending rows append each
 * row's canonical events once, and one carries on when the other stops; two pollers of one connector read each
 * page once (PostgreSQL: one polls while the other skips the round; a replica that dies hands over), and a page
 * read from a cursor that moved meanwhile is dropped rather than moving the cursor back.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledProfile } from '../../../mappings/lib/compile-profile.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createInboxProcessor, type InboxProcessor } from '../../../gateway/intake/inbox-processor.ts';
import { createInboxWriter } from '../../../gateway/intake/inbox-writer.ts';
import { createPoller, cursorName, type PollSource } from '../../../gateway/intake/poller.ts';
import { openPostgresStore, type PostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { cyberArkAuditRecord, cyberArkSyslogJson } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { eventually, ids, silentLogger, tempStore } from './harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two replicas' stores on one fresh PostgreSQL schema. */
async function pgReplicas(): Promise<[PostgresStore, PostgresStore]> {
  const { schema, drop } = await freshSchema();
  cleanups.push(drop);
  const open = () => openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 4 });
  const stores: [PostgresStore, PostgresStore] = [await open(), await open()];
  cleanups.push(async () => {
    for (const s of stores) await s.close();
  });
  return stores;
}

/** How many normalised `pam.event`s each inbox row produced. */
async function eventsPerRow(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await store.events.readAfter(0, 10_000)) {
    if (e.type !== 'pam.event' || e.payload['stage'] !== 'normalised') continue;
    const id = e.payload['inboxId'] as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** `n` pending CyberArk session starts (one canonical event each); returns their inbox ids. */
async function pending(store: Store, n: number, from = 0): Promise<string[]> {
  const writer = createInboxWriter({ store, clock: systemClock, random: ids });
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    const record = cyberArkAuditRecord('300', { sessionId: `s-${i}`, user: `user${i}`, Safe: 'Finance', File: `srv${i}` });
    const r = await writer.write({ connectorId: 'cyberark-vault', channel: 'syslog', dedupeKey: `k${i}`, contentType: 'application/json', body: cyberArkSyslogJson(record), headers: {} });
    out.push(r.id);
  }
  return out;
}

const processor = (store: Store, profile: CompiledProfile): InboxProcessor => createInboxProcessor({
  store, clock: systemClock, logger: silentLogger, registry: new Registry(), profileFor: () => profile, batchSize: 8, pollIntervalMs: 5,
});

const once = (ids: readonly string[]) => new Map(ids.map((id) => [id, 1]));

describe('inbox processors on two PostgreSQL replicas', () => {
  it('append each pending row’s canonical events once when both process the same rows', async () => {
    const [a, b] = await pgReplicas();
    const profile = await builtinProfile('cyberark');
    const rows = await pending(a, 30);
    const pa = processor(a, profile);
    const pb = processor(b, profile);
    let finished = 0;
    while ((await a.inbox.countByStatus()).pending > 0) {
      const n = await Promise.all([pa.runOnce(), pb.runOnce(), pa.runOnce(), pb.runOnce()]);
      finished += n.reduce((x, y) => x + y, 0);
    }
    expect(finished).toBe(rows.length);
    expect(await eventsPerRow(b)).toEqual(once(rows));
    expect(await b.inbox.countByStatus()).toMatchObject({ pending: 0, processed: rows.length });
    for (const id of rows) expect((await a.inbox.get(id as never))?.attempts).toBe(1);
  });

  it('carry on with the other replica when one stops mid-run', async () => {
    const [a, b] = await pgReplicas();
    const profile = await builtinProfile('cyberark');
    const rows = await pending(a, 20);
    const pa = processor(a, profile);
    const pb = processor(b, profile);
    pa.start();
    pb.start();
    await eventually(async () => (await a.inbox.countByStatus()).pending < rows.length);
    await pa.stop();
    rows.push(...(await pending(b, 20, 20)));
    await eventually(async () => (await b.inbox.countByStatus()).pending === 0, 30_000);
    await pb.stop();
    expect(await eventsPerRow(a)).toEqual(once(rows));
  });
});

/** A vendor feed of `pages` pages of three items; cursor `pN` means "after page N". Records who asked for what. */
function feed(pages: number) {
  const calls: { replica: string; cursor: string | undefined }[] = [];
  const holds = new Map<string, Promise<void>>();
  const source = (replica: string): PollSource => async (cursor) => {
    calls.push({ replica, cursor });
    await holds.get(`${replica}:${cursor ?? ''}`);
    const page = cursor ? Number(cursor.slice(1)) : 0;
    if (page >= pages) return { ok: true, value: { items: [], nextCursor: undefined, more: false } };
    const items = [0, 1, 2].map((i) => ({ dedupeKey: `item-${page}-${i}`, body: `{"page":${page},"i":${i}}`, contentType: 'application/json' }));
    return { ok: true, value: { items, nextCursor: `p${page + 1}`, more: page + 1 < pages } };
  };
  /** The next call of `replica` after `cursor` waits until the returned function is called. */
  const hold = (replica: string, cursor: string | undefined): (() => void) => {
    let open = () => {};
    holds.set(`${replica}:${cursor ?? ''}`, new Promise<void>((r) => {
      open = r;
    }));
    return open;
  };
  const allKeys = Array.from({ length: pages * 3 }, (_, n) => `item-${Math.floor(n / 3)}-${n % 3}`);
  return { source, hold, calls, allKeys };
}

function pollerOn(store: Store, source: PollSource) {
  const registry = new Registry();
  const poller = createPoller({ connectorId: 'strongdm', source, intervalMs: 10_000 }, { store, clock: systemClock, ids, random: () => 0.5, logger: silentLogger, registry });
  const duplicates = async () => (await registry.getSingleMetric('lockstep_intake_deliveries_total')!.get()).values
    .filter((v) => v.labels['outcome'] === 'duplicate').reduce((n, v) => n + v.value, 0);
  return { poller, duplicates };
}

async function inboxKeys(store: Store): Promise<string[]> {
  return (await store.inbox.listPending(10_000)).map((r) => r.dedupeKey).sort();
}

describe('pollers of one connector on two replicas', () => {
  it('PostgreSQL: one replica polls while the other skips the round; every page is read and stored once', async () => {
    const [a, b] = await pgReplicas();
    const f = feed(4);
    const pa = pollerOn(a, f.source('a'));
    const pb = pollerOn(b, f.source('b'));
    const release = f.hold('a', undefined);
    const round = pa.poller.runOnce();
    await eventually(() => f.calls.length === 1);
    expect(await pb.poller.runOnce()).toEqual({ ok: true, value: { pages: 0, stored: 0, elsewhere: true } });
    release();
    expect(await round).toEqual({ ok: true, value: { pages: 4, stored: 12 } });
    expect(await pb.poller.runOnce()).toEqual({ ok: true, value: { pages: 1, stored: 0 } });
    expect(f.calls).toEqual([
      { replica: 'a', cursor: undefined }, { replica: 'a', cursor: 'p1' }, { replica: 'a', cursor: 'p2' }, { replica: 'a', cursor: 'p3' },
      { replica: 'b', cursor: 'p4' },
    ]);
    expect(await inboxKeys(b)).toEqual([...f.allKeys].sort());
    expect(await a.cursors.get(cursorName('strongdm'))).toBe('p4');
  });

  it('PostgreSQL: when the polling replica dies mid-round, the other takes over from the committed cursor', async () => {
    const [a, b] = await pgReplicas();
    const f = feed(4);
    const pa = pollerOn(a, f.source('a'));
    const pb = pollerOn(b, f.source('b'));
    const release = f.hold('a', 'p2');
    const round = pa.poller.runOnce().catch((e: unknown) => e);
    await eventually(() => f.calls.length === 3);
    expect(await pb.poller.runOnce()).toMatchObject({ ok: true, value: { elsewhere: true } });
    await a.close();
    expect(await pb.poller.runOnce()).toEqual({ ok: true, value: { pages: 2, stored: 6 } });
    release();
    expect(await round).toBeInstanceOf(Error);
    expect(f.calls.filter((c) => c.replica === 'b').map((c) => c.cursor)).toEqual(['p2', 'p3']);
    expect(await inboxKeys(b)).toEqual([...f.allKeys].sort());
    expect(await b.cursors.get(cursorName('strongdm'))).toBe('p4');
  });

  it('drops a page read from a cursor that moved meanwhile, so the cursor never moves back (no lock: SQLite)', async () => {
    const t = await tempStore();
    cleanups.push(() => t.cleanup());
    const other = await openSqliteStore({ file: t.file });
    cleanups.push(() => other.close());
    const f = feed(3);
    const pa = pollerOn(t.store, f.source('a'));
    const pb = pollerOn(other, f.source('b'));
    const release = f.hold('a', undefined);
    const late = pa.poller.runOnce();
    await eventually(() => f.calls.length === 1);
    expect(await pb.poller.runOnce()).toEqual({ ok: true, value: { pages: 3, stored: 9 } });
    release();
    expect(await late).toEqual({ ok: true, value: { pages: 2, stored: 0 } });
    expect(f.calls.filter((c) => c.replica === 'a').map((c) => c.cursor)).toEqual([undefined, 'p3']);
    expect(await pa.duplicates()).toBe(0);
    expect(await pb.duplicates()).toBe(0);
    expect(await inboxKeys(t.store)).toEqual([...f.allKeys].sort());
    expect(await t.store.cursors.get(cursorName('strongdm'))).toBe('p3');
  });
});
