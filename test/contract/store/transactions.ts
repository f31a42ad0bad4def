import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../gateway/store/sql/migrations.ts';
import { UniqueViolation, type StoreTx } from '../../../gateway/store/store.ts';
import { verifyStoreLedger } from '../../../gateway/ledger/verify-store-ledger.ts';
import { at, entitlement, finding, identity, inboxEvent, outboxMessage } from './fixtures.ts';
import type { Harness } from './harness.ts';

/** One SCIM-like state change: the identity, its domain event, its outbox message and its ledger entry. */
async function provision(tx: StoreTx, userName: string) {
  const u = identity({ userName });
  await tx.identities.insert(u);
  const event = await tx.events.append({ type: 'identity.upserted', subject: u.id, actor: 'scim', payload: { userName }, occurredAt: at(1) });
  const outbox = outboxMessage({ idempotencyKey: `provision:${u.id}` });
  await tx.outbox.enqueue(outbox);
  const entry = await tx.ledger.append({ at: at(1), actor: 'scim', action: 'identity.created', subject: u.id, data: { userName } });
  return { u, event, outbox, entry };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

export function transactionContract(h: Harness): void {
  describe('transactions', () => {
    it('commits a state change with its events, outbox rows and ledger entries together', async () => {
      const result = await h.store.transaction((tx) => provision(tx, 'tx-commit'));
      expect(await h.store.identities.get(result.u.id)).toEqual(result.u);
      expect(await h.store.events.readAfter(0, 10)).toEqual([result.event]);
      expect(await h.store.outbox.get(result.outbox.id)).toEqual(result.outbox);
      expect(await h.store.ledger.last()).toEqual(result.entry);
    });

    it('leaves nothing behind when the function throws mid-way', async () => {
      const e = entitlement();
      await expect(h.store.transaction(async (tx) => {
        const made = await provision(tx, 'tx-rollback');
        await tx.entitlements.insert(e);
        await tx.inbox.insert(inboxEvent({ dedupeKey: 'rolled-back' }));
        await tx.cursors.set('c', '1');
        expect(await tx.identities.get(made.u.id)).toEqual(made.u);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await h.store.identities.getByUserName('iga', 'tx-rollback')).toBeUndefined();
      expect(await h.store.entitlements.get(e.id)).toBeUndefined();
      expect(await h.store.events.lastSeq()).toBe(0);
      expect(await h.store.outbox.list({}, { startIndex: 1, count: 10 })).toMatchObject({ totalResults: 0 });
      expect(await h.store.ledger.last()).toBeUndefined();
      expect(await h.store.cursors.get('c')).toBeUndefined();
      expect(await h.store.inbox.countByStatus()).toMatchObject({ pending: 0 });
      const after = await h.store.transaction((tx) => provision(tx, 'tx-after'));
      expect(after.event.seq).toBe(1);
      expect(after.entry.seq).toBe(1);
    });

    it('rolls back when a uniqueness violation escapes, and stays usable when the function catches it', async () => {
      await h.store.identities.insert(identity({ userName: 'taken' }));
      await expect(h.store.transaction(async (tx) => {
        await tx.identities.insert(identity({ userName: 'first-in-tx' }));
        await tx.identities.insert(identity({ userName: 'TAKEN' }));
      })).rejects.toBeInstanceOf(UniqueViolation);
      expect(await h.store.identities.getByUserName('iga', 'first-in-tx')).toBeUndefined();
      const kept = identity({ userName: 'kept' });
      await h.store.transaction(async (tx) => {
        await tx.identities.insert(kept);
        await expect(tx.identities.insert(identity({ userName: 'taken' }))).rejects.toBeInstanceOf(UniqueViolation);
        await tx.events.append({ type: 'identity.upserted', subject: kept.id, actor: 'scim', payload: {}, occurredAt: at(1) });
      });
      expect((await h.store.identities.getByUserName('iga', 'kept'))?.id).toBe(kept.id);
      expect(await h.store.events.lastSeq()).toBe(1);
    });

    it('keeps uncommitted writes invisible to calls made outside the transaction', async () => {
      const g = gate();
      const u = identity({ userName: 'invisible' });
      const tx = h.store.transaction(async (t) => {
        await t.identities.insert(u);
        await g.wait;
        throw new Error('abandon');
      });
      const outside = h.store.identities.get(u.id);
      g.open();
      await expect(tx).rejects.toThrow('abandon');
      expect(await outside).toBeUndefined();
      expect(await h.store.identities.get(u.id)).toBeUndefined();
    });

    it('passes the function result through', async () => {
      expect(await h.store.transaction(async (tx) => (await tx.cursors.get('none')) ?? 'default')).toBe('default');
    });

    it('runs many concurrent writers without losing or interleaving anything', async () => {
      const n = 40;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => h.store.transaction((tx) => provision(tx, `writer-${i}`))));
      expect((await h.store.identities.query('iga', { page: { startIndex: 1, count: 1 } })).totalResults).toBe(n);
      const events = await h.store.events.readAfter(0, 1000);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.event.seq)).size).toBe(n);
      const verification = await verifyStoreLedger(h.store);
      expect(verification).toMatchObject({ ok: true, count: n });
      const outbox = await h.store.outbox.list({}, { startIndex: 1, count: 1 });
      expect(outbox.totalResults).toBe(n);
    });

    it('rolls back only the concurrent transactions that throw', async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => h.store.transaction(async (tx) => {
        const made = await provision(tx, `mixed-${i}`);
        if (i % 3 === 1) throw new Error(`fail ${i}`);
        return made;
      })));
      expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(4);
      for (let i = 0; i < 12; i++) {
        const found = await h.store.identities.getByUserName('iga', `mixed-${i}`);
        if (i % 3 === 1) expect(found).toBeUndefined();
        else expect(found?.userName).toBe(`mixed-${i}`);
      }
      expect((await h.store.events.readAfter(0, 100)).map((e) => e.seq)).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
      expect(await verifyStoreLedger(h.store)).toMatchObject({ ok: true, count: 8 });
    });

    it('serialises optimistic updates: every concurrent increment lands exactly once', async () => {
      const u = identity({ userName: 'counter' });
      await h.store.identities.insert(u);
      const increment = async () => {
        for (;;) {
          const cur = await h.store.identities.get(u.id);
          if (!cur) throw new Error('gone');
          const next = { ...cur, version: cur.version + 1, resource: { ...cur.resource, n: ((cur.resource['n'] as number) ?? 0) + 1 } };
          if (await h.store.identities.update(next, cur.version)) return;
        }
      };
      await Promise.all(Array.from({ length: 12 }, increment));
      const final = await h.store.identities.get(u.id);
      expect(final?.version).toBe(13);
      expect(final?.resource['n']).toBe(12);
    });

    it('keeps one row per key under concurrent upserts, and one ledger chain under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => h.store.findings.upsert(finding({ key: 'same', lastSeenAt: at(i) }))));
      expect((await h.store.findings.list({}, { by: 'kind', order: 'asc' }, { startIndex: 1, count: 10 })).totalResults).toBe(1);
      await Promise.all(Array.from({ length: 15 }, (_, i) => h.store.ledger.append({ at: at(i), actor: 'a', action: 'x', subject: `s${i}`, data: { i } })));
      expect(await verifyStoreLedger(h.store)).toMatchObject({ ok: true, count: 15 });
    });

    it('never double-claims across two store instances on one database', async () => {
      if (!h.opened.reopen) return;
      const other = await h.another();
      const drain = async (store: typeof other, owner: string) => {
        const mine: string[] = [];
        for (;;) {
          const got = await store.outbox.claim({ owner, now: at(1), leaseUntil: at(100), limit: 4 });
          if (got.length === 0) return mine;
          mine.push(...got.map((m) => m.id));
        }
      };
      const committed = await h.store.transaction((tx) => provision(tx, 'seen-by-the-other'));
      expect((await other.identities.get(committed.u.id))?.userName).toBe('seen-by-the-other');
      for (let i = 0; i < 80; i++) await h.store.outbox.enqueue(outboxMessage({ nextAttemptAt: at(0), createdAt: at(0) }));
      const all = (await Promise.all([drain(h.store, 'a1'), drain(other, 'b1'), drain(h.store, 'a2'), drain(other, 'b2')])).flat();
      expect(all.length).toBe(80);
      expect(new Set(all).size).toBe(80);
      const ledger = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => h.store.ledger.append({ at: at(i), actor: 'a', action: 'x', subject: 's', data: {} })),
        ...Array.from({ length: 5 }, (_, i) => other.ledger.append({ at: at(i), actor: 'b', action: 'x', subject: 's', data: {} })),
      ]);
      expect(new Set(ledger.map((e) => e.seq)).size).toBe(10);
      expect(await verifyStoreLedger(other)).toMatchObject({ ok: true, count: 11 });
    });
  });

  describe('lifecycle', () => {
    it('is ready and at the latest schema version once open, and not ready once closed', async () => {
      expect(h.store.isReady()).toBe(true);
      expect(await h.store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      expect(['sqlite', 'postgres']).toContain(h.store.dialect);
    });

    it('keeps everything across a reopen', async () => {
      if (!h.opened.reopen) return;
      const made = await h.store.transaction((tx) => provision(tx, 'persistent'));
      await h.store.cursors.set('sync', '7');
      await h.store.close();
      expect(h.store.isReady()).toBe(false);
      const again = await h.another();
      expect(again.isReady()).toBe(true);
      expect(await again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      expect(await again.identities.get(made.u.id)).toEqual(made.u);
      expect(await again.events.readAfter(0, 10)).toEqual([made.event]);
      expect(await again.outbox.get(made.outbox.id)).toEqual(made.outbox);
      expect(await again.cursors.get('sync')).toBe('7');
      expect(await verifyStoreLedger(again)).toEqual({ ok: true, count: 1, lastHash: made.entry.hash });
      const next = await again.ledger.append({ at: at(2), actor: 'a', action: 'x', subject: 's', data: {} });
      expect(next.prevHash).toBe(made.entry.hash);
    });
  });
}
