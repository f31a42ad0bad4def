/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line) one after another.
 * Each file's default export is `(report: BenchReport) => Promise<void>`; it measures Lockstep and a bare
 * baseline in the same run and reports both, so that the ratio means something on a shared, noisy machine.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same measure for the baseline in this run, when there is one. */
  readonly baseline?: number;
  /** The target this figure must meet, in words (printed beside it). */
  readonly target?: string;
  readonly met?: boolean;
}

export type BenchReport = (result: BenchResult) => void;
export type Bench = (report: BenchReport) => Promise<void>;

const here = path.dirname(fileURLToPath(import.meta.url));

function format(r: BenchResult): string {
  const value = `${r.value.toFixed(r.value >= 100 ? 0 : 2)} ${r.unit}`;
  const ratio = r.baseline !== undefined && r.baseline !== 0 ? `  baseline ${r.baseline.toFixed(r.baseline >= 100 ? 0 : 2)} ${r.unit}  ratio ${(r.value / r.baseline).toFixed(2)}×` : '';
  const target = r.target ? `  target ${r.target}${r.met === undefined ? '' : r.met ? ' ✔' : ' ✘'}` : '';
  return `  ${r.name.padEnd(52)} ${value}${ratio}${target}`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  const all: BenchResult[] = [];
  for (const file of files) {
    console.log(`\n▶ ${file}`);
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Bench };
    await mod.default((r) => {
      all.push(r);
      console.log(format(r));
    });
  }
  const missed = all.filter((r) => r.met === false);
  console.log(`\n${all.length} figures, ${missed.length} below target`);
}

await main();
