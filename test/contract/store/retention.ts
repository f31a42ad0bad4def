/**
 * Retention: the bounded purges of handled inbox rows and delivered outbox messages (never what is still needed),
 * and outbox counts that never read the delivered rows in full.
 */
import { describe, expect, it } from 'vitest';
import type { InboxStatus } from '../../../gateway/domain/inbox-event.ts';
import type { OutboxStatus } from '../../../gateway/domain/outbox-message.ts';
import { at, inboxEvent, outboxMessage } from './fixtures.ts';
import type { Harness } from './harness.ts';

export function retentionContract(h: Harness): void {
  describe('retention', () => {
    it('purges handled inbox rows handled before the cut-off, oldest first, at most `limit`; never a pending row', async () => {
      const inbox = h.store.inbox;
      const handled = async (status: Exclude<InboxStatus, 'pending'>, minute: number, connectorId = 'cyberark') => {
        const e = inboxEvent({ connectorId, receivedAt: at(0) });
        await inbox.insert(e);
        await inbox.markDone(e.id, status, at(minute), status === 'processed' ? undefined : 'why');
        return e.id;
      };
      const old = [await handled('processed', 3), await handled('unrecognised', 1), await handled('failed', 2, 'vault')];
      const recent = [await handled('processed', 10), await handled('failed', 11)];
      const pendingOld = inboxEvent({ receivedAt: at(0) });
      await inbox.insert(pendingOld);

      expect(await inbox.purgeHandled(at(10), 2)).toBe(2);
      // Oldest handled first: minutes 1 and 2 are gone, minute 3 is left for the next batch.
      expect(await inbox.get(old[1]!)).toBeUndefined();
      expect(await inbox.get(old[2]!)).toBeUndefined();
      expect(await inbox.get(old[0]!)).toBeDefined();
      expect(await inbox.purgeHandled(at(10), 2)).toBe(1);
      expect(await inbox.purgeHandled(at(10), 2)).toBe(0);
      expect(await inbox.purgeHandled(at(10), 0)).toBe(0);
      for (const id of recent) expect(await inbox.get(id)).toBeDefined();
      expect(await inbox.get(pendingOld.id)).toMatchObject({ status: 'pending' });
      expect(await inbox.countByStatus()).toEqual({ pending: 1, processed: 1, unrecognised: 0, failed: 1 });
    });

    it('a purged dedupe key is accepted again (the dedupe window is the retention)', async () => {
      const e = inboxEvent({ dedupeKey: 'once' });
      await h.store.inbox.insert(e);
      await h.store.inbox.markDone(e.id, 'processed', at(1));
      expect((await h.store.inbox.insert(inboxEvent({ dedupeKey: 'once' }))).inserted).toBe(false);
      expect(await h.store.inbox.purgeHandled(at(2), 100)).toBe(1);
      expect((await h.store.inbox.insert(inboxEvent({ dedupeKey: 'once' }))).inserted).toBe(true);
    });

    it('purges delivered outbox messages before the cut-off, oldest first; never undelivered ones, dead letters or those path order names', async () => {
      const outbox = h.store.outbox;
      const put = async (status: OutboxStatus, minute: number) => {
        const m = outboxMessage({ status, createdAt: at(0), nextAttemptAt: at(0), updatedAt: at(minute), ...(status === 'delivered' ? { deliveredAt: at(minute) } : {}) });
        await outbox.enqueue(m);
        return m.id;
      };
      const delivered = [await put('delivered', 3), await put('delivered', 1), await put('delivered', 2)];
      const heads = [await put('delivered', 1), await put('delivered', 1)];
      await h.store.cursors.set('outbox.path:cyberark/safe/Prod-DB|bob', heads[0]!);
      await h.store.cursors.set('outbox.path-last:cyberark/safe/Prod-DB|bob', heads[1]!);
      await h.store.cursors.set('poll:cyberark', delivered[0]!); // not a path cursor: does not keep a message
      const kept = [await put('queued', 0), await put('sending', 0), await put('failed', 0), await put('abandoned', 0), await put('delivered', 20)];

      expect(await outbox.purgeDelivered(at(10), 2)).toBe(2);
      expect(await outbox.get(delivered[1]!)).toBeUndefined();
      expect(await outbox.get(delivered[2]!)).toBeUndefined();
      expect(await outbox.get(delivered[0]!)).toBeDefined();
      expect(await outbox.purgeDelivered(at(10), 2)).toBe(1);
      expect(await outbox.purgeDelivered(at(10), 2)).toBe(0);
      for (const id of [...heads, ...kept]) expect(await outbox.get(id)).toBeDefined();

      // Once a newer message heads the path, the former head may go.
      await h.store.cursors.set('outbox.path:cyberark/safe/Prod-DB|bob', kept[0]!);
      expect(await outbox.purgeDelivered(at(10), 10)).toBe(1);
      expect(await outbox.get(heads[0]!)).toBeUndefined();
      expect(await outbox.get(heads[1]!)).toBeDefined();
    });

    it('counts undelivered messages per state and delivered ones all kept or since a time', async () => {
      const outbox = h.store.outbox;
      const put = async (connectorId: string, status: OutboxStatus, minute = 0) => {
        await outbox.enqueue(outboxMessage({ connectorId, status, createdAt: at(0), nextAttemptAt: at(0), ...(status === 'delivered' ? { deliveredAt: at(minute) } : {}) }));
      };
      await put('vault', 'queued');
      await put('cyberark', 'queued');
      await put('cyberark', 'queued');
      await put('cyberark', 'abandoned');
      await put('cyberark', 'failed');
      await put('cyberark', 'sending');
      await put('cyberark', 'delivered', 1);
      await put('cyberark', 'delivered', 5);
      await put('vault', 'delivered', 1);

      expect(await outbox.stats()).toEqual([
        { connectorId: 'cyberark', status: 'abandoned', count: 1 },
        { connectorId: 'cyberark', status: 'delivered', count: 2 },
        { connectorId: 'cyberark', status: 'failed', count: 1 },
        { connectorId: 'cyberark', status: 'queued', count: 2 },
        { connectorId: 'cyberark', status: 'sending', count: 1 },
        { connectorId: 'vault', status: 'delivered', count: 1 },
        { connectorId: 'vault', status: 'queued', count: 1 },
      ]);
      expect(await outbox.stats(at(5))).toEqual([
        { connectorId: 'cyberark', status: 'abandoned', count: 1 },
        { connectorId: 'cyberark', status: 'delivered', count: 1 },
        { connectorId: 'cyberark', status: 'failed', count: 1 },
        { connectorId: 'cyberark', status: 'queued', count: 2 },
        { connectorId: 'cyberark', status: 'sending', count: 1 },
        { connectorId: 'vault', status: 'queued', count: 1 },
      ]);
      expect(await outbox.purgeDelivered(at(2), 100)).toBe(2);
      expect((await outbox.stats()).filter((s) => s.status === 'delivered')).toEqual([{ connectorId: 'cyberark', status: 'delivered', count: 1 }]);
    });
  });
}
