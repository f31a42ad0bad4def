import { KeyHashTable, EMPTY } from './key-hash-table.ts';
import {
  compare, mergeObserved, type AccessDifference, type BatchSource, type ExpectedGroup, type ExpectedPath, type ObservedPath,
} from './reconciliation-diff.ts';

/**
 * The diff when the sides do not come sorted (connector inventories page in vendor order). The expected side
 * is held as a {@link KeyHashTable} of key hashes, each with an interned (mode, permissions) signature and the
 * chunk it came from, and is read twice: once whole to fill the table (`expected()`), and once after the
 * observed stream to report standing paths PAM never showed — only the chunks holding such paths
 * (`expected(chunks)`; everything again when one of them carries no chunk; not at all when PAM showed every
 * standing path). The observed side is streamed once. Differences about missing paths come last; expected
 * groups carry no assignment ids (look them up by key); observed duplicates of a key are compared one by one.
 * A path that appears only in the second read (approved meanwhile) is left for the next run.
 */
export async function* diffUnsorted(
  expected: (chunks?: ReadonlySet<number>) => BatchSource<ExpectedPath>,
  observed: BatchSource<ObservedPath>,
): AsyncGenerator<AccessDifference> {
  const signatures = new SignatureTable();
  const table = new KeyHashTable();
  for await (const batch of expected()) {
    for (const e of batch) {
      const slot = table.slotOf(e.key, true);
      const prior = table.value(slot);
      if (prior === EMPTY) {
        table.setValue(slot, signatures.intern(e.mode, e.permissions));
        table.setTag(slot, e.chunk ?? UNKNOWN_CHUNK);
      } else {
        table.setValue(slot, signatures.union(prior, e.mode, e.permissions));
      }
    }
  }
  for await (const batch of observed) {
    for (const o of batch) {
      const slot = table.slotOf(o.key, false);
      if (slot < 0) {
        yield { kind: 'unapproved-at-pam', key: o.key, observed: mergeObserved([o]) };
        continue;
      }
      const value = table.value(slot);
      const sig = unseenSig(value);
      if (value >= 0) table.setValue(slot, seen(sig));
      const d = compare(signatures.group(o.key, sig), o);
      if (d) yield d;
    }
  }
  const chunks = unseenChunks(table, signatures);
  if (chunks !== undefined && chunks.size === 0) return;
  for await (const batch of expected(chunks)) {
    for (const e of batch) {
      const slot = table.slotOf(e.key, false);
      if (slot < 0) continue;
      const value = table.value(slot);
      if (value < 0) continue;
      table.setValue(slot, seen(value));
      const group = signatures.group(e.key, value);
      if (group.mode === 'standing') yield { kind: 'missing-at-pam', key: e.key, expected: group };
    }
  }
}

const UNKNOWN_CHUNK = -1;

/** The chunks holding standing paths PAM never showed; undefined when one of them carries no chunk. */
function unseenChunks(table: KeyHashTable, signatures: SignatureTable): Set<number> | undefined {
  const chunks = new Set<number>();
  let unknown = false;
  table.forEach((value, tag) => {
    if (value < 0 || !signatures.standing(value)) return;
    if (tag === UNKNOWN_CHUNK) unknown = true;
    else chunks.add(tag);
  });
  return unknown ? undefined : chunks;
}

/** Values ≥ 0: signature of a path not (yet) seen at PAM; ≤ -2: seen (or reported), signature encoded. */
const seen = (sig: number): number => -sig - 2;
const unseenSig = (value: number): number => (value >= 0 ? value : -value - 2);

class SignatureTable {
  private readonly byText = new Map<string, number>();
  private readonly entries: { mode: 'standing' | 'jit'; permissions: readonly string[] }[] = [];
  /** Producers usually share one permissions array per mapping: remember the last one seen. */
  private last: { mode: string; permissions: readonly string[]; index: number } | undefined;

  intern(mode: 'standing' | 'jit', permissions: readonly string[]): number {
    if (this.last && this.last.permissions === permissions && this.last.mode === mode) return this.last.index;
    const index = this.lookup(mode, permissions);
    this.last = { mode, permissions, index };
    return index;
  }

  private lookup(mode: 'standing' | 'jit', permissions: readonly string[]): number {
    const sorted = strictlyAscending(permissions) ? permissions : [...new Set(permissions)].sort();
    const text = `${mode}\u0000${sorted.join('\u0000')}`;
    let index = this.byText.get(text);
    if (index === undefined) {
      index = this.entries.length;
      this.entries.push({ mode, permissions: sorted });
      this.byText.set(text, index);
    }
    return index;
  }

  union(index: number, mode: 'standing' | 'jit', permissions: readonly string[]): number {
    const prior = this.entries[index]!;
    return this.intern(prior.mode === 'standing' || mode === 'standing' ? 'standing' : 'jit', [...prior.permissions, ...permissions]);
  }

  standing(index: number): boolean {
    return this.entries[index]!.mode === 'standing';
  }

  group(key: string, index: number): ExpectedGroup {
    const e = this.entries[index]!;
    return { key, permissions: e.permissions, mode: e.mode, assignmentIds: [] };
  }
}

function strictlyAscending(xs: readonly string[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! < xs[i]!)) return false;
  return true;
}
