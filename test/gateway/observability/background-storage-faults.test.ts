/**
 * Storage faults met by background services alone (no request at all): the inbox processor, the outbox dispatcher
 * and the sync engine report a store that cannot take writes (SQLITE_FULL) to the storage health, so `/readyz`
 * answers 503 with check `storage`, and ready again once writes succeed. The real gateway (startGateway) on a real
 * SQLite file; the store is wrapped in the test only so that chosen writes fail as a full disk does.
 */
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigDocument } from '../../../gateway/config/config-schema.ts';
import type { InboxId } from '../../../gateway/domain/ids.ts';
import { type Gateway, startGateway } from '../../../gateway/main.ts';
import type { Store, StoreTx } from '../../../gateway/store/store.ts';
import { until } from '../../support/reliability/fault-world.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const REPOS = new Set(['identities', 'entitlements', 'assignments', 'grants', 'elevations', 'evidence', 'revocations', 'findings', 'conflicts', 'inbox', 'outbox', 'events', 'cursors', 'ledger', 'tokens']);

type Fault = (repo: string, method: string, args: readonly unknown[]) => boolean;

/** What better-sqlite3 throws when the disk is full. */
const diskFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

/** The store (and every transaction's tx) with the calls `fault` picks failing as on a full disk. */
function faultyStore(store: Store, fault: () => Fault | undefined): Store {
  const wrapRepo = (name: string, repo: object): object => new Proxy(repo, {
    get(target, method) {
      const v = Reflect.get(target, method) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (fault()?.(name, String(method), args)) return Promise.reject(diskFull());
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const wrapTx = <T extends object>(tx: T): T => new Proxy(tx, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      if (typeof key === 'string' && REPOS.has(key) && typeof v === 'object' && v !== null) return wrapRepo(key, v);
      if (key === 'transaction') return <R>(fn: (tx: StoreTx) => Promise<R>) => store.transaction((inner) => fn(wrapTx(inner)));
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return wrapTx(store);
}

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** The storage health's probe write fails too while the disk is full (it only runs once an episode has begun). */
const probe: Fault = (repo, method, args) => repo === 'cursors' && method === 'set' && args[0] === 'storage.probe';

async function start(only: Fault, on: () => boolean): Promise<Gateway> {
  const fault = () => (on() ? (repo: string, method: string, args: readonly unknown[]) => only(repo, method, args) || probe(repo, method, args) : undefined);
  const dataDir = tempDir('lockstep-bg-faults-');
  const configPath = path.join(dataDir, 'lockstep.json');
  const config: ConfigDocument = {
    connectors: [
      { id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark', outbound: { baseUrl: 'http://127.0.0.1:9', auth: { kind: 'bearer', token: 'x' } } },
    ],
    settings: { mappingsDir: path.join(ROOT, 'mappings/examples'), profilesDir: path.join(ROOT, 'mappings/profiles') },
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  gateway = await startGateway({
    env: { PATH: process.env.PATH, LOCKSTEP_LOG_LEVEL: 'silent', LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_CONFIG: configPath, LOCKSTEP_HOST: '127.0.0.1', LOCKSTEP_PORT: '0' },
    cwd: dataDir,
    watchConfig: false,
    intake: { processorPollIntervalMs: 20, dispatcher: { pollIntervalMs: 20 } },
    wrapStore: (s) => faultyStore(s, fault),
  });
  return gateway;
}

async function readiness(gw: Gateway): Promise<{ status: number; storage: { ok: boolean; reason?: string } | undefined }> {
  const r = await fetch(`${gw.url}/readyz`);
  const body = (await r.json()) as { checks?: Record<string, { ok: boolean; reason?: string }> };
  return { status: r.status, storage: body.checks?.['storage'] };
}

/** Turns the fault on, waits for /readyz to say the disk is full, turns it off, waits for ready again. */
async function episode(gw: Gateway, set: (on: boolean) => void, trigger?: () => Promise<void>): Promise<void> {
  expect((await readiness(gw)).status).toBe(200);
  set(true);
  await trigger?.();
  const notReady = await until(async () => {
    const r = await readiness(gw);
    return r.status === 503 ? r : undefined;
  }, 20_000, '/readyz not ready');
  expect(notReady.storage).toMatchObject({ ok: false, reason: expect.stringMatching(/disk .*full/) });
  set(false);
  await until(async () => (await readiness(gw)).status === 200, 20_000, '/readyz ready again');
}

describe('storage faults reported by background services', { timeout: 60_000 }, () => {
  it('the inbox processor: a row it cannot settle turns /readyz not ready; it is processed once writes succeed', async () => {
    let on = false;
    const gw = await start((repo, method) => repo === 'inbox' && method === 'markDoneIfPending', () => on);
    const id = 'ibx_00000000000000000000000001' as InboxId;
    await episode(gw, (v) => { on = v; }, async () => {
      await gw.store.inbox.insert({
        id, connectorId: 'cyberark-prod', dedupeKey: 'd-1', channel: 'webhook', contentType: 'application/json', body: '{}', headers: {},
        receivedAt: new Date().toISOString(), status: 'pending', attempts: 0,
      });
    });
    await until(async () => (await gw.store.inbox.get(id))?.status !== 'pending', 20_000, 'the row settled');
  });

  it('the outbox dispatcher: a claim that fails turns /readyz not ready', async () => {
    let on = false;
    const gw = await start((repo, method) => repo === 'outbox' && method === 'claim', () => on);
    await episode(gw, (v) => { on = v; });
  });

  it('the sync engine: a pass that cannot lock its cursor turns /readyz not ready', async () => {
    let on = false;
    const gw = await start((repo, method, args) => repo === 'cursors' && method === 'lock' && args[0] === 'sync-engine', () => on);
    await episode(gw, (v) => { on = v; }, async () => {
      await gw.store.events.append({ type: 'mapping.reloaded', subject: 'mappings', actor: 'test', payload: {}, occurredAt: new Date().toISOString() });
    });
    const seq = await gw.store.events.lastSeq();
    await until(async () => Number((await gw.store.cursors.get('sync-engine')) ?? '0') >= seq, 20_000, 'the event applied once writes succeed');
  });

  it('the sync engine never passes over an event because the store failed (not counted as the event\'s failure)', async () => {
    // Six failed commits of the engine's cursor: more than the 3 attempts after which a failing event is recorded as
    // `sync.event.failed` and passed over (that record itself commits once the budget is spent, if counted).
    let budget = 6;
    const gw = await start((repo, method, args) => repo === 'cursors' && method === 'set' && args[0] === 'sync-engine' && budget-- > 0, () => budget > 0);
    const event = await gw.store.events.append({ type: 'mapping.reloaded', subject: 'mappings', actor: 'test', payload: {}, occurredAt: new Date().toISOString() });
    await until(async () => Number((await gw.store.cursors.get('sync-engine')) ?? '0') >= event.seq, 30_000, 'the event applied once writes succeed');
    const entries = await gw.store.ledger.read(1, 10_000);
    expect(entries.filter((e) => e.action === 'sync.event.failed')).toEqual([]);
  });
});
