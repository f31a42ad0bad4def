import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from './cli-harness.ts';

function configFile(document: unknown): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.json');
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  return { dir, file };
}

describe('lockstep config check', () => {
  it('says ok and lists the connectors of a valid file', async () => {
    const { dir } = configFile({ connectors: [{ id: 'okta', kind: 'iga', vendor: 'okta' }, { id: 'ca', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'hmac', secret: 'env:CA_SECRET' } }] });
    const run = await cli(['config', 'check'], { LOCKSTEP_DATA_DIR: dir, CA_SECRET: 's' });
    expect(run).toEqual({ code: 0, out: [`${dir}/lockstep.json: ok, 2 connectors: okta (iga, okta), ca (pam, cyberark)`], err: [] });
  });

  it('prints each problem on its own line with file, field and expectation, and exits 1', async () => {
    const { dir } = configFile({ connectors: [{ id: 'ca', kind: 'pamm', vendor: 'cyberark' }], settings: { bodyLimit: 'huge' } });
    const run = await cli(['config', 'check', '--config', 'lockstep.json'], {}, dir);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([
      'lockstep.json: connectors[0].kind: expected "iga" | "pam", got "pamm"',
      'lockstep.json: settings.bodyLimit: expected a size such as "512kb" or "1mb", got "huge"',
      'lockstep: lockstep.json is invalid (2 problems)',
    ]);
  });

  it('reports malformed JSON with line and column', async () => {
    const { file } = configFile('{\n  "connectors": [\n    { "id": "x" \n  ]\n}\n');
    const run = await cli(['config', 'check', '-c', file], {});
    expect(run.code).toBe(1);
    expect(run.err[0]).toBe(`${file}:4:3: invalid JSON: unexpected "]", expected ',' or '}'`);
  });

  it('names an env:NAME secret whose variable is not set', async () => {
    const { file } = configFile({ connectors: [{ id: 'vault', kind: 'pam', vendor: 'hashicorp-vault', outbound: { baseUrl: 'https://vault:8200', auth: { kind: 'bearer', token: 'env:VAULT_TOKEN' } } }] });
    const run = await cli(['config', 'check', '--config', file], {});
    expect(run.code).toBe(1);
    expect(run.err[0]).toBe(`${file}: connectors[0].outbound.auth.token: environment variable VAULT_TOKEN is not set`);
  });

  it('reports a missing file', async () => {
    const dir = tempDir();
    const run = await cli(['config', 'check'], { LOCKSTEP_CONFIG: path.join(dir, 'nope.json') });
    expect(run.code).toBe(1);
    expect(run.err[0]).toBe(`${dir}/nope.json: file not found`);
  });
});
