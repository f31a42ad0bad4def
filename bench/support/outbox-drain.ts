/**
 * Outbox drain: N queued grants dispatched through the CyberArk profile connector to a healthy fake (in a child
 * process), against bare `got` calls of the same requests at the same concurrency (run before and after, averaged).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import got from 'got';
import http from 'node:http';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import { systemClock } from '../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../gateway/connectors/profile-connector.ts';
import { createDispatcher } from '../../gateway/outbox/dispatcher.ts';
import { enqueue } from '../../gateway/outbox/enqueue.ts';
import { openSqliteStore } from '../../gateway/store/sqlite/sqlite-store.ts';
import type { BenchReport } from '../run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = 6_000;
const CONCURRENCY = 32;

async function bareCalls(url: string, prefix: string): Promise<number> {
  const agent = { http: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) };
  const token = await got.post(`${url}/PasswordVault/API/auth/Cyberark/Logon`, { json: { username: 'lockstep', password: 'secret' }, agent }).json<string>();
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await got.post(`${url}/PasswordVault/api/Safes/Bare/Members`, {
        json: { memberName: `${prefix}-${i}`, searchIn: 'Vault', permissions: { useAccounts: true } },
        headers: { authorization: token }, agent, retry: { limit: 0 }, throwHttpErrors: false,
      });
    }
  }));
  const elapsed = performance.now() - started;
  agent.http.destroy();
  return (N / elapsed) * 1000;
}

export async function drainBench(report: BenchReport): Promise<void> {
  const child = fork(path.join(here, 'cyberark-fake-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const { url } = JSON.parse(line.toString()) as { url: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-bench-outbox-'));
  const store = await openSqliteStore({ file: path.join(dir, 'state.db') });
  try {
    const set = await loadMappingDirs([path.resolve(here, '../../mappings/profiles')]);
    if (!set.ok) throw new Error('profiles do not load');
    const profile = set.value.profiles.get('cyberark')!;
    const ids = (n: number) => randomBytes(n);
    await store.transaction(async (tx) => {
      for (let i = 0; i < N; i++) {
        await enqueue(tx, { connectorId: 'cyberark-bench', action: 'grant', idempotencyKey: `bench:${i}`, payload: { target: { kind: 'safe', ref: 'Bench' }, principal: `user-${i}`, permissions: ['useAccounts'] } }, { clock: systemClock, random: ids });
      }
    });
    const connector = createProfileConnector({
      id: 'cyberark-bench', vendor: 'cyberark', profile, baseUrl: url,
      auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs: 10_000, maxSockets: CONCURRENCY,
    }, { clock: systemClock });
    const dispatcher = createDispatcher({
      store, clock: systemClock, random: Math.random, connectors: new Map([['cyberark-bench', connector]]),
      logger: pino({ level: 'silent' }), registry: new Registry(), owner: 'bench',
      options: { concurrency: CONCURRENCY, pollIntervalMs: 50 },
    });
    const bareBefore = await bareCalls(url, 'before');
    const started = performance.now();
    dispatcher.start();
    for (;;) {
      const stats = await store.outbox.stats();
      const delivered = stats.find((s) => s.status === 'delivered')?.count ?? 0;
      const dead = stats.find((s) => s.status === 'abandoned')?.count ?? 0;
      if (delivered + dead >= N || performance.now() - started > 45_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = performance.now() - started;
    await dispatcher.stop();
    connector.close();
    const bare = (bareBefore + (await bareCalls(url, 'after'))) / 2;
    const stats = await store.outbox.stats();
    const delivered = stats.find((s) => s.status === 'delivered')?.count ?? 0;
    child.send('members');
    const [members] = (await once(child, 'message')) as [{ bench: number }];
    report({ name: `outbox drain to a healthy fake (${CONCURRENCY} in flight)`, value: (delivered / elapsed) * 1000, unit: 'calls/s', baseline: bare, target: '≥ 2,000 calls/s', met: (delivered / elapsed) * 1000 >= 2_000 });
    report({ name: 'outbox grants delivered = fake members', value: members.bench, unit: 'members', target: `= ${N}`, met: members.bench === N && delivered === N });
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    child.send('stop');
    await once(child, 'exit');
  }
}
