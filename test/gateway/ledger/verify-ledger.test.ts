import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type LedgerEntry } from '../../../gateway/domain/ledger-entry.ts';
import { canonicalJson } from '../../../gateway/ledger/canonical-json.ts';
import { chainEntry, hashEntry } from '../../../gateway/ledger/hash-entry.ts';
import { verifyLedger } from '../../../gateway/ledger/verify-ledger.ts';

function chain(n: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(chainEntry(out[out.length - 1], { at: `2026-01-01T00:00:0${i}.000Z`, actor: 'engine', action: 'elevation.decided', subject: `elv_${i}`, data: { i, outcome: 'allow' } }));
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(canonicalJson([undefined, 'a'])).toBe('[null,"a"]');
  });
});

describe('hashEntry', () => {
  it('is SHA-256 hex over every field but the hash, prevHash included', () => {
    const [first] = chain(1);
    if (!first) throw new Error('fixture');
    const { hash, ...rest } = first;
    expect(hashEntry(rest)).toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(hashEntry({ ...rest, prevHash: 'f'.repeat(64) })).not.toBe(hash);
    expect(hashEntry({ ...rest, data: { outcome: 'allow', i: 0 } })).toBe(hash);
  });
});

describe('verifyLedger', () => {
  it('accepts an intact chain from arrays and async iterables, and an empty one', async () => {
    const entries = chain(5);
    expect(await verifyLedger(entries)).toEqual({ ok: true, count: 5, lastHash: entries[4]?.hash });
    async function* stream() {
      yield* entries;
    }
    expect(await verifyLedger(stream())).toMatchObject({ ok: true, count: 5 });
    expect(await verifyLedger([])).toEqual({ ok: true, count: 0, lastHash: GENESIS_HASH });
  });

  it('names an altered entry', async () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, data: { i: 2, outcome: 'deny' } };
    expect(await verifyLedger(entries)).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
  });

  it('names an entry whose hash was replaced', async () => {
    const entries = chain(5);
    entries[3] = { ...entries[3]!, hash: 'a'.repeat(64) };
    expect(await verifyLedger(entries)).toMatchObject({ ok: false, seq: 4, problem: 'altered' });
  });

  it('names the broken link after an entry rewritten with a recomputed hash', async () => {
    const entries = chain(5);
    const { hash: _ignored, ...rest } = entries[1]!;
    const forged = { ...rest, data: { i: 1, outcome: 'deny' } };
    entries[1] = { ...forged, hash: hashEntry(forged) };
    expect(await verifyLedger(entries)).toMatchObject({ ok: false, seq: 3, problem: 'broken-link' });
  });

  it('names a removed entry', async () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(await verifyLedger(entries)).toMatchObject({ ok: false, seq: 2, problem: 'removed' });
    expect(await verifyLedger(chain(5).slice(1))).toMatchObject({ ok: false, seq: 1, problem: 'removed' });
  });

  it('names reordered entries, whether delivered out of order or renumbered in place', async () => {
    const entries = chain(5);
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!, entries[4]!];
    expect(await verifyLedger(swapped)).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
    const renumbered = [entries[0]!, { ...entries[2]!, seq: 2 }, { ...entries[1]!, seq: 3 }, entries[3]!, entries[4]!];
    expect(await verifyLedger(renumbered)).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
  });
});
