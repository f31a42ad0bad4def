/**
 * Bearer tokens: random, prefixed (`lsa_` admin, `lst_` SCIM), stored only as their SHA-256 hex digest and
 * compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from '../domain/ids.ts';

export const ADMIN_TOKEN_PREFIX = 'lsa_';
export const SCIM_TOKEN_PREFIX = 'lst_';

/** A new token: prefix + 32 random bytes in base64url (256 bits). */
export function generateToken(prefix: string, random: RandomSource): string {
  return `${prefix}${Buffer.from(random(32)).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` hashes to `expectedHash`, compared in constant time. */
export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}
