import type { Result } from '../../domain/result.ts';
import { secretsEqual } from './constant-time.ts';
import { type Delivery, type VerifyFailure, fail, header } from './delivery.ts';

/** HTTP Basic (Teleport's webhooks plugin, SailPoint triggers). Several credentials during rotation. */
export interface BasicAuthScheme {
  readonly kind: 'basic';
  readonly credentials: readonly { readonly username: string; readonly password: string }[];
}

export function verifyBasicAuth(scheme: BasicAuthScheme, delivery: Delivery): Result<Record<string, never>, VerifyFailure> {
  const auth = header(delivery, 'authorization');
  if (!auth) return fail('missing-credentials', 'authorization header is required');
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (!m?.[1]) return fail('malformed-credentials', 'authorization is not Basic');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail('malformed-credentials', 'basic credentials have no colon');
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  let match = false;
  for (const c of scheme.credentials) {
    const userOk = secretsEqual(user, c.username);
    const passOk = secretsEqual(pass, c.password);
    match = (userOk && passOk) || match;
  }
  return match ? { ok: true, value: {} } : fail('bad-credentials', 'basic credentials do not match');
}
