/**
 * Full-reconciliation diff core: 1,000,000 expected access paths vs 1,000,000 observed PAM grants with 3,000
 * known differences (1,000 missing at PAM, 1,000 permission mismatches, 1,000 unapproved). Each variant runs
 * in its own process so its peak RSS is its own: the streaming merge-diff (both sides sorted), the unsorted
 * hashed diff (typed-array key hashes), and the naive baseline that materialises both sides in Maps.
 * Targets (issue 7, for the whole full run): ≤ 20 s and ≤ 1.5 GB.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchReport } from './run.ts';

interface Run { mode: string; ms: number; peakRssMb: number; idleRssMb: number; found: number; expected: number; wrong: number }

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reconcile-diff-worker.ts');

async function measure(mode: string, rows: number): Promise<Run> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', worker, mode, String(rows)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Run;
}

export default async function bench(report: BenchReport): Promise<void> {
  const rows = Number(process.env['RECONCILE_ROWS'] ?? 1_000_000);
  const naive = await measure('naive', rows);
  for (const mode of ['sorted', 'unsorted']) {
    const r = await measure(mode, rows);
    const label = mode === 'sorted' ? 'streaming merge-diff' : 'unsorted hashed diff';
    report({ name: `reconcile diff ${label}: 1M×1M time`, value: r.ms, unit: 'ms', baseline: naive.ms, target: '≤ 20000 ms', met: r.ms <= 20_000 });
    report({ name: `reconcile diff ${label}: peak RSS`, value: r.peakRssMb, unit: 'MB', baseline: naive.peakRssMb, target: '≤ 1536 MB', met: r.peakRssMb <= 1536 });
    report({ name: `reconcile diff ${label}: differences found`, value: r.found - r.wrong, unit: `of ${r.expected}`, target: 'all, none wrong', met: r.found === r.expected && r.wrong === 0 });
  }
  report({ name: 'reconcile diff naive baseline: differences found', value: naive.found - naive.wrong, unit: `of ${naive.expected}` });
}
