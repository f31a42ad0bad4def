/**
 * One measured run of the reconciliation diff on 1,000,000 expected vs 1,000,000 observed synthetic paths,
 * in its own process so that peak RSS belongs to this variant alone. Prints one JSON line.
 * Usage: node --import tsx bench/reconcile-diff-worker.ts sorted|unsorted|naive [rows]
 */
import type { AccessDifference, ExpectedPath, ObservedPath } from '../gateway/domain/reconciliation-diff.ts';
import { diffNaive, diffSorted } from '../gateway/domain/reconciliation-diff.ts';
import { diffUnsorted } from '../gateway/domain/reconciliation-diff-unsorted.ts';

const mode = process.argv[2] ?? 'sorted';
const N = Number(process.argv[3] ?? 1_000_000);
const BATCH = 1000;
const PERMS = ['listAccounts', 'useAccounts'];
const MORE = ['listAccounts', 'useAccounts', 'manageSafe'];

const key = (i: number): string => `cyberark/safe/S${String(i >> 10).padStart(4, '0')}|user${String(i).padStart(7, '0')}`;
/** Known differences: every 1000 rows one path missing at PAM, one with an extra permission, one unapproved. */
const isMissing = (i: number): boolean => i % 1000 === 7;
const isMismatch = (i: number): boolean => i % 1000 === 500;
const hasUnapproved = (i: number): boolean => i % 1000 === 900;

function expectedPage(p: number): ExpectedPath[] {
  const out: ExpectedPath[] = [];
  for (let i = p * BATCH; i < Math.min(N, (p + 1) * BATCH); i++) out.push({ key: key(i), permissions: PERMS, mode: 'standing', assignmentId: `asg_${i}` });
  return out;
}
function observedPage(p: number): ObservedPath[] {
  const out: ObservedPath[] = [];
  for (let i = p * BATCH; i < Math.min(N, (p + 1) * BATCH); i++) {
    if (!isMissing(i)) out.push({ key: key(i), permissions: isMismatch(i) ? MORE : PERMS, mode: 'standing', grantId: `grt_${i}` });
    if (hasUnapproved(i)) out.push({ key: `${key(i)}~orphan`, permissions: PERMS, mode: 'standing', grantId: `grt_o${i}` });
  }
  return out;
}
const pages = Math.ceil(N / BATCH);
/** Pages in a scrambled order (a connector's inventory in vendor order) for the unsorted variant. */
const scrambled = (p: number): number => (p * 7919) % pages;

async function* source<T>(page: (p: number) => T[], order: (p: number) => number = (p) => p): AsyncGenerator<T[]> {
  for (let p = 0; p < pages; p++) yield page(order(p));
}

async function run(): Promise<AccessDifference[]> {
  const found: AccessDifference[] = [];
  if (mode === 'naive') {
    const ex: ExpectedPath[] = [];
    const ob: ObservedPath[] = [];
    for (let p = 0; p < pages; p++) {
      for (const e of expectedPage(p)) ex.push(e);
      for (const o of observedPage(p)) ob.push(o);
    }
    return diffNaive(ex, ob);
  }
  const gen = mode === 'unsorted'
    ? diffUnsorted(() => source(expectedPage, scrambled), source(observedPage, scrambled))
    : diffSorted(source(expectedPage), source(observedPage));
  for await (const d of gen) found.push(d);
  return found;
}

const idleRssMb = process.memoryUsage().rss / 1048576;
const started = performance.now();
const diffs = await run();
const ms = performance.now() - started;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

let expectedCount = 0;
const wrong: string[] = [];
for (let i = 0; i < N; i++) if (isMissing(i) || isMismatch(i) || hasUnapproved(i)) expectedCount++;
for (const d of diffs) {
  const i = Number(/user(\d+)/.exec(d.key)?.[1]);
  const ok = (d.kind === 'missing-at-pam' && isMissing(i)) || (d.kind === 'permission-mismatch' && isMismatch(i))
    || (d.kind === 'unapproved-at-pam' && hasUnapproved(i) && d.key.endsWith('~orphan'));
  if (!ok) wrong.push(`${d.kind} ${d.key}`);
}
console.log(JSON.stringify({ mode, rows: N, ms, peakRssMb, idleRssMb, found: diffs.length, expected: expectedCount, wrong: wrong.length }));
