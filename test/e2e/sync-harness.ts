/**
 * The real gateway (SQLite, SCIM, the sync engine and decisions route, webhook intake, inbox processor and outbox
 * dispatcher, all wired by gateway/main.ts) against the vendor fakes, with fast polling and retries. Mappings are
 * written to the data dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import { type Clock, systemClock } from '../../gateway/domain/clock.ts';
import type { Dispatcher } from '../../gateway/outbox/dispatcher.ts';
import { startCyberArkFake, startDelineaFake, startIgaNotificationFake, startStrongDmFake, startTeleportFake } from '../fakes/index.ts';
import { createScimToken, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';
import { SYNC_MAPPINGS } from './sync-mappings.ts';
import { SYNC_CURSOR } from '../../gateway/sync/sync-engine.ts';

export const TELEPORT_AUTH = { username: 'teleport', password: 'tp-secret' };
export const CYBERARK_RELAY_SECRET = 'ca-relay-secret';
export const DELINEA_SECRET = 'dl-secret';
export const FAST_RETRY = { scheduleMs: [0, 30, 60], maxAttempts: 5, jitter: 0, maxRetryAfterMs: 1_000 };

export type Fakes = {
  cyberark: Awaited<ReturnType<typeof startCyberArkFake>>;
  strongdm: Awaited<ReturnType<typeof startStrongDmFake>>;
  teleport: Awaited<ReturnType<typeof startTeleportFake>>;
  iga: Awaited<ReturnType<typeof startIgaNotificationFake>>;
  delinea: Awaited<ReturnType<typeof startDelineaFake>>;
};

export async function startFakes(clock: Clock = systemClock): Promise<Fakes & { close(): Promise<void> }> {
  const [cyberark, strongdm, teleport, iga, delinea] = await Promise.all([
    startCyberArkFake({ clock }), startStrongDmFake({ clock }), startTeleportFake({ clock }), startIgaNotificationFake(), startDelineaFake({ clock }),
  ]);
  for (const safe of ['Finance', 'Payroll', 'Ops']) cyberark.state.addSafe(safe);
  for (const id of [42, 43]) delinea.state.addSecret({ id });
  const all = [cyberark, strongdm, teleport, iga, delinea];
  return { cyberark, strongdm, teleport, iga, delinea, close: async () => void (await Promise.all(all.map((f) => f.close()))) };
}

/** Where the fakes listen (a fake in another process has only its URL here). */
export type FakeUrls = { readonly [K in keyof Fakes]: { readonly url: string } };

export function syncConfig(f: FakeUrls, concurrency = 4): ConfigDocument {
  return {
    connectors: [
      { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint', profile: 'scim-iga', outbound: { baseUrl: f.iga.url, auth: { kind: 'bearer', token: 'iga-token' }, timeoutMs: 2_000 } },
      { id: 'okta', kind: 'iga', vendor: 'okta', profile: 'iga-webhook', outbound: { baseUrl: f.iga.url, auth: { kind: 'bearer', token: 'iga-token' }, timeoutMs: 2_000 } },
      {
        id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark',
        inbound: { scheme: 'header-secret', secret: CYBERARK_RELAY_SECRET, header: 'x-relay-secret' },
        outbound: { baseUrl: f.cyberark.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs: 2_000, concurrency },
      },
      { id: 'strongdm', kind: 'pam', vendor: 'strongdm', outbound: { baseUrl: f.strongdm.url, auth: { kind: 'strongdm-signature', accessKey: 'sdm-access-key', secret: 'sdm-secret' }, timeoutMs: 2_000 } },
      {
        id: 'delinea', kind: 'pam', vendor: 'delinea', inbound: { scheme: 'header-secret', secret: DELINEA_SECRET },
        outbound: { baseUrl: f.delinea.url, auth: { kind: 'oauth2-client-credentials', tokenUrl: `${f.delinea.url}/SecretServer/oauth2/token`, clientId: 'lockstep-client', clientSecret: 'secret' }, timeoutMs: 2_000 },
      },
      {
        id: 'teleport', kind: 'pam', vendor: 'teleport', inbound: { scheme: 'basic', ...TELEPORT_AUTH },
        outbound: { baseUrl: f.teleport.url, auth: { kind: 'bearer', token: 'teleport-token' }, timeoutMs: 2_000 },
      },
    ],
    settings: { mappingsDir: './mappings', rateLimitPerConnector: 0 },
  };
}

export interface SyncHarness {
  readonly gw: TestGateway;
  readonly url: string;
  readonly adminToken: string;
  readonly dataDir: string;
  readonly scimToken: (connector: string) => Promise<string>;
  /** The gateway's own outbox dispatcher. */
  readonly dispatcher: Dispatcher;
  /** Resolves once the engine consumed every event and the outbox has nothing queued or in flight. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the gateway with fast intake and outbox settings (10 ms polls, retries within ~200 ms). `dataDir` (with
 * `adminToken`) restarts on existing state; `dispatch: false` leaves outbox messages queued.
 */
export async function startSyncHarness(fakes: FakeUrls, opts: { dataDir?: string; adminToken?: string; clock?: Clock; dispatch?: boolean; concurrency?: number } = {}): Promise<SyncHarness> {
  const dataDir = opts.dataDir ?? tempDir('lockstep-sync-');
  const mappingsDir = path.join(dataDir, 'mappings');
  mkdirSync(mappingsDir, { recursive: true });
  for (const [name, text] of Object.entries(SYNC_MAPPINGS)) writeFileSync(path.join(mappingsDir, `${name}.yaml`), text);
  const gw = await startTestGateway({
    config: opts.dataDir ? undefined : syncConfig(fakes, opts.concurrency),
    dataDir,
    clock: opts.clock ?? systemClock,
    intake: {
      processorPollIntervalMs: 10,
      dispatch: opts.dispatch,
      dispatcher: { pollIntervalMs: 10, leaseMs: 10_000, retry: FAST_RETRY, breaker: { failureThreshold: 5, coolDownMs: 200 } },
    },
  });
  const h: SyncHarness = {
    gw, url: gw.url, adminToken: opts.adminToken ?? gw.adminToken ?? '', dataDir,
    scimToken: (connector) => createScimToken(gw.store, connector),
    dispatcher: gw.gateway.dispatcher,
    async settled() {
      const quiet = async () => {
        const stats = await gw.store.outbox.stats();
        const busy = stats.some((x) => x.status === 'queued' || x.status === 'sending');
        return !busy && Number((await gw.store.cursors.get(SYNC_CURSOR)) ?? 0) >= (await gw.store.events.lastSeq());
      };
      const until = Date.now() + 15_000;
      for (let calm = 0; calm < 2;) {
        if (Date.now() > until) throw new Error('the engine and the outbox did not settle within 15 s');
        calm = (await quiet()) ? calm + 1 : 0;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => gw.stop(),
  };
  return h;
}
