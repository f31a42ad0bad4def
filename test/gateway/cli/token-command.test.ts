import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../gateway/http/bearer-tokens.ts';
import { openStateStore } from '../../../gateway/main.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from './cli-harness.ts';

function setup() {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({
    connectors: [
      { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint' },
      { id: 'cyberark', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'hmac', secret: 'env:NOT_NEEDED_HERE' } },
    ],
  }));
  return { dir, env: { LOCKSTEP_DATA_DIR: dir } };
}

describe('lockstep token', () => {
  it('creates a token, prints it once, and stores only its hash', async () => {
    const { dir, env } = setup();
    const run = await cli(['token', 'create', '--connector', 'sailpoint', '--label', 'prod tenant', '--expires-in', '30'], env);
    expect(run.code).toBe(0);
    const token = run.out.find((l) => l.startsWith('lst_'));
    expect(token).toMatch(/^lst_[A-Za-z0-9_-]{43}$/);
    expect(run.out[0]).toMatch(/^Created SCIM token tok_[0-9A-Z]{26} for connector sailpoint, expires \d{4}-/);

    const store = await openStateStore({ dialect: 'sqlite', file: path.join(dir, 'state.sqlite') });
    try {
      const [record] = await store.tokens.list();
      expect(record).toMatchObject({ scope: 'scim', connectorId: 'sailpoint', label: 'prod tenant', hash: hashToken(token!) });
      expect(JSON.stringify(record)).not.toContain(token);
      expect(Date.parse(record!.expiresAt!) - Date.parse(record!.createdAt)).toBe(30 * 86_400_000);
      expect((await store.ledger.last())).toMatchObject({ action: 'token.created', subject: record!.id, actor: 'cli' });
    } finally {
      await store.close();
    }

    const list = await cli(['token', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.out[0]).toMatch(/^ID\s+SCOPE\s+CONNECTOR\s+LABEL\s+CREATED\s+EXPIRES\s+STATUS\s+LAST USED$/);
    expect(list.out[1]).toMatch(/^tok_\S+\s+scim\s+sailpoint\s+prod tenant\s+\S+\s+\S+\s+active\s+never$/);
    expect(list.out.join('\n')).not.toContain(token);
  });

  it('revokes a token by id', async () => {
    const { env } = setup();
    await cli(['token', 'create', '--connector', 'sailpoint'], env);
    const [listed] = JSON.parse((await cli(['token', 'list', '--json'], env)).out.join('\n')) as { id: string; hash?: string }[];
    expect(listed?.hash).toBeUndefined();
    const revoke = await cli(['token', 'revoke', listed!.id], env);
    expect(revoke).toMatchObject({ code: 0, out: [`revoked ${listed!.id}`] });
    expect((await cli(['token', 'list'], env)).out[1]).toMatch(/revoked \d{4}-/);
    expect(await cli(['token', 'revoke', listed!.id], env)).toMatchObject({ code: 1, err: [`lockstep: no active token ${listed!.id}`] });
  });

  it.each([
    [['token', 'create', '--connector', 'cyberark'], 'lockstep: connector "cyberark" is a pam connector; SCIM tokens are for iga connectors'],
    [['token', 'create', '--connector', 'okta'], `lockstep: connector "okta" is not in `],
    [['token', 'revoke', 'not-a-token'], 'lockstep: "not-a-token" is not a token id (tok_ followed by 26 characters)'],
  ])('refuses %j with one line', async (argv, message) => {
    const { env } = setup();
    const run = await cli(argv, env);
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]!.startsWith(message)).toBe(true);
  });

  it('refuses a bad --expires-in', async () => {
    const { env } = setup();
    const run = await cli(['token', 'create', '--connector', 'sailpoint', '--expires-in', 'soon'], env);
    expect(run.code).toBe(1);
    expect(run.err[0]).toContain("option '--expires-in <days>' argument 'soon' is invalid. expected a number of days");
  });
});
