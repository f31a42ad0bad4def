export { canonicalJson } from './canonical-json.ts';
export { chainEntry, hashEntry, type UnhashedLedgerEntry } from './hash-entry.ts';
export { verifyLedger, type LedgerProblem, type LedgerVerification } from './verify-ledger.ts';
export { readLedger, verifyStoreLedger } from './verify-store-ledger.ts';
