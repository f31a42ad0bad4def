/**
 * The core of a full reconciliation: compare the access paths approved state expects (assignments through
 * mappings) with the grants PAM reports, without holding both sides in memory. Both sides arrive as batches
 * (store scans and connector pages are paged). A key is `accessPathKey(target, principal)`; callers normalise
 * principals per vendor profile before keying.
 *
 * `diffSorted` needs both sides in ascending key order by UTF-16 code unit (`<` on strings). SQL must sort the
 * same way: SQLite's default BINARY collation does for keys without astral characters; PostgreSQL needs
 * `ORDER BY key COLLATE "C"`. An out-of-order key throws rather than report wrong differences.
 */
import { targetKey, type PamTarget } from './grant.ts';

export interface ExpectedPath {
  readonly key: string;
  readonly permissions: readonly string[];
  /** `jit` paths need not be present at PAM; `standing` ones must. */
  readonly mode: 'standing' | 'jit';
  readonly assignmentId?: string | undefined;
  /**
   * The part of its source the producer can read this path from again (see `diffUnsorted`), so that the diff
   * re-reads only the parts holding paths PAM never showed. Absent: the whole source is read again.
   */
  readonly chunk?: number | undefined;
}

export interface ObservedPath {
  readonly key: string;
  readonly permissions: readonly string[];
  readonly mode?: 'standing' | 'jit' | undefined;
  readonly grantId?: string | undefined;
}

/** Expected paths with the same key merged: permissions united, standing if any is. */
export interface ExpectedGroup {
  readonly key: string;
  readonly permissions: readonly string[];
  readonly mode: 'standing' | 'jit';
  readonly assignmentIds: readonly string[];
}

export type AccessDifference =
  | { readonly kind: 'missing-at-pam'; readonly key: string; readonly expected: ExpectedGroup }
  | { readonly kind: 'unapproved-at-pam'; readonly key: string; readonly observed: ObservedPath }
  | {
      readonly kind: 'permission-mismatch';
      readonly key: string;
      readonly expected: ExpectedGroup;
      readonly observed: ObservedPath;
      readonly missing: readonly string[];
      readonly extra: readonly string[];
    }
  /** Standing access at PAM where only just-in-time access is approved. */
  | { readonly kind: 'mode-mismatch'; readonly key: string; readonly expected: ExpectedGroup; readonly observed: ObservedPath };

export type BatchSource<T> = AsyncIterable<readonly T[]> | Iterable<readonly T[]>;

export class ReconcileOrderError extends Error {
  constructor(readonly side: 'expected' | 'observed', readonly previous: string, readonly key: string) {
    super(`${side} keys out of order: "${key}" after "${previous}"`);
    this.name = 'ReconcileOrderError';
  }
}

export function accessPathKey(target: PamTarget, principal: string): string {
  return `${targetKey(target)}|${principal}`;
}

/** Streams differences from two key-sorted sources; memory is one batch per side plus one key group. */
export async function* diffSorted(expected: BatchSource<ExpectedPath>, observed: BatchSource<ObservedPath>): AsyncGenerator<AccessDifference> {
  const ex = new GroupCursor('expected', expected);
  const ob = new GroupCursor('observed', observed);
  let e = await ex.next();
  let o = await ob.next();
  while (e !== undefined || o !== undefined) {
    if (o === undefined || (e !== undefined && e[0]!.key < o[0]!.key)) {
      const group = mergeExpected(e!);
      if (group.mode === 'standing') yield { kind: 'missing-at-pam', key: group.key, expected: group };
      e = await ex.next();
    } else if (e === undefined || o[0]!.key < e[0]!.key) {
      yield { kind: 'unapproved-at-pam', key: o[0]!.key, observed: mergeObserved(o) };
      o = await ob.next();
    } else {
      const d = compare(mergeExpected(e), mergeObserved(o));
      if (d) yield d;
      e = await ex.next();
      o = await ob.next();
    }
  }
}

/** The differences between one expected group and what PAM has at the same key, if any. */
export function compare(expected: ExpectedGroup, observed: ObservedPath): AccessDifference | undefined {
  if (expected.mode === 'jit' && observed.mode === 'standing') return { kind: 'mode-mismatch', key: expected.key, expected, observed };
  if (samePermissions(expected.permissions, observed.permissions)) return undefined;
  const want = new Set(expected.permissions);
  const have = new Set(observed.permissions);
  return {
    kind: 'permission-mismatch', key: expected.key, expected, observed,
    missing: [...want].filter((p) => !have.has(p)).sort(),
    extra: [...have].filter((p) => !want.has(p)).sort(),
  };
}

export function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length) {
    let equal = true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { equal = false; break; }
    if (equal) return true;
  }
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const p of sa) if (!sb.has(p)) return false;
  return true;
}

export function mergeExpected(items: readonly ExpectedPath[]): ExpectedGroup {
  const first = items[0]!;
  if (items.length === 1) {
    return { key: first.key, permissions: first.permissions, mode: first.mode, assignmentIds: first.assignmentId ? [first.assignmentId] : [] };
  }
  const permissions = new Set<string>();
  const assignmentIds: string[] = [];
  let mode: 'standing' | 'jit' = 'jit';
  for (const i of items) {
    for (const p of i.permissions) permissions.add(p);
    if (i.assignmentId) assignmentIds.push(i.assignmentId);
    if (i.mode === 'standing') mode = 'standing';
  }
  return { key: first.key, permissions: [...permissions].sort(), mode, assignmentIds };
}

export function mergeObserved(items: readonly ObservedPath[]): ObservedPath {
  const first = items[0]!;
  if (items.length === 1) return first;
  const permissions = new Set<string>();
  let mode = first.mode;
  for (const i of items) {
    for (const p of i.permissions) permissions.add(p);
    if (i.mode === 'standing') mode = 'standing';
  }
  return { ...first, permissions: [...permissions].sort(), mode };
}

/**
 * The reference semantics, holding both sides in Maps: what the streaming diffs must agree with (tests) and
 * the baseline they are measured against (bench). Not for production-sized inputs.
 */
export function diffNaive(expected: readonly ExpectedPath[], observed: readonly ObservedPath[]): AccessDifference[] {
  const ex = new Map<string, ExpectedPath[]>();
  for (const e of expected) ex.set(e.key, [...(ex.get(e.key) ?? []), e]);
  const ob = new Map<string, ObservedPath[]>();
  for (const o of observed) ob.set(o.key, [...(ob.get(o.key) ?? []), o]);
  const out: AccessDifference[] = [];
  for (const [key, items] of ex) {
    const group = mergeExpected(items);
    const seen = ob.get(key);
    if (!seen) {
      if (group.mode === 'standing') out.push({ kind: 'missing-at-pam', key, expected: group });
      continue;
    }
    const d = compare(group, mergeObserved(seen));
    if (d) out.push(d);
  }
  for (const [key, items] of ob) if (!ex.has(key)) out.push({ kind: 'unapproved-at-pam', key, observed: mergeObserved(items) });
  return out;
}

/** Reads a batch source one key group at a time, checking the order as it goes. */
class GroupCursor<T extends { readonly key: string }> {
  private readonly iterator: AsyncIterator<readonly T[]> | Iterator<readonly T[]>;
  private batch: readonly T[] = [];
  private index = 0;
  private exhausted = false;
  private lastKey: string | undefined;

  constructor(private readonly side: 'expected' | 'observed', source: BatchSource<T>) {
    this.iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** The next run of items with one key, or undefined at the end. */
  async next(): Promise<T[] | undefined> {
    if (this.index >= this.batch.length && !(await this.fill())) return undefined;
    const first = this.batch[this.index++]!;
    if (this.lastKey !== undefined && first.key < this.lastKey) throw new ReconcileOrderError(this.side, this.lastKey, first.key);
    this.lastKey = first.key;
    const group = [first];
    while (this.index < this.batch.length || (await this.fill())) {
      const item = this.batch[this.index]!;
      if (item.key !== first.key) break;
      group.push(item);
      this.index++;
    }
    return group;
  }

  private async fill(): Promise<boolean> {
    while (this.index >= this.batch.length) {
      if (this.exhausted) return false;
      const r = await this.iterator.next();
      if (r.done) {
        this.exhausted = true;
        return false;
      }
      this.batch = r.value;
      this.index = 0;
    }
    return true;
  }
}
