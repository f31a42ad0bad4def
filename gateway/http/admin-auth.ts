/**
 * The admin token: generated on first start (printed once, only its hash kept in the configuration file)
 * and required as `Authorization: Bearer lsa_...` by the admin API.
 */
import type { RequestHandler } from 'express';
import type { ConfigFile } from '../config/config-file.ts';
import type { RandomSource } from '../domain/ids.ts';
import { ADMIN_TOKEN_PREFIX, bearerToken, generateToken, hashToken, tokenMatches } from './bearer-tokens.ts';
import { HttpError } from './http-error.ts';

/** Makes an admin token when the configuration has none; returns it (to print once) or undefined. */
export async function ensureAdminToken(deps: { file: ConfigFile; random: RandomSource }): Promise<string | undefined> {
  if (deps.file.current().settings.adminTokenHash !== undefined) return undefined;
  const token = generateToken(ADMIN_TOKEN_PREFIX, deps.random);
  const hash = hashToken(token);
  await deps.file.update((document) => {
    document.settings = { ...document.settings, adminTokenHash: hash };
  });
  return token;
}

/** Express middleware: 401 unless the bearer token hashes to the configured admin token hash; `onUsed` hears each success. */
export function requireAdminToken(deps: { adminTokenHash: () => string | undefined; onUsed?: ((hash: string) => void) | undefined }): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    const expected = deps.adminTokenHash();
    if (token === undefined || expected === undefined || !tokenMatches(token, expected)) {
      res.setHeader('www-authenticate', 'Bearer realm="lockstep-admin"');
      next(new HttpError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer lsa_...)'));
      return;
    }
    deps.onUsed?.(expected);
    next();
  };
}
