/**
 * A reconciliation rig of real parts: SQLite store in a temp dir, the built-in vendor profiles plus a test
 * mapping, the CyberArk fake behind the profile connector, the outbox dispatcher and the sync engine (which
 * carries revocation sagas to verification), and the reconciler under test.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { MappingSet } from '../../../mappings/lib/index.ts';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import { createProfileConnector, type ClosablePamConnector } from '../../../gateway/connectors/profile-connector.ts';
import type { Assignment } from '../../../gateway/domain/assignment.ts';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { Entitlement, Governance } from '../../../gateway/domain/entitlement.ts';
import type { Identity } from '../../../gateway/domain/identity.ts';
import { newId } from '../../../gateway/domain/ids.ts';
import { createDispatcher, type Dispatcher } from '../../../gateway/outbox/dispatcher.ts';
import { createReconciler, type Reconciler } from '../../../gateway/reconcile/reconciler.ts';
import type { ReconcileReport } from '../../../gateway/reconcile/reconcile-run.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import type { SyncConnector } from '../../../gateway/sync/sync-context.ts';
import { createSyncEngine, type SyncEngine } from '../../../gateway/sync/sync-engine.ts';
import { startCyberArkFake } from '../../fakes/index.ts';

export const PAM = 'cyberark-prod';
export const IGA = 'sailpoint';
export const DAY = 86_400_000;
export const logger = pino({ level: 'silent' });
export const random = (n: number): Uint8Array => randomBytes(n);
const PROFILES = path.resolve(import.meta.dirname, '../../../mappings/profiles');

/** A standing CyberArk safe mapping for `PAM-<safe>-Users` entitlements of `sailpoint`. */
export function safeMapping(opts: { name?: string; drift?: 'alert' | 'revoke' | 'propose'; conflict?: 'iga-wins' | 'pam-wins' | 'manual'; permissions?: string[]; prefix?: string; maxSecretAgeDays?: number } = {}): string {
  return [
    'apiVersion: lockstep.dev/v1', 'kind: EntitlementMapping', `name: ${opts.name ?? 'safes'}`,
    'match:', `  connector: ${IGA}`, `  name: { regex: '^${opts.prefix ?? 'PAM'}-(?<safe>[A-Za-z0-9_]+)-Users$' }`,
    'targets:', `  - connector: ${PAM}`, '    kind: safe', "    ref: '{{ $captures.safe }}'", `    permissions: [${(opts.permissions ?? ['listAccounts', 'useAccounts']).join(', ')}]`,
    'access:', '  mode: standing', '  requireOwner: true',
    `drift: ${opts.drift ?? 'revoke'}`, `conflict: ${opts.conflict ?? 'iga-wins'}`,
    ...(opts.maxSecretAgeDays ? ['nhi:', '  ownerRequired: true', `  maxSecretAgeDays: ${opts.maxSecretAgeDays}`] : []),
    '',
  ].join('\n');
}

export interface Rig {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly set: MappingSet;
  readonly fake: Awaited<ReturnType<typeof startCyberArkFake>>;
  readonly connector: ClosablePamConnector;
  readonly reconciler: Reconciler;
  readonly dispatcher: Dispatcher;
  readonly sync: SyncEngine;
  reconcile(): Promise<ReconcileReport>;
  /** Runs the outbox and the sync engine until `done` holds (bounded). */
  settle(done: () => Promise<boolean>): Promise<void>;
  identity(userName: string, over?: Partial<Identity>): Promise<Identity>;
  entitlement(displayName: string, governance?: Partial<Governance>, over?: Partial<Entitlement>): Promise<Entitlement>;
  assign(identity: Identity, entitlement: Entitlement, over?: Partial<Assignment>): Promise<Assignment>;
  close(): Promise<void>;
}

export async function startRig(mappings: readonly string[], opts: { igaOutbound?: boolean; /** Profile of the CyberArk connector (default `cyberark`). */ pamProfile?: string } = {}): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-reconcile-'));
  const mapDir = path.join(dir, 'mappings');
  fs.mkdirSync(mapDir);
  mappings.forEach((m, i) => fs.writeFileSync(path.join(mapDir, `m${i}.yaml`), m));
  const loaded = await loadMappingDirs([PROFILES, mapDir]);
  if (!loaded.ok) throw new Error(`mappings do not load: ${loaded.error.map((e) => `${e.file}:${e.line}: ${e.message}`).join('; ')}`);
  const set = loaded.value;
  const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00.000Z'));
  const fake = await startCyberArkFake();
  fake.state.addSafe('Finance');
  const connector = createProfileConnector({
    id: PAM, vendor: 'cyberark', profile: set.profiles.get(opts.pamProfile ?? 'cyberark')!, baseUrl: fake.url,
    auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs: 5_000,
  }, { clock: { now: () => Date.now() } });
  const connectors: SyncConnector[] = [
    { id: PAM, kind: 'pam', profile: opts.pamProfile ?? 'cyberark', outbound: true },
    { id: IGA, kind: 'iga', profile: 'iga-webhook', outbound: opts.igaOutbound ?? false },
  ];
  const env = { clock, random, logger, mappings: () => set, connectors: () => connectors };
  const dispatcher = createDispatcher({
    store, clock, random: () => 0.5, connectors: new Map([[PAM, connector]]), logger, registry: new Registry(), owner: 'test',
    options: { pollIntervalMs: 10, leaseMs: 60_000, concurrency: 4, retry: { scheduleMs: [0, 20, 20], maxAttempts: 3, jitter: 0, maxRetryAfterMs: 1_000 } },
  });
  const sync = createSyncEngine({ ...env, store, options: { pollIntervalMs: 10, timerIntervalMs: 3_600_000 } });
  const reconciler = createReconciler({ ...env, store, openConnectors: () => ({ connectors: [connector], close: () => undefined }), options: { pageSize: 2 } });
  const iso = () => new Date(clock.now()).toISOString();
  const rig: Rig = {
    store, clock, set, fake, connector, reconciler, dispatcher, sync,
    async reconcile() {
      const r = await reconciler.reconcileNow();
      if (!r.ran) throw new Error(`reconciliation did not run: ${r.reason}`);
      return r.report;
    },
    async settle(done) {
      const until = Date.now() + 15_000;
      while (!(await done())) {
        if (Date.now() > until) throw new Error('condition not reached in time');
        await dispatcher.tick();
        await dispatcher.idle();
        await sync.runOnce();
      }
    },
    async identity(userName, over = {}) {
      const i: Identity = { id: newId('identity', clock.now(), random), connectorId: IGA, userName, kind: 'human', active: true, resource: {}, version: 1, createdAt: iso(), updatedAt: iso(), ...over };
      await store.identities.insert(i);
      return i;
    },
    async entitlement(displayName, governance = {}, over = {}) {
      const e: Entitlement = {
        id: newId('entitlement', clock.now(), random), connectorId: IGA, displayName, resource: {}, version: 1, createdAt: iso(), updatedAt: iso(),
        governance: { owner: 'alice', reviewCadenceDays: 90, lastCertifiedAt: iso(), breakGlass: false, nonHuman: false, ...governance }, ...over,
      };
      await store.entitlements.insert(e);
      return e;
    },
    async assign(identity, entitlement, over = {}) {
      const a: Assignment = {
        id: newId('assignment', clock.now(), random), connectorId: IGA, entitlementId: entitlement.id, identityId: identity.id, approver: 'alice',
        approvedAt: iso(), status: 'active', sessionCount: 0, updatedAt: iso(), ...over,
      };
      await store.assignments.insert(a);
      return a;
    },
    async close() {
      await reconciler.stop();
      await dispatcher.stop();
      await sync.stop();
      connector.close();
      await fake.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export const member = (name: string, permissions: readonly string[] = ['listAccounts', 'useAccounts']) =>
  ({ memberName: name, permissions: Object.fromEntries(permissions.map((p) => [p, true])) });
