import type { RandomSource } from '../domain/ids.ts';

/**
 * Draws from `source` in blocks and hands out slices: one system call per `blockSize` bytes instead of one per
 * id on the ingest hot path. Still the injected source (tests stay repeatable).
 */
export function pooledRandom(source: RandomSource, blockSize = 4096): RandomSource {
  let pool: Uint8Array = new Uint8Array(0);
  let at = 0;
  return (n) => {
    if (n > blockSize) return source(n);
    if (at + n > pool.length) {
      pool = source(blockSize);
      at = 0;
    }
    const out = pool.subarray(at, at + n);
    at += n;
    return out;
  };
}
