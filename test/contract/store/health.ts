/** The figures mapping health reads: intake per connector, the outbox backlog, failures and deliveries. */
import { describe, expect, it } from 'vitest';
import { at, inboxEvent, outboxMessage } from './fixtures.ts';
import type { Harness } from './harness.ts';

export function healthContract(h: Harness): void {
  describe('mapping health figures', () => {
    it('counts pending deliveries per connector with the oldest, and handled ones in the window with the newest error', async () => {
      const inbox = h.store.inbox;
      const pendingLate = inboxEvent({ receivedAt: at(3) });
      const pendingEarly = inboxEvent({ receivedAt: at(1) });
      const processed = inboxEvent({ receivedAt: at(4) });
      const unrecognised = inboxEvent({ receivedAt: at(4) });
      const failed = inboxEvent({ receivedAt: at(4) });
      const tooOld = inboxEvent({ receivedAt: at(0) });
      const vaultOld = inboxEvent({ connectorId: 'vault', receivedAt: at(0) });
      const teleport = inboxEvent({ connectorId: 'teleport', receivedAt: at(5) });
      for (const e of [pendingLate, pendingEarly, processed, unrecognised, failed, tooOld, vaultOld, teleport]) await inbox.insert(e);
      await inbox.markDone(processed.id, 'processed', at(10));
      await inbox.markDone(unrecognised.id, 'unrecognised', at(11), 'no rule matched');
      await inbox.markDone(failed.id, 'failed', at(12), 'mapping exploded');
      await inbox.markDone(tooOld.id, 'unrecognised', at(2), 'before the window');
      await inbox.markDone(vaultOld.id, 'processed', at(1));
      await inbox.markDone(teleport.id, 'unrecognised', at(6), 'unknown event type');

      expect(await inbox.connectorStats(at(5))).toEqual([
        {
          connectorId: 'cyberark', pending: 2, oldestPendingAt: at(1), processed: 1, unrecognised: 1, failed: 1,
          lastError: { status: 'failed', error: 'mapping exploded', at: at(12) },
        },
        { connectorId: 'teleport', pending: 0, processed: 0, unrecognised: 1, failed: 0, lastError: { status: 'unrecognised', error: 'unknown event type', at: at(6) } },
      ]);
      expect((await inbox.connectorStats(at(0))).map((s) => [s.connectorId, s.processed, s.unrecognised])).toEqual([
        ['cyberark', 1, 2], ['teleport', 0, 1], ['vault', 1, 0],
      ]);
      expect(await inbox.connectorStats(at(13))).toEqual([{ connectorId: 'cyberark', pending: 2, oldestPendingAt: at(1), processed: 0, unrecognised: 0, failed: 0 }]);
    });

    it('gives the outbox backlog per connector: undelivered, the oldest, and the oldest due at a time', async () => {
      const notDue = outboxMessage({ createdAt: at(1), nextAttemptAt: at(50) });
      const due = outboxMessage({ createdAt: at(2), nextAttemptAt: at(2) });
      const delivered = outboxMessage({ createdAt: at(0), nextAttemptAt: at(0) });
      const vault = outboxMessage({ connectorId: 'vault', createdAt: at(3), nextAttemptAt: at(3) });
      const dead = outboxMessage({ connectorId: 'teleport', createdAt: at(0), nextAttemptAt: at(0) });
      for (const m of [notDue, due, delivered, vault, dead]) await h.store.outbox.enqueue(m);
      expect((await h.store.outbox.claim({ owner: 'w', now: at(0), leaseUntil: at(1), limit: 10 })).length).toBe(2);
      await h.store.outbox.markDelivered(delivered.id, at(1));
      await h.store.outbox.markFailed(dead.id, at(1), '400', undefined);
      expect((await h.store.outbox.claim({ owner: 'w', now: at(4), leaseUntil: at(6), limit: 10, connectorId: 'vault' })).map((m) => m.id)).toEqual([vault.id]);

      expect(await h.store.outbox.backlog(at(5))).toEqual([
        { connectorId: 'cyberark', undelivered: 2, oldestCreatedAt: at(1), oldestDueCreatedAt: at(2) },
        { connectorId: 'vault', undelivered: 1, oldestCreatedAt: at(3), oldestDueCreatedAt: undefined },
      ]);
      const later = await h.store.outbox.backlog(at(50));
      expect(later.map((b) => [b.connectorId, b.oldestDueCreatedAt])).toEqual([['cyberark', at(1)], ['vault', at(3)]]);
    });

    it('reports failed and abandoned messages per connector with the newest error, and deliveries in a window', async () => {
      const ms = [0, 1, 2, 3, 4, 5].map((n) => outboxMessage({ createdAt: at(n), nextAttemptAt: at(0) }));
      const vault = outboxMessage({ connectorId: 'vault', createdAt: at(0), nextAttemptAt: at(0) });
      for (const m of [...ms, vault]) await h.store.outbox.enqueue(m);
      expect((await h.store.outbox.claim({ owner: 'w', now: at(0), leaseUntil: at(1), limit: 10 })).length).toBe(7);
      const [a, b, c, d, e, f] = ms.map((m) => m.id) as [typeof ms[0]['id'], ...typeof ms[0]['id'][]];
      await h.store.outbox.markFailed(a, at(5), '503 first', at(30));
      await h.store.outbox.markFailed(b!, at(8), '503 second', at(30));
      await h.store.outbox.markFailed(c!, at(3), '400 Bad Request', undefined);
      await h.store.outbox.markDelivered(d!, at(4));
      await h.store.outbox.markDelivered(e!, at(9));
      await h.store.outbox.markDelivered(f!, at(7));
      await h.store.outbox.markFailed(vault.id, at(9), '404', undefined);

      expect(await h.store.outbox.failures(at(6))).toEqual([
        { connectorId: 'cyberark', status: 'abandoned', count: 1, since: 0, lastError: '400 Bad Request', lastAt: at(3) },
        { connectorId: 'cyberark', status: 'failed', count: 2, since: 1, lastError: '503 second', lastAt: at(8) },
        { connectorId: 'vault', status: 'abandoned', count: 1, since: 1, lastError: '404', lastAt: at(9) },
      ]);
      expect(await h.store.outbox.deliveries('cyberark', at(5))).toEqual({ count: 2, lastDeliveredAt: at(9) });
      expect(await h.store.outbox.deliveries('cyberark', at(10))).toEqual({ count: 0, lastDeliveredAt: at(9) });
      expect(await h.store.outbox.deliveries('vault', at(0))).toEqual({ count: 0, lastDeliveredAt: undefined });
    });
  });
}
