/**
 * The one classification of "the state store cannot take this write now, retry later": a full disk (SQLite
 * `SQLITE_FULL`, an I/O error writing, `ENOSPC`/`EDQUOT`; PostgreSQL "could not extend file", SQLSTATE 53100)
 * or exhausted server resources (PostgreSQL class 53: too many connections 53300, out of memory 53200).
 * Every entry point (SCIM, admin API, webhooks, syslog) asks this, answers 503 with `Retry-After`, and
 * reports it to the storage health (readiness); nothing here does I/O.
 */
export type StoreUnavailableReason = 'disk-full' | 'too-many-connections' | 'insufficient-resources' | 'io-error';

export class StoreUnavailable extends Error {
  constructor(readonly reason: StoreUnavailableReason, readonly code: string, options?: { cause?: unknown }) {
    super(`the state store cannot take writes now (${reason}, ${code})`, options);
    this.name = 'StoreUnavailable';
  }
}

/** What people read in logs, readiness and error bodies (no internals beyond the reason). */
export const REASON_TEXT: Readonly<Record<StoreUnavailableReason, string>> = {
  'disk-full': 'the disk of the state store is full',
  'too-many-connections': 'the state store has no free connection',
  'insufficient-resources': 'the state store is out of resources',
  'io-error': 'the state store cannot write to its disk',
};

const SQLITE: Readonly<Record<string, StoreUnavailableReason>> = {
  SQLITE_FULL: 'disk-full',
  SQLITE_IOERR_WRITE: 'io-error',
  SQLITE_IOERR_FSYNC: 'io-error',
  SQLITE_IOERR_SHMSIZE: 'disk-full',
  SQLITE_IOERR_TRUNCATE: 'io-error',
};

const ERRNO: Readonly<Record<string, StoreUnavailableReason>> = { ENOSPC: 'disk-full', EDQUOT: 'disk-full' };

function classifyOne(e: { code?: unknown; message?: unknown }): StoreUnavailable | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code !== undefined) {
    const sqlite = SQLITE[code] ?? ERRNO[code];
    if (sqlite) return new StoreUnavailable(sqlite, code, { cause: e });
    if (code === '53100') return new StoreUnavailable('disk-full', code, { cause: e });
    if (code === '53300') return new StoreUnavailable('too-many-connections', code, { cause: e });
    if (/^53[0-9A-Z]{3}$/.test(code)) return new StoreUnavailable('insufficient-resources', code, { cause: e });
  }
  if (/could not extend file|no space left on device|database or disk is full/i.test(message)) return new StoreUnavailable('disk-full', code ?? 'ENOSPC', { cause: e });
  return undefined;
}

/** The error as a {@link StoreUnavailable} when it says the store cannot take writes now; else undefined. */
export function storeUnavailable(error: unknown): StoreUnavailable | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    if (e instanceof StoreUnavailable) return e;
    const found = classifyOne(e as { code?: unknown; message?: unknown });
    if (found) return found;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
