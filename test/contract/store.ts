/**
 * The store contract: every implementation of the state store port (gateway/store/store.ts) must pass it.
 * `open` gives a fresh, empty store for each test; `reopen`, when given, opens another instance on the same
 * database (for persistence and multi-instance tests); `cleanup` removes the database.
 */
import { describe } from 'vitest';
import { accessContract } from './store/access.ts';
import { healthContract } from './store/health.ts';
import { useStore, type OpenStore } from './store/harness.ts';
import { messagingContract } from './store/messaging.ts';
import { queryContract } from './store/query.ts';
import { resourceContract } from './store/resources.ts';
import { retentionContract } from './store/retention.ts';
import { transactionContract } from './store/transactions.ts';

export type { OpenedStore, OpenStore } from './store/harness.ts';

export function runStoreContract(name: string, open: OpenStore): void {
  describe(`store contract: ${name}`, () => {
    const h = useStore(open);
    resourceContract(h);
    queryContract(h);
    accessContract(h);
    messagingContract(h);
    healthContract(h);
    retentionContract(h);
    transactionContract(h);
  });
}
