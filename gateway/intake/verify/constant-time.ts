import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time: both are hashed first, so the compared buffers always have equal length. */
export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Compares two digests in constant time; digests of different lengths are simply unequal. */
export function digestsEqual(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
