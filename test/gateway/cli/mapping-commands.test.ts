import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { CliContext } from '../../../gateway/cli/context.ts';
import { registerMappingCommands } from '../../../gateway/cli/mapping-commands.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(args: string[], cwd = process.cwd()): Promise<{ out: string[]; err: string[]; error?: Error }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { env: {}, cwd, clock: new ManualClock(Date.parse('2024-06-01T00:00:00Z')), random: () => new Uint8Array(16), out: (l: string) => out.push(l), err: (l: string) => err.push(l), onStopSignal: () => {}, exit: () => {} } as unknown as CliContext;
  const program = new Command().exitOverride();
  registerMappingCommands(program, ctx);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err };
  } catch (e) {
    return { out, err, error: e as Error };
  }
}

describe('lockstep check / dry-run', () => {
  it('check loads the built-ins and runs every golden example', async () => {
    const r = await run(['check']);
    expect(r.error).toBeUndefined();
    expect(r.out.at(-1)).toMatch(/^\d+ profiles, \d+ mappings, (\d+)\/\1 golden examples pass$/);
  });

  it('check prints file:line:column errors and fails on a bad directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lockstep-check-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: bad\nmatch: { connector: okta, where: "a = = b" }\ntargets: [{ connector: x, kind: role, ref: r }]\naccess: { mode: jit }\ndrift: alert\nconflict: manual\n');
    const r = await run(['check', dir]);
    expect(r.error?.message).toBe('1 error(s) in mappings');
    expect(r.err[0]).toMatch(/bad\.yaml:4:39: invalid expression: /);
  });

  it('dry-run prints the trace of a sample input', async () => {
    const r = await run(['dry-run', '--input', 'mappings/dry-run/sailpoint-grant.yaml']);
    expect(r.error).toBeUndefined();
    const text = r.out.join('\n');
    expect(text).toContain('mapping cyberark-safes matched with captures {"safe":"PRD_Oracle","role":"Users"}');
    expect(text).toContain('grant on cyberark-prod: POST /PasswordVault/api/Safes/PRD_Oracle/Members');
  });

  it('dry-run reports an invalid input file with its position', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lockstep-dry-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'in.yaml'), 'kind: event\nprofile: cyberark\nbodyy: x\n');
    const r = await run(['dry-run', '--input', 'in.yaml', '--json'], dir);
    expect(r.error?.message).toBe('the dry-run input is invalid');
    expect(r.err[0]).toMatch(/^in\.yaml:3:\d+: bodyy: Unrecognized key/);
  });
});
