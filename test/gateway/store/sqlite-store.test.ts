import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import { runStoreContract } from '../../contract/store.ts';

runStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-store-'));
  const file = path.join(dir, 'state', 'lockstep.db');
  return {
    store: await openSqliteStore({ file }),
    reopen: () => openSqliteStore({ file }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
