/**
 * One entry of the append-only, hash-chained evidence ledger. `hash` = SHA-256 over the canonical JSON of
 * every other field, including `prevHash`; the first entry's `prevHash` is 64 zeros.
 */
export interface LedgerEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly data: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

export type NewLedgerEntry = Pick<LedgerEntry, 'actor' | 'action' | 'subject' | 'data'> & { at?: string };

export const GENESIS_HASH = '0'.repeat(64);
