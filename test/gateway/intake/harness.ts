/** Shared by the intake, outbox and connector tests: a real SQLite store in a temp dir, a silent logger. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';

export const silentLogger = pino({ level: 'silent' });
export const ids = (n: number): Uint8Array => randomBytes(n);

export interface TempStore {
  store: Store;
  readonly file: string;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-intake-'));
  const file = path.join(dir, 'state.db');
  const t: TempStore = {
    store: await openSqliteStore({ file }),
    file,
    async reopen() {
      if (t.store.isReady()) await t.store.close();
      t.store = await openSqliteStore({ file });
      return t.store;
    },
    async cleanup() {
      if (t.store.isReady()) await t.store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Polls `predicate` until true (bounded); for waiting on background work, not for timing assertions. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
