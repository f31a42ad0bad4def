import { createHash } from 'node:crypto';
import { GENESIS_HASH, type LedgerEntry } from '../domain/ledger-entry.ts';
import { canonicalJson } from './canonical-json.ts';

export type UnhashedLedgerEntry = Omit<LedgerEntry, 'hash'>;

/** SHA-256 (hex) over the canonical JSON of every field of the entry but `hash`, `prevHash` included. */
export function hashEntry(entry: UnhashedLedgerEntry): string {
  const { seq, at, actor, action, subject, data, prevHash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ seq, at, actor, action, subject, data, prevHash }))
    .digest('hex');
}

/** The entry that follows `previous` (or the first entry when there is none), hash computed. */
export function chainEntry(
  previous: Pick<LedgerEntry, 'seq' | 'hash'> | undefined,
  entry: Pick<LedgerEntry, 'at' | 'actor' | 'action' | 'subject' | 'data'>,
): LedgerEntry {
  const unhashed: UnhashedLedgerEntry = {
    seq: previous ? previous.seq + 1 : 1,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    data: entry.data,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...unhashed, hash: hashEntry(unhashed) };
}
