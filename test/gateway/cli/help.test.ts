import { describe, expect, it } from 'vitest';
import { cli } from './cli-harness.ts';

describe('lockstep --help', () => {
  it.each([
    [[], ['start', 'config', 'ledger', 'token']],
    [['start'], ['Start the gateway', 'LOCKSTEP_DATA_DIR', 'LOCKSTEP_DATABASE_URL', 'LOCKSTEP_PORT']],
    [['config', 'check'], ['--config <file>', 'env:NAME']],
    [['ledger', 'verify'], ['hash chain']],
    [['token', 'create'], ['--connector <id>', '--label <label>', '--expires-in <days>']],
    [['token', 'list'], ['--json']],
    [['token', 'revoke'], ['<id>']],
  ])('describes %j', async (command, expected) => {
    const run = await cli([...command, '--help'], {});
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    expect(text).toContain('Usage: lockstep');
    for (const e of expected) expect(text).toContain(e);
  });

  it('prints the version', async () => {
    const run = await cli(['--version'], {});
    expect(run).toMatchObject({ code: 0, out: [expect.stringMatching(/^\d+\.\d+\.\d+/)] });
  });

  it('rejects an unknown command with a non-zero exit', async () => {
    const run = await cli(['stat'], {});
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain("unknown command 'stat'");
  });
});
