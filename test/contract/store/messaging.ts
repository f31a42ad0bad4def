import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../gateway/domain/ledger-entry.ts';
import type { OutboxMessage } from '../../../gateway/domain/outbox-message.ts';
import { hashEntry } from '../../../gateway/ledger/hash-entry.ts';
import { verifyStoreLedger } from '../../../gateway/ledger/verify-store-ledger.ts';
import { at, id, inboxEvent, outboxMessage } from './fixtures.ts';
import type { Harness } from './harness.ts';

export function messagingContract(h: Harness): void {
  describe('inbox', () => {
    it('stores a delivery exactly and deduplicates on (connector, dedupe key)', async () => {
      const e = inboxEvent({ dedupeKey: 'evt-1' });
      expect(await h.store.inbox.insert(e)).toEqual({ inserted: true, id: e.id });
      expect(await h.store.inbox.get(e.id)).toEqual(e);
      const again = inboxEvent({ dedupeKey: 'evt-1', body: 'different' });
      expect(await h.store.inbox.insert(again)).toEqual({ inserted: false, id: e.id });
      expect(await h.store.inbox.get(again.id)).toBeUndefined();
      const otherConnector = inboxEvent({ dedupeKey: 'evt-1', connectorId: 'beyondtrust' });
      expect(await h.store.inbox.insert(otherConnector)).toEqual({ inserted: true, id: otherConnector.id });
    });

    it('lists pending deliveries oldest first, marks them done and counts by status', async () => {
      const late = inboxEvent({ receivedAt: at(3) });
      const early = inboxEvent({ receivedAt: at(1) });
      const mid = inboxEvent({ receivedAt: at(2) });
      for (const e of [late, early, mid]) await h.store.inbox.insert(e);
      expect((await h.store.inbox.listPending(10)).map((e) => e.id)).toEqual([early.id, mid.id, late.id]);
      expect((await h.store.inbox.listPending(2)).map((e) => e.id)).toEqual([early.id, mid.id]);
      await h.store.inbox.markDone(early.id, 'processed', at(4));
      await h.store.inbox.markDone(mid.id, 'failed', at(5), 'mapping exploded');
      expect((await h.store.inbox.listPending(10)).map((e) => e.id)).toEqual([late.id]);
      expect(await h.store.inbox.get(mid.id)).toMatchObject({ status: 'failed', processedAt: at(5), error: 'mapping exploded', attempts: 1 });
      expect(await h.store.inbox.get(early.id)).toMatchObject({ status: 'processed', processedAt: at(4), attempts: 1 });
      expect(await h.store.inbox.countByStatus()).toEqual({ pending: 1, processed: 1, unrecognised: 0, failed: 1 });
    });
  });

  describe('inbox claims', () => {
    it('settles a pending delivery once: a second claim finds it settled and writes nothing', async () => {
      const e = inboxEvent({ dedupeKey: 'claim-once' });
      await h.store.inbox.insert(e);
      expect(await h.store.inbox.markDoneIfPending(e.id, 'processed', at(4))).toBe(true);
      expect(await h.store.inbox.markDoneIfPending(e.id, 'failed', at(5), 'too late')).toBe(false);
      const stored = await h.store.inbox.get(e.id);
      expect(stored).toMatchObject({ status: 'processed', processedAt: at(4), attempts: 1 });
      expect(stored?.error).toBeUndefined();
      expect(await h.store.inbox.markDoneIfPending(id('inbox'), 'processed', at(4))).toBe(false);
    });

    it('lets exactly one of many concurrent transactions, on two instances, claim each pending delivery', async () => {
      const other = h.opened.reopen ? await h.another() : h.store;
      const rows = Array.from({ length: 8 }, (_, i) => inboxEvent({ dedupeKey: `race-${i}`, receivedAt: at(i) }));
      for (const r of rows) await h.store.inbox.insert(r);
      const attempt = (store: typeof other, inboxId: (typeof rows)[number]['id']) => store.transaction(async (tx) => {
        if (!(await tx.inbox.markDoneIfPending(inboxId, 'processed', at(9)))) return false;
        await tx.events.append({ type: 'pam.event', subject: inboxId, actor: 'test', payload: { inboxId }, occurredAt: at(9) });
        return true;
      });
      const outcomes = await Promise.all(rows.flatMap((r) => [attempt(h.store, r.id), attempt(other, r.id), attempt(h.store, r.id), attempt(other, r.id)]));
      expect(outcomes.filter(Boolean)).toHaveLength(rows.length);
      const events = await h.store.events.readAfter(0, 100);
      expect(events.map((e) => e.payload['inboxId']).sort()).toEqual(rows.map((r) => r.id).sort());
      expect(await h.store.inbox.countByStatus()).toMatchObject({ pending: 0, processed: rows.length });
      for (const r of rows) expect((await h.store.inbox.get(r.id))?.attempts).toBe(1);
    });
  });

  describe('outbox', () => {
    const claim = (owner: string, now: number, extra: Partial<{ limit: number; connectorId: string; lease: number }> = {}) =>
      h.store.outbox.claim({ owner, now: at(now), leaseUntil: at(now + (extra.lease ?? 5)), limit: extra.limit ?? 10, connectorId: extra.connectorId });

    it('enqueues once per idempotency key', async () => {
      const m = outboxMessage({ idempotencyKey: 'grant:asg_1' });
      expect(await h.store.outbox.enqueue(m)).toEqual({ inserted: true, id: m.id });
      expect(await h.store.outbox.enqueue(outboxMessage({ idempotencyKey: 'grant:asg_1' }))).toEqual({ inserted: false, id: m.id });
      expect(await h.store.outbox.get(m.id)).toEqual(m);
      expect(await h.store.outbox.getByIdempotencyKey('grant:asg_1')).toEqual(m);
      expect(await h.store.outbox.getByIdempotencyKey('nope')).toBeUndefined();
    });

    it('claims due messages oldest first, marks them sending and bumps attempts', async () => {
      const m1 = outboxMessage({ createdAt: at(1), nextAttemptAt: at(1) });
      const m2 = outboxMessage({ createdAt: at(2), nextAttemptAt: at(2) });
      const later = outboxMessage({ createdAt: at(0), nextAttemptAt: at(50) });
      const vault = outboxMessage({ connectorId: 'vault', createdAt: at(3), nextAttemptAt: at(3) });
      for (const m of [m2, later, m1, vault]) await h.store.outbox.enqueue(m);
      const got = await claim('w1', 10, { limit: 2, lease: 100 });
      expect(got.map((m) => m.id)).toEqual([m1.id, m2.id]);
      expect(got[0]).toMatchObject({ status: 'sending', claimedBy: 'w1', claimedUntil: at(110), attempts: 1, updatedAt: at(10) });
      expect(await h.store.outbox.get(m1.id)).toMatchObject({ status: 'sending', claimedBy: 'w1', attempts: 1 });
      expect((await claim('w2', 10, { connectorId: 'cyberark' })).map((m) => m.id)).toEqual([]);
      expect((await claim('w2', 10, { lease: 100 })).map((m) => m.id)).toEqual([vault.id]);
      expect((await claim('w2', 50)).map((m) => m.id)).toEqual([later.id]);
      expect(await h.store.outbox.claim({ owner: 'w3', now: at(10), leaseUntil: at(11), limit: 0 })).toEqual([]);
    });

    it('lets another worker take a message whose lease ran out', async () => {
      const m = outboxMessage({ nextAttemptAt: at(0) });
      await h.store.outbox.enqueue(m);
      expect((await claim('w1', 1)).length).toBe(1);
      expect(await claim('w2', 5)).toEqual([]);
      const retaken = await claim('w2', 6);
      expect(retaken.map((x) => x.id)).toEqual([m.id]);
      expect(retaken[0]).toMatchObject({ claimedBy: 'w2', attempts: 2 });
    });

    it('records delivery, retries failures at their time, and abandons dead letters until replayed', async () => {
      const ok = outboxMessage({ nextAttemptAt: at(0), createdAt: at(0) });
      const flaky = outboxMessage({ nextAttemptAt: at(0), createdAt: at(1) });
      const dead = outboxMessage({ nextAttemptAt: at(0), createdAt: at(2), connectorId: 'vault' });
      const dead2 = outboxMessage({ nextAttemptAt: at(0), createdAt: at(3) });
      for (const m of [ok, flaky, dead, dead2]) await h.store.outbox.enqueue(m);
      expect((await claim('w', 1)).length).toBe(4);
      await h.store.outbox.markDelivered(ok.id, at(2), { safeMemberId: 'bob@Prod-DB' });
      await h.store.outbox.markFailed(flaky.id, at(2), '503 Service Unavailable', at(20));
      await h.store.outbox.markFailed(dead.id, at(2), '400 Bad Request', undefined);
      await h.store.outbox.markFailed(dead2.id, at(2), '404', undefined);
      expect(await h.store.outbox.get(ok.id)).toMatchObject({ status: 'delivered', deliveredAt: at(2), response: { safeMemberId: 'bob@Prod-DB' } });
      expect((await h.store.outbox.get(ok.id))?.claimedBy).toBeUndefined();
      expect(await h.store.outbox.get(flaky.id)).toMatchObject({ status: 'failed', lastError: '503 Service Unavailable', nextAttemptAt: at(20) });
      expect(await h.store.outbox.get(dead.id)).toMatchObject({ status: 'abandoned', lastError: '400 Bad Request' });
      expect(await claim('w', 19)).toEqual([]);
      const retried = await claim('w', 20);
      expect(retried.map((m) => m.id)).toEqual([flaky.id]);
      expect(retried[0]?.attempts).toBe(2);
      expect(await claim('w', 21)).toEqual([]);
      const stats = await h.store.outbox.stats();
      expect(stats).toEqual(expect.arrayContaining([
        { connectorId: 'cyberark', status: 'delivered', count: 1 },
        { connectorId: 'cyberark', status: 'sending', count: 1 },
        { connectorId: 'cyberark', status: 'abandoned', count: 1 },
        { connectorId: 'vault', status: 'abandoned', count: 1 },
      ]));
      expect(stats.length).toBe(4);
      const abandoned = await h.store.outbox.list({ status: 'abandoned' }, { startIndex: 1, count: 10 });
      expect(abandoned.items.map((m) => m.id)).toEqual([dead.id, dead2.id]);
      expect((await h.store.outbox.list({ connectorId: 'vault' }, { startIndex: 1, count: 10 })).totalResults).toBe(1);
      expect((await h.store.outbox.list({}, { startIndex: 2, count: 2 })).items.map((m) => m.id)).toEqual([flaky.id, dead.id]);
      expect(await h.store.outbox.replay({ id: ok.id }, at(30))).toBe(0);
      expect(await h.store.outbox.replay({ connectorId: 'vault' }, at(30))).toBe(1);
      expect(await h.store.outbox.get(dead.id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: at(30) });
      expect(await h.store.outbox.replay({}, at(31))).toBe(1);
      expect(await h.store.outbox.replay({ id: dead2.id }, at(31))).toBe(0);
      await h.store.outbox.markDelivered(flaky.id, at(32));
      expect((await claim('w', 1001)).map((m) => m.id)).toEqual([dead.id, dead2.id]);
    });

    it('never hands one message to two concurrent claimers', async () => {
      const all: OutboxMessage[] = [];
      for (let i = 0; i < 60; i++) all.push(outboxMessage({ nextAttemptAt: at(0), createdAt: at(0) }));
      for (const m of all) await h.store.outbox.enqueue(m);
      const worker = async (owner: string) => {
        const mine: string[] = [];
        for (;;) {
          const got = await claim(owner, 1, { limit: 3, lease: 1000 });
          if (got.length === 0) return mine;
          mine.push(...got.map((m) => m.id));
        }
      };
      const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(worker));
      const flat = results.flat();
      expect(flat.length).toBe(60);
      expect(new Set(flat).size).toBe(60);
    });
  });

  describe('domain events', () => {
    it('appends with ascending seq and reads after a position', async () => {
      expect(await h.store.events.lastSeq()).toBe(0);
      const appended = [];
      for (let i = 0; i < 5; i++) {
        appended.push(await h.store.events.append({ type: 'identity.upserted', subject: `idn_${i}`, actor: 'scim:iga', payload: { n: i, nested: { a: [1] } }, occurredAt: at(i) }));
      }
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(new Set(appended.map((e) => e.id)).size).toBe(5);
      expect(appended.every((e) => e.id.startsWith('evt_') && e.id.length === 30)).toBe(true);
      expect(await h.store.events.lastSeq()).toBe(5);
      const after = await h.store.events.readAfter(2, 2);
      expect(after).toEqual(appended.slice(2, 4));
      expect(await h.store.events.readAfter(5, 10)).toEqual([]);
      expect((await h.store.events.readAfter(0, 100)).map((e) => e.payload)).toEqual(appended.map((e) => e.payload));
    });
  });

  describe('cursors', () => {
    it('keeps named positions', async () => {
      expect(await h.store.cursors.get('sync-engine')).toBeUndefined();
      await h.store.cursors.set('sync-engine', '41');
      await h.store.cursors.set('poller:vault', '{"after":"2026-01-01"}');
      await h.store.cursors.set('sync-engine', '42');
      expect(await h.store.cursors.get('sync-engine')).toBe('42');
      expect(await h.store.cursors.get('poller:vault')).toBe('{"after":"2026-01-01"}');
    });

    it('holds a locked cursor until the transaction ends: concurrent read-modify-writes on two instances all land', async () => {
      const other = h.opened.reopen ? await h.another() : h.store;
      const bump = (store: typeof other) => store.transaction(async (tx) => {
        const n = Number((await tx.cursors.lock('counter')) ?? '0');
        await tx.cursors.set('counter', String(n + 1));
      });
      await Promise.all(Array.from({ length: 16 }, (_, i) => bump(i % 2 === 0 ? h.store : other)));
      expect(await h.store.cursors.get('counter')).toBe('16');
      expect(await h.store.transaction((tx) => tx.cursors.lock('counter'))).toBe('16');
      expect(await h.store.transaction((tx) => tx.cursors.lock('absent'))).toBeUndefined();
      expect(await h.store.cursors.get('absent')).toBeUndefined();
    });
  });

  describe('ledger', () => {
    it('chains every entry to the one before, and reads it back as stored', async () => {
      expect(await h.store.ledger.last()).toBeUndefined();
      const first = await h.store.ledger.append({ at: at(1), actor: 'engine', action: 'elevation.decided', subject: 'elv_1', data: { outcome: 'allow', b: 1, a: [1, { z: 1, y: 2 }] } });
      const second = await h.store.ledger.append({ at: at(2), actor: 'engine', action: 'revocation.verified', subject: 'rvk_1', data: {} });
      const third = await h.store.ledger.append({ at: at(3), actor: 'admin', action: 'conflict.resolved', subject: 'elv_1', data: { reason: 'ok ✓' } });
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(third.prevHash).toBe(second.hash);
      const { hash, ...unhashed } = first;
      expect(hash).toBe(hashEntry(unhashed));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await h.store.ledger.read(1, 10)).toEqual([first, second, third]);
      expect(await h.store.ledger.read(2, 1)).toEqual([second]);
      expect(await h.store.ledger.last()).toEqual(third);
      expect((await h.store.ledger.listBySubject('elv_1')).map((e) => e.seq)).toEqual([1, 3]);
      expect(await verifyStoreLedger(h.store, 2)).toEqual({ ok: true, count: 3, lastHash: third.hash });
    });
  });

  describe('ids in messaging', () => {
    it('reports a missing inbox or outbox row as undefined', async () => {
      expect(await h.store.inbox.get(id('inbox'))).toBeUndefined();
      expect(await h.store.outbox.get(id('outbox'))).toBeUndefined();
    });
  });
}
