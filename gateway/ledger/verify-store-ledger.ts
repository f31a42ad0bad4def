import type { LedgerEntry } from '../domain/ledger-entry.ts';
import type { LedgerRepo } from '../store/store.ts';
import { verifyLedger, type LedgerVerification } from './verify-ledger.ts';

/** Reads the whole ledger of a store page by page, in seq order. */
export async function* readLedger(ledger: Pick<LedgerRepo, 'read'>, pageSize = 1000): AsyncIterable<LedgerEntry> {
  let from = 1;
  for (;;) {
    const page = await ledger.read(from, pageSize);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    from = last.seq + 1;
  }
}

/** Verifies the ledger of a store (`lockstep ledger verify`, the admin API). */
export function verifyStoreLedger(store: { readonly ledger: Pick<LedgerRepo, 'read'> }, pageSize = 1000): Promise<LedgerVerification> {
  return verifyLedger(readLedger(store.ledger, pageSize));
}
