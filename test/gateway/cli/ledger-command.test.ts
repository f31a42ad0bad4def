import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from './cli-harness.ts';

describe('lockstep ledger verify', () => {
  it('passes on an intact ledger and names the first altered entry', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({ connectors: [{ id: 'okta', kind: 'iga', vendor: 'okta' }] }));
    const env = { LOCKSTEP_DATA_DIR: dir };
    for (let i = 0; i < 3; i++) expect((await cli(['token', 'create', '--connector', 'okta'], env)).code).toBe(0);

    const ok = await cli(['ledger', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.out[0]).toMatch(/^ledger ok: 3 entries, last hash [0-9a-f]{64}$/);

    const db = new Database(path.join(dir, 'state.sqlite'));
    db.prepare("UPDATE ledger SET actor = 'mallory' WHERE seq = 2").run();
    db.close();
    const bad = await cli(['ledger', 'verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual(['lockstep: ledger verification failed at entry 2 (altered): entry 2 does not match its hash']);
  });

  it('verifies an empty ledger', async () => {
    const run = await cli(['ledger', 'verify'], { LOCKSTEP_DATA_DIR: tempDir() });
    expect(run).toMatchObject({ code: 0, out: [expect.stringMatching(/^ledger ok: 0 entries/)] });
  });
});
