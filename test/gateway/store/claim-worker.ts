/**
 * Child process for the cross-process claim test: opens the store on the file given, says `ready`, waits for
 * `go`, then claims outbox messages until none are left and sends back the ids it got.
 */
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';

const file = process.argv[2];
const owner = process.argv[3] ?? `pid-${process.pid}`;
if (!file || !process.send) throw new Error('usage: fork(claim-worker.ts, [file, owner]) with IPC');
const store = await openSqliteStore({ file });
process.send({ ready: true });
process.once('message', async () => {
  const claimed: string[] = [];
  for (;;) {
    const got = await store.outbox.claim({ owner, now: '2026-01-01T00:01:00.000Z', leaseUntil: '2026-01-02T00:00:00.000Z', limit: 2 });
    if (got.length === 0) break;
    claimed.push(...got.map((m) => m.id));
  }
  await store.close();
  process.send?.({ claimed }, () => process.exit(0));
});
