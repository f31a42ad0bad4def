import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../gateway/cli/context.ts';
import { runCli } from '../../../gateway/cli/program.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import { ids } from '../intake/harness.ts';
import { CONNECTOR, enqueueGrants } from './outbox-harness.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-outbox-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: { LOCKSTEP_DATA_DIR: dir }, cwd: dir, clock: systemClock, random: ids,
    out: (l) => out.push(l), err: (l) => err.push(l), onStopSignal: () => undefined, exit: () => undefined,
  };
  return { ctx, out, err };
}

describe('lockstep outbox', () => {
  it('lists dead letters and replays one, then all', async () => {
    const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
    await enqueueGrants(store, ['a', 'b', 'c']);
    const claimed = await store.outbox.claim({ now: new Date().toISOString(), owner: 't', leaseUntil: new Date(Date.now() + 60_000).toISOString(), limit: 3, connectorId: CONNECTOR });
    for (const m of claimed) await store.outbox.markFailed(m.id, new Date().toISOString(), 'HTTP 400', undefined);
    await store.close();

    const list = cli();
    expect(await runCli(['outbox', 'list', '--dead'], list.ctx)).toBe(0);
    expect(list.out.at(-1)).toBe('3 of 3 dead letters');
    const firstId = list.out[0]!.split('  ')[0]!;

    const one = cli();
    expect(await runCli(['outbox', 'replay', '--id', firstId], one.ctx)).toBe(0);
    expect(one.out).toEqual(['replayed 1 dead letter']);
    const all = cli();
    expect(await runCli(['outbox', 'replay', '--all'], all.ctx)).toBe(0);
    expect(all.out).toEqual(['replayed 2 dead letters']);

    const bad = cli();
    expect(await runCli(['outbox', 'replay'], bad.ctx)).toBe(1);
    expect(bad.err[0]).toMatch(/exactly one of --id ID, --connector C or --all/);

    const reopened = await openSqliteStore({ file: path.join(dir, 'state.sqlite'), random: ids });
    expect((await reopened.outbox.list({ status: 'queued' }, { startIndex: 1, count: 10 })).totalResults).toBe(3);
    await reopened.close();
  });
});
