/**
 * When each bearer token was last used: recorded on successful authentication, at most once per token per
 * `throttleMs` (default one minute), after the request has moved on (never on its critical path), and a write
 * that fails is logged and never fails the request. SCIM tokens keep it on their row (`lastUsedAt`); the admin
 * token, which lives only as a hash in the configuration file, under a cursor keyed by that hash.
 */
import type { Logger } from 'pino';
import { type Clock } from '../domain/clock.ts';
import type { TokenId } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';

/** Cursor holding `{hash, at}` of the admin token's last use (`hash`: first 16 hex digits of its SHA-256). */
export const ADMIN_TOKEN_USE_CURSOR = 'admin-token.lastUsedAt';

export interface TokenUsageDeps {
  readonly store: Pick<Store, 'tokens' | 'cursors'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly throttleMs?: number;
}

export interface TokenUsage {
  /** A SCIM token authenticated (`lastUsedAt` as read with it). */
  scimTokenUsed(token: { readonly id: TokenId; readonly lastUsedAt?: string | undefined }): void;
  /** The admin token with this hash authenticated. */
  adminTokenUsed(hash: string): void;
  /** Resolves when the writes started so far have ended (tests, shutdown). */
  flush(): Promise<void>;
}

/** The admin token's last use, when it was the token whose hash is configured now. */
export async function adminTokenLastUsed(store: Pick<Store, 'cursors'>, hash: string | undefined): Promise<string | undefined> {
  if (hash === undefined) return undefined;
  const raw = await store.cursors.get(ADMIN_TOKEN_USE_CURSOR);
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as { hash?: unknown; at?: unknown };
    return parsed.hash === hash.slice(0, 16) && typeof parsed.at === 'string' ? parsed.at : undefined;
  } catch {
    return undefined;
  }
}

export function createTokenUsage(deps: TokenUsageDeps): TokenUsage {
  const throttleMs = deps.throttleMs ?? 60_000;
  const log = deps.logger.child({ component: 'token-usage' });
  /** Per token key: the time of the last write started (or known from the row). */
  const written = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  const record = (key: string, known: string | undefined, write: (at: string) => Promise<unknown>): void => {
    const now = deps.clock.now();
    const knownAt = known === undefined ? Number.NEGATIVE_INFINITY : Date.parse(known);
    const last = Math.max(written.get(key) ?? Number.NEGATIVE_INFINITY, Number.isNaN(knownAt) ? Number.NEGATIVE_INFINITY : knownAt);
    if (now - last < throttleMs) return;
    const previous = written.get(key);
    written.set(key, now);
    const at = new Date(now).toISOString();
    const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => write(at))
      .then(() => undefined, (e: unknown) => {
        if (previous === undefined) written.delete(key);
        else written.set(key, previous);
        log.warn({ err: e, token: key }, 'could not record when a token was last used');
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  return {
    scimTokenUsed(token) {
      record(token.id, token.lastUsedAt, (at) => deps.store.tokens.touch(token.id, at));
    },
    adminTokenUsed(hash) {
      const short = hash.slice(0, 16);
      record(`admin:${short}`, undefined, (at) => deps.store.cursors.set(ADMIN_TOKEN_USE_CURSOR, JSON.stringify({ hash: short, at })));
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
