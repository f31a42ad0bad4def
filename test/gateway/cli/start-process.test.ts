/** `lockstep start` as a real process: banner, admin token once, graceful SIGTERM, one-line startup failures. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../gateway/http/bearer-tokens.ts';
import { tempDir } from '../../support/temp-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Running {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>, script = 'bin/lockstep.mjs'): Running {
  const nodeArgs = script.endsWith('.ts') ? ['--import', 'tsx', script, ...args] : [script, ...args];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: root,
    env: { PATH: process.env.PATH, LOCKSTEP_PORT: '0', LOCKSTEP_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        into.push(line);
        for (const w of [...waiters]) {
          if (w.pattern.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    };
  };
  child.stdout!.on('data', collect(stdout));
  child.stderr!.on('data', collect(stderr));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child, stdout, stderr, exited,
    waitForLine(pattern) {
      const seen = [...stdout, ...stderr].find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`exited before printing ${pattern}:\n${[...stdout, ...stderr].join('\n')}`)));
      });
    },
  };
}

const logLines = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('lockstep start (process)', () => {
  it('prints its URLs and the admin token once, serves, and stops on SIGTERM with exit 0', async () => {
    const dataDir = tempDir();
    const first = run(['start'], { LOCKSTEP_DATA_DIR: dataDir });
    const listening = await first.waitForLine(/^Lockstep .* listening on /);
    const url = /listening on (http:\/\/\S+)/.exec(listening)![1]!;
    const token = (await first.waitForLine(/^\s+lsa_/)).trim();
    const text = first.stdout.join('\n');
    for (const expected of [`${url}/scim/v2`, `${url}/webhooks/<connector>`, `${url}/api/v1`, `${url}/console`, `${url}/metrics`,
      `Configuration  ${path.join(dataDir, 'lockstep.json')}`, `State          SQLite ${path.join(dataDir, 'state.sqlite')}`]) {
      expect(text).toContain(expected);
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, 'lockstep.json'), 'utf8')).settings.adminTokenHash).toBe(hashToken(token));
    expect(text.split(token).length - 1).toBe(1);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(logLines(first.stdout).map((l) => l.msg)).toEqual(expect.arrayContaining(['gateway started', 'stop signal received', 'gateway stopped']));
    expect(first.stderr.join('\n')).toBe('');

    const second = run(['start'], { LOCKSTEP_DATA_DIR: dataDir });
    await second.waitForLine(/listening on/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.stdout.join('\n')).not.toMatch(/lsa_|Admin token/);
  });

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    const dataDir = tempDir();
    const gw = run(['start'], { LOCKSTEP_DATA_DIR: dataDir }, 'test/gateway/cli/fixtures/start-with-slow-route.ts');
    const url = /listening on (http:\/\/\S+)/.exec(await gw.waitForLine(/listening on/))![1]!;
    const response = fetch(`${url}/slow`);
    await gw.waitForLine(/^slow: arrived$/);
    gw.child.kill('SIGTERM');
    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    expect(await gw.exited).toBe(0);
    const messages = logLines(gw.stdout).map((l) => l.msg);
    expect(messages.indexOf('gateway stopping')).toBeLessThan(messages.findIndex((m) => m === 'request completed'));
    expect(messages.at(-1)).toBe('gateway stopped');
  });

  it.each([
    ['an invalid configuration file', (dir: string) => {
      writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({ connectors: [{ id: 'ca', kind: 'pamm', vendor: 'cyberark' }] }));
      return { env: { LOCKSTEP_DATA_DIR: dir }, line: `lockstep: ${dir}/lockstep.json: connectors[0].kind: expected "iga" | "pam", got "pamm"` };
    }],
    ['a corrupt configuration file', (dir: string) => {
      writeFileSync(path.join(dir, 'lockstep.json'), '{"connectors": [');
      return { env: { LOCKSTEP_DATA_DIR: dir }, line: `lockstep: ${dir}/lockstep.json:1:17: invalid JSON: unexpected end of file, expected a value` };
    }],
    ['a data directory that is not writable', (dir: string) => {
      writeFileSync(path.join(dir, 'file'), '');
      return { env: { LOCKSTEP_DATA_DIR: path.join(dir, 'file', 'data') }, line: `lockstep: data directory ${dir}/file/data is not writable (ENOTDIR)` };
    }],
  ])('refuses to start with %s: one line on stderr, exit 1', async (_name, prepare) => {
    const { env, line } = prepare(tempDir());
    const gw = run(['start'], env);
    expect(await gw.exited).toBe(1);
    expect(gw.stderr.filter((l) => l !== '')).toEqual([line]);
    expect(gw.stdout.join('\n')).not.toContain('listening');
  });

  it('refuses to start on a port in use: one line on stderr, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const gw = run(['start'], { LOCKSTEP_DATA_DIR: tempDir(), LOCKSTEP_PORT: String(port) });
      expect(await gw.exited).toBe(1);
      expect(gw.stderr.filter((l) => l !== '')).toEqual([`lockstep: port ${port} on 127.0.0.1 is already in use`]);
    } finally {
      blocker.close();
    }
  });
});
