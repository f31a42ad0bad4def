/**
 * Bearer authentication: the token's SHA-256 selects an unrevoked, unexpired `scim` token, whose connector
 * becomes the request's namespace. 401 with `WWW-Authenticate` and an RFC 7644 error body otherwise.
 */
import type { ApiToken } from '../domain/api-token.ts';
import type { Clock } from '../domain/clock.ts';
import { bearerToken, hashToken, tokenMatches } from '../http/bearer-tokens.ts';
import type { Store } from '../store/store.ts';

export const WWW_AUTHENTICATE = 'Bearer realm="lockstep-scim"';

export type AuthOutcome = { ok: true; token: ApiToken & { connectorId: string } } | { ok: false; detail: string };

export async function authenticate(deps: { store: Store; clock: Clock }, header: string | undefined): Promise<AuthOutcome> {
  const given = bearerToken(header);
  if (!given) return { ok: false, detail: 'a bearer token is required' };
  const token = await deps.store.tokens.getByHash(hashToken(given));
  if (!token || !tokenMatches(given, token.hash) || token.scope !== 'scim' || !token.connectorId) return { ok: false, detail: 'the bearer token is not valid' };
  if (token.revokedAt) return { ok: false, detail: 'the bearer token was revoked' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= deps.clock.now()) return { ok: false, detail: 'the bearer token expired' };
  return { ok: true, token: token as ApiToken & { connectorId: string } };
}
