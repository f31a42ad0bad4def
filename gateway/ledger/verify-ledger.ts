import { GENESIS_HASH, type LedgerEntry } from '../domain/ledger-entry.ts';
import { hashEntry } from './hash-entry.ts';

export type LedgerProblem = 'altered' | 'removed' | 'reordered' | 'broken-link';

export type LedgerVerification =
  | { readonly ok: true; readonly count: number; readonly lastHash: string }
  | { readonly ok: false; readonly seq: number; readonly problem: LedgerProblem; readonly detail: string };

/** How far from its position an entry's original seq is looked for when its hash fails (to tell reordering). */
const REORDER_WINDOW = 16;

/**
 * Walks the chain from seq 1 and names the first entry that is not what was appended:
 * - `altered`: the entry's content or hash was edited (its hash no longer matches its content);
 * - `removed`: a seq is missing;
 * - `reordered`: an entry sits at a seq other than the one it was written with;
 * - `broken-link`: the entry is intact but its prevHash is not the previous entry's hash (the previous entry was
 *   rewritten with a recomputed hash, or entries were spliced in).
 * A removed *last* entry cannot be seen from the chain itself: keep `lastHash` elsewhere to anchor it.
 */
export async function verifyLedger(entries: AsyncIterable<LedgerEntry> | Iterable<LedgerEntry>): Promise<LedgerVerification> {
  const iterator = toAsyncIterator(entries);
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let pending: LedgerEntry | undefined;
  const next = async (): Promise<LedgerEntry | undefined> => {
    if (pending) {
      const p = pending;
      pending = undefined;
      return p;
    }
    const r = await iterator.next();
    return r.done ? undefined : r.value;
  };
  for (let entry = await next(); entry; entry = await next()) {
    if (entry.seq !== expected) {
      if (entry.seq < expected) {
        return { ok: false, seq: entry.seq, problem: 'reordered', detail: `entry ${entry.seq} appears after entry ${expected - 1}` };
      }
      const following = await next();
      if (following && following.seq === expected) {
        return { ok: false, seq: expected, problem: 'reordered', detail: `entry ${expected} appears after entry ${entry.seq}` };
      }
      return { ok: false, seq: expected, problem: 'removed', detail: `entry ${expected} is missing (next present is ${entry.seq})` };
    }
    const { hash, ...unhashed } = entry;
    if (hashEntry(unhashed) !== hash) {
      const writtenAs = originalSeq(entry);
      if (writtenAs !== undefined) {
        return { ok: false, seq: entry.seq, problem: 'reordered', detail: `entry stored at seq ${entry.seq} was written as seq ${writtenAs}` };
      }
      return { ok: false, seq: entry.seq, problem: 'altered', detail: `entry ${entry.seq} does not match its hash` };
    }
    if (entry.prevHash !== prevHash) {
      return {
        ok: false, seq: entry.seq, problem: 'broken-link',
        detail: `entry ${entry.seq} does not link to entry ${entry.seq - 1} (that entry was rewritten, or entries were spliced)`,
      };
    }
    prevHash = hash;
    expected++;
  }
  return { ok: true, count: expected - 1, lastHash: prevHash };
}

function originalSeq(entry: LedgerEntry): number | undefined {
  const { hash, ...unhashed } = entry;
  for (let d = 1; d <= REORDER_WINDOW; d++) {
    for (const seq of [entry.seq - d, entry.seq + d]) {
      if (seq >= 1 && hashEntry({ ...unhashed, seq }) === hash) return seq;
    }
  }
  return undefined;
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
}
