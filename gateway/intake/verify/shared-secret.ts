import type { Result } from '../../domain/result.ts';
import { secretsEqual } from './constant-time.ts';
import { type Delivery, type VerifyFailure, fail, header } from './delivery.ts';

/**
 * A static secret the vendor sends with every delivery: in a header (Delinea, Okta's authorization header), or,
 * for vendors that can send nothing but a URL (BeyondTrust PRA outbound events), in a query parameter.
 */
export interface SharedSecretScheme {
  readonly kind: 'shared-secret';
  readonly in: 'header' | 'query';
  readonly name: string;
  readonly secrets: readonly string[];
}

export function verifySharedSecret(scheme: SharedSecretScheme, delivery: Delivery): Result<Record<string, never>, VerifyFailure> {
  const value = scheme.in === 'header' ? header(delivery, scheme.name) : queryValue(delivery, scheme.name);
  if (!value) return fail('missing-credentials', `${scheme.in} ${scheme.name} is required`);
  let match = false;
  for (const secret of scheme.secrets) match = secretsEqual(value, secret) || match;
  return match ? { ok: true, value: {} } : fail('bad-credentials', `${scheme.in} ${scheme.name} does not match`);
}

function queryValue(delivery: Delivery, name: string): string | undefined {
  const v = delivery.query[name];
  return typeof v === 'string' ? v : undefined;
}

/** A static bearer token in `Authorization` (SailPoint event triggers). */
export interface BearerScheme {
  readonly kind: 'bearer';
  readonly tokens: readonly string[];
}

export function verifyBearer(scheme: BearerScheme, delivery: Delivery): Result<Record<string, never>, VerifyFailure> {
  const auth = header(delivery, 'authorization');
  if (!auth) return fail('missing-credentials', 'authorization header is required');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m?.[1]) return fail('malformed-credentials', 'authorization is not Bearer');
  let match = false;
  for (const token of scheme.tokens) match = secretsEqual(m[1], token) || match;
  return match ? { ok: true, value: {} } : fail('bad-credentials', 'bearer token does not match');
}
