/**
 * Short (default, part of `npm test`) and soak (`LOCKSTEP_SOAK=1`) sizes of the reliability suites, and a
 * seeded random source so that a failing run can be repeated (`LOCKSTEP_SEED=<n>`).
 */
export const SOAK = process.env.LOCKSTEP_SOAK === '1';

const base = SOAK
  ? { crashEvents: 10_000, kills: 10, workers: 12, fuzzScale: 5, httpFuzzRuns: 2_000, timeBudgetMs: 20 * 60_000 }
  : { crashEvents: 1_000, kills: 3, workers: 8, fuzzScale: 1, httpFuzzRuns: 300, timeBudgetMs: 60_000 };

const envInt = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number.parseInt(process.env[name]!, 10));

/** Sizes, with `LOCKSTEP_CRASH_EVENTS` and `LOCKSTEP_CRASH_KILLS` overriding the crash run (experiments). */
export const sizes = { ...base, crashEvents: envInt('LOCKSTEP_CRASH_EVENTS') ?? base.crashEvents, kills: envInt('LOCKSTEP_CRASH_KILLS') ?? base.kills };

export const SEED = Number(process.env.LOCKSTEP_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small deterministic generator for traffic choices and kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Figures the suites publish (printed at the end of each suite; collected into docs/reliability.md by hand). */
export function reportFigure(suite: string, figures: Record<string, number | string | boolean>): void {
  process.stdout.write(`[reliability] ${suite} ${JSON.stringify(figures)}\n`);
}

/** Per-test timeout for the reliability suites (each loop inside is also bounded by count and time). */
export const TEST_TIMEOUT_MS = SOAK ? 30 * 60_000 : 120_000;
