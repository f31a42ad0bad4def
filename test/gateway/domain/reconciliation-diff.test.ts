import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessDifference, ExpectedPath, ObservedPath } from '../../../gateway/domain/reconciliation-diff.ts';
import { accessPathKey, diffNaive, diffSorted, ReconcileOrderError } from '../../../gateway/domain/reconciliation-diff.ts';
import { diffUnsorted } from '../../../gateway/domain/reconciliation-diff-unsorted.ts';
import { KeyHashTable } from '../../../gateway/domain/key-hash-table.ts';
import { target } from './domain-fixtures.ts';

const E = (key: string, permissions: string[] = ['use'], mode: 'standing' | 'jit' = 'standing', assignmentId?: string): ExpectedPath => ({ key, permissions, mode, assignmentId });
const O = (key: string, permissions: string[] = ['use'], mode?: 'standing' | 'jit'): ObservedPath => ({ key, permissions, mode });

async function collect(gen: AsyncIterable<AccessDifference>): Promise<AccessDifference[]> {
  const out: AccessDifference[] = [];
  for await (const d of gen) out.push(d);
  return out;
}
function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
async function* asyncBatches<T>(items: readonly T[], size: number): AsyncGenerator<T[]> {
  for (const b of batches(items, size)) yield b;
}
/** Comparable summary of a difference, independent of order and of fields only one variant fills. */
const norm = (ds: readonly AccessDifference[]): string[] => ds.map((d) => {
  switch (d.kind) {
    case 'missing-at-pam': return `missing ${d.key} ${d.expected.mode} [${[...d.expected.permissions].sort()}]`;
    case 'unapproved-at-pam': return `unapproved ${d.key} [${[...d.observed.permissions].sort()}]`;
    case 'permission-mismatch': return `perm ${d.key} -[${d.missing}] +[${d.extra}]`;
    case 'mode-mismatch': return `mode ${d.key}`;
  }
}).sort();

describe('diffSorted on crafted inputs', () => {
  const expected = [E('a'), E('b', ['list', 'use']), E('c'), E('d', ['use'], 'jit'), E('e', ['use'], 'jit'), E('f', ['use'], 'jit'), E('g', ['use', 'list'])];
  const observed = [O('a'), O('b', ['use', 'retrieve']), O('bb'), O('e', ['use'], 'jit'), O('f', ['use'], 'standing'), O('g', ['list', 'use']), O('z')];

  it('finds missing, unapproved, permission and mode differences, in key order', async () => {
    const ds = await collect(diffSorted([expected], [observed]));
    expect(ds.map((d) => `${d.kind} ${d.key}`)).toEqual([
      'permission-mismatch b', 'unapproved-at-pam bb', 'missing-at-pam c', 'mode-mismatch f', 'unapproved-at-pam z',
    ]);
    expect(ds[0]).toMatchObject({ missing: ['list'], extra: ['retrieve'] });
  });

  it('does not depend on batch boundaries or sync versus async sources', async () => {
    const whole = norm(await collect(diffSorted([expected], [observed])));
    for (const size of [1, 2, 3, 100]) {
      expect(norm(await collect(diffSorted(batches(expected, size), asyncBatches(observed, size + 1))))).toEqual(whole);
    }
  });

  it('merges expected paths with one key: permissions united, standing wins, assignments listed', async () => {
    const ex = [E('k', ['list'], 'jit', 'asg_1'), E('k', ['use'], 'standing', 'asg_2')];
    const [d] = await collect(diffSorted([ex], [[]]));
    expect(d).toEqual({ kind: 'missing-at-pam', key: 'k', expected: { key: 'k', permissions: ['list', 'use'], mode: 'standing', assignmentIds: ['asg_1', 'asg_2'] } });
    expect(await collect(diffSorted([ex], [[O('k', ['use', 'list'])]]))).toEqual([]);
  });

  it('handles empty sides', async () => {
    expect(await collect(diffSorted([], []))).toEqual([]);
    expect((await collect(diffSorted([[E('a')]], []))).map((d) => d.kind)).toEqual(['missing-at-pam']);
    expect((await collect(diffSorted([], [[O('a')]]))).map((d) => d.kind)).toEqual(['unapproved-at-pam']);
  });

  it('throws on out-of-order input rather than report wrong differences', async () => {
    await expect(collect(diffSorted([[E('b'), E('a')]], []))).rejects.toBeInstanceOf(ReconcileOrderError);
    await expect(collect(diffSorted([], [[O('a')], [O('c'), O('b')]]))).rejects.toThrow(/observed keys out of order/);
  });

  it('keys paths by target and principal', () => {
    expect(accessPathKey(target('PROD'), 'CORP\\bob')).toBe('cyberark/safe/PROD|CORP\\bob');
  });
});

describe('diffUnsorted on crafted inputs', () => {
  it('agrees with the naive diff without any order', async () => {
    const expected = [E('g', ['use', 'list']), E('c'), E('a'), E('b', ['list', 'use']), E('d', ['use'], 'jit'), E('a', ['list'])];
    const observed = [O('z'), O('b', ['use', 'retrieve']), O('a', ['use', 'list']), O('g', ['list', 'use']), O('d', ['use'], 'standing')];
    const ds = await collect(diffUnsorted(() => batches(expected, 2), asyncBatches(observed, 3)));
    expect(norm(ds)).toEqual(norm(diffNaive(expected, observed)));
    expect(norm(ds)).toEqual(['missing c standing [use]', 'mode d', 'perm b -[list] +[retrieve]', 'unapproved z [use]']);
  });
});

describe('diffUnsorted re-reads only the chunks holding what PAM never showed', () => {
  /** An expected source split in chunks of `per` items; records what each read asked for. */
  function chunked(items: readonly ExpectedPath[], per: number) {
    const reads: (number[] | 'all')[] = [];
    const withChunks = items.map((e, i) => ({ ...e, chunk: Math.floor(i / per) }));
    const source = (chunks?: ReadonlySet<number>) => {
      reads.push(chunks ? [...chunks].sort((a, b) => a - b) : 'all');
      return asyncBatches(chunks ? withChunks.filter((e) => chunks.has(e.chunk)) : withChunks, 3);
    };
    return { reads, source };
  }
  const expected = Array.from({ length: 40 }, (_, i) => E(`k${i}`, ['use'], i % 10 === 9 ? 'jit' : 'standing'));

  it('asks again only for the chunks of unseen standing paths, and reports exactly those', async () => {
    const { reads, source } = chunked(expected, 8);
    const observed = expected.filter((e) => !['k3', 'k4', 'k27', 'k39', 'k19'].includes(e.key)).map((e) => O(e.key));
    const ds = await collect(diffUnsorted(source, asyncBatches(observed, 5)));
    expect(ds.map((d) => `${d.kind} ${d.key}`).sort()).toEqual(['missing-at-pam k27', 'missing-at-pam k3', 'missing-at-pam k4']);
    expect(reads).toEqual(['all', [0, 3]]);
  });

  it('does not read the expected side again when PAM showed every standing path', async () => {
    const { reads, source } = chunked(expected, 8);
    const observed = expected.filter((e) => e.mode === 'standing').map((e) => O(e.key));
    expect(await collect(diffUnsorted(source, asyncBatches(observed, 5)))).toEqual([]);
    expect(reads).toEqual(['all']);
  });

  it('reads everything again when an unseen path carries no chunk', async () => {
    const reads: string[] = [];
    const source = (chunks?: ReadonlySet<number>) => {
      reads.push(chunks ? 'some' : 'all');
      return asyncBatches([{ ...E('a'), chunk: 0 }, E('b')], 1);
    };
    const ds = await collect(diffUnsorted(source, asyncBatches([O('a')], 1)));
    expect(ds.map((d) => `${d.kind} ${d.key}`)).toEqual(['missing-at-pam b']);
    expect(reads).toEqual(['all', 'all']);
  });

  it('leaves a path approved between the two reads for the next run', async () => {
    let call = 0;
    const source = () => asyncBatches(call++ === 0 ? [E('a')] : [E('new'), E('a')], 1);
    const ds = await collect(diffUnsorted(source, asyncBatches([], 1)));
    expect(ds.map((d) => `${d.kind} ${d.key}`)).toEqual(['missing-at-pam a']);
  });

  it('property: chunked re-reads agree with the naive diff', async () => {
    const key = fc.integer({ min: 0, max: 30 }).map((n) => `k${n}`);
    const exp = fc.record({ key, permissions: fc.uniqueArray(fc.constantFrom('list', 'use'), { maxLength: 2 }), mode: fc.constantFrom<'standing' | 'jit'>('standing', 'jit') });
    await fc.assert(fc.asyncProperty(fc.array(exp, { maxLength: 50 }), fc.uniqueArray(key, { maxLength: 30 }), fc.integer({ min: 1, max: 9 }), async (ex, obKeys, per) => {
      const { source } = chunked(ex, per);
      const ob = obKeys.map((k) => O(k));
      expect(norm(await collect(diffUnsorted(source, asyncBatches(ob, 4))))).toEqual(norm(diffNaive(ex, ob)));
    }), { numRuns: 200 });
  });
});

describe('KeyHashTable', () => {
  it('keeps a value per key across growth, and tells absent keys apart', () => {
    const t = new KeyHashTable();
    for (let i = 0; i < 5000; i++) t.setValue(t.slotOf(`k${i}`, true), i);
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(t.value(t.slotOf(`k${i}`, false))).toBe(i);
    expect(t.slotOf('k5000', false)).toBe(-1);
    expect(t.slotOf('k1', true)).toBe(t.slotOf('k1', false));
    expect(t.size).toBe(5000);
  });

  it('keeps a tag per key across growth and visits every key once', () => {
    const t = new KeyHashTable();
    for (let i = 0; i < 3000; i++) {
      const slot = t.slotOf(`k${i}`, true);
      t.setValue(slot, i);
      t.setTag(slot, i * 2);
    }
    for (let i = 0; i < 3000; i += 7) expect(t.tag(t.slotOf(`k${i}`, false))).toBe(i * 2);
    const seen: number[] = [];
    t.forEach((value, tag) => {
      expect(tag).toBe(value * 2);
      seen.push(value);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

describe('property: the streaming diffs agree with the naive diff', () => {
  const perm = fc.constantFrom('list', 'use', 'retrieve', 'admin');
  const key = fc.integer({ min: 0, max: 40 }).map((n) => `cyberark/safe/S${n % 7}|u${n}`);
  const exp = fc.record({ key, permissions: fc.uniqueArray(perm, { maxLength: 3 }), mode: fc.constantFrom<'standing' | 'jit'>('standing', 'jit') });
  const obs = fc.record({ key, permissions: fc.uniqueArray(perm, { maxLength: 3 }), mode: fc.constantFrom<'standing' | 'jit' | undefined>('standing', 'jit', undefined) });
  const byKey = <T extends { key: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  it('sorted merge-diff (duplicates on both sides, any batch size)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(exp, { maxLength: 60 }), fc.array(obs, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), async (ex, ob, size) => {
      const got = await collect(diffSorted(batches(byKey(ex), size), asyncBatches(byKey(ob), size)));
      expect(norm(got)).toEqual(norm(diffNaive(ex, ob)));
    }), { numRuns: 200 });
  });

  it('unsorted hashed diff (unique observed keys)', async () => {
    const uniqueObs = fc.uniqueArray(obs, { maxLength: 60, selector: (o) => o.key });
    await fc.assert(fc.asyncProperty(fc.array(exp, { maxLength: 60 }), uniqueObs, fc.integer({ min: 1, max: 7 }), async (ex, ob, size) => {
      const got = await collect(diffUnsorted(() => asyncBatches(ex, size), asyncBatches(ob, size)));
      expect(norm(got)).toEqual(norm(diffNaive(ex, ob)));
    }), { numRuns: 200 });
  });
});
