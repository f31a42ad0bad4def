/**
 * PAM intake and the outbox as the running gateway wires them (gateway/main.ts → intake-wiring.ts): signed
 * webhooks, Teleport basic auth, CyberArk Vault syslog, a StrongDM poller and the outbox dispatcher, against the
 * vendor fakes; and the starts that must refuse.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../gateway/cli/program.ts';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import { systemClock } from '../../gateway/domain/clock.ts';
import type { InboxId } from '../../gateway/domain/ids.ts';
import { StartupError } from '../../gateway/main.ts';
import { enqueue } from '../../gateway/outbox/enqueue.ts';
import type { Store } from '../../gateway/store/store.ts';
import {
  cyberArkAuditRecord, sendCyberArkSyslog, sendStandardWebhook, sendTeleportWebhook, standardWebhookSecret,
  startCyberArkFake, startStrongDmFake, type CyberArkFakeState, type Fake, type StrongDmState,
} from '../fakes/index.ts';
import { createScimToken, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';
import { accepts, freePort, takenPort } from './ports.ts';
import { Scim, waitFor } from './sync-client.ts';
import { SYNC_MAPPINGS } from './sync-mappings.ts';

const PROFILES = path.resolve(import.meta.dirname, '../../mappings/profiles');
const SW_SECRET = standardWebhookSecret(randomBytes(24));
const TELEPORT = { username: 'teleport', password: 'tp-hook-secret' };

async function domainEvents(store: Store, type: string) {
  return (await store.events.readAfter(0, 10_000)).filter((e) => e.type === type);
}

/** The normalised `pam.event`s of one inbox row, once the processor has finished it. */
async function normalisedOf(store: Store, inboxId: string) {
  return waitFor(`inbox ${inboxId} processed`, async () => {
    const row = await store.inbox.get(inboxId as InboxId);
    if (!row || row.status === 'pending') return undefined;
    const events = (await domainEvents(store, 'pam.event')).filter((e) => e.payload.stage === 'normalised' && e.payload.inboxId === inboxId);
    return { row, events: events.map((e) => e.payload.event as Record<string, unknown>) };
  });
}

/** The fewest active handles of each kind seen over a few samples (timers of the test runner come and go). */
async function fewestResources(): Promise<Map<string, number>> {
  const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'FSEventWrap', 'Timeout'];
  const fewest = new Map(kinds.map((k) => [k, Number.POSITIVE_INFINITY]));
  for (let i = 0; i < 8; i++) {
    const now = process.getActiveResourcesInfo();
    for (const k of kinds) fewest.set(k, Math.min(fewest.get(k)!, now.filter((r) => r === k).length));
    await new Promise((r) => setTimeout(r, 25));
  }
  return fewest;
}

function minimalConfig(connectors: ConfigDocument['connectors']): ConfigDocument {
  return { connectors, settings: { mappingsDir: tempDir('lockstep-intake-mappings-'), profilesDir: PROFILES, rateLimitPerConnector: 0 } };
}

describe('the gateway with intake and outbox wired', () => {
  let cyberark: Fake<CyberArkFakeState>;
  let strongdm: Fake<StrongDmState>;
  let gw: TestGateway;
  let syslogPort: number;
  let resourcesBefore: Map<string, number>;

  beforeAll(async () => {
    [cyberark, strongdm] = await Promise.all([startCyberArkFake(), startStrongDmFake()]);
    resourcesBefore = await fewestResources();
    cyberark.state.addSafe('Finance');
    for (const user of ['ann', 'ben', 'cy']) strongdm.state.appendActivity('requested', { user, resource: 'db-prod', requestId: `req-${user}` });
    syslogPort = await freePort();
    gw = await startTestGateway({
      env: { LS_SW_SECRET: SW_SECRET, LS_CYBERARK_PASSWORD: 'secret' },
      intake: { processorPollIntervalMs: 20, dispatcher: { pollIntervalMs: 50 } },
      config: minimalConfig([
        { id: 'events', kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: 'env:LS_SW_SECRET' } },
        { id: 'teleport', kind: 'pam', vendor: 'teleport', inbound: { scheme: 'basic', ...TELEPORT } },
        { id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port: syslogPort } },
        {
          id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark',
          outbound: { baseUrl: cyberark.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'env:LS_CYBERARK_PASSWORD' }, timeoutMs: 2_000 },
        },
        {
          id: 'strongdm', kind: 'pam', vendor: 'strongdm', inbound: { scheme: 'poll' }, poll: { intervalSeconds: 1 },
          outbound: { baseUrl: strongdm.url, auth: { kind: 'strongdm-signature', accessKey: 'sdm-access-key', secret: 'sdm-secret' }, timeoutMs: 2_000 },
        },
      ]),
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([cyberark?.close(), strongdm?.close()]);
  });

  it('stores a signed Standard Webhooks delivery and processes it into a canonical pam.event', async () => {
    const body = { type: 'elevation.requested', timestamp: new Date().toISOString(), data: { principal: 'alice', target: { kind: 'role', ref: 'db-admin' }, externalId: 'REQ-1' } };
    const sent = await sendStandardWebhook(`${gw.url}/webhooks/events`, { secret: SW_SECRET, id: 'msg_1', body });
    expect(sent.status).toBe(200);
    const { status, id } = JSON.parse(sent.body) as { status: string; id: string };
    expect(status).toBe('accepted');
    const again = await sendStandardWebhook(`${gw.url}/webhooks/events`, { secret: SW_SECRET, id: 'msg_1', body });
    expect(JSON.parse(again.body)).toMatchObject({ status: 'duplicate', id });
    const forged = await sendStandardWebhook(`${gw.url}/webhooks/events`, { secret: standardWebhookSecret(randomBytes(24)), id: 'msg_2', body });
    expect(forged.status).toBe(401);

    const { row, events } = await normalisedOf(gw.store, id);
    expect(row).toMatchObject({ connectorId: 'events', channel: 'webhook', status: 'processed', dedupeKey: 'id:msg_1' });
    expect(events).toEqual([expect.objectContaining({ type: 'elevation.requested', principal: 'alice', externalId: 'REQ-1', target: { kind: 'role', ref: 'db-admin' } })]);
  });

  it('accepts a Teleport delivery with basic auth and refuses a wrong password', async () => {
    const summary = { RequestID: 'tp-req-1', User: 'bob', Roles: ['db-admin'], State: 'Pending' as const, CreatedAt: new Date().toISOString() };
    expect((await sendTeleportWebhook(`${gw.url}/webhooks/teleport`, summary, { ...TELEPORT, password: 'wrong' })).status).toBe(401);
    const sent = await sendTeleportWebhook(`${gw.url}/webhooks/teleport`, summary, TELEPORT);
    expect(sent.status).toBe(200);
    const { row, events } = await normalisedOf(gw.store, (JSON.parse(sent.body) as { id: string }).id);
    expect(row.headers.authorization).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'elevation.requested', principal: 'bob', externalId: 'tp-req-1' })]);
  });

  it('answers 404 for a connector without a webhook receiver', async () => {
    const res = await fetch(`${gw.url}/webhooks/vault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
  });

  it('takes CyberArk Vault audit records over syslog on the configured port into the inbox', async () => {
    expect(gw.gateway.syslogListeners).toEqual([{ connectorId: 'vault', host: '127.0.0.1', port: syslogPort, tls: false }]);
    const record = cyberArkAuditRecord('300', { Safe: 'Finance', sessionId: 'S-77', user: 'carol' });
    await sendCyberArkSyslog('127.0.0.1', syslogPort, [record]);
    const received = await waitFor('syslog record in the inbox', async () =>
      (await domainEvents(gw.store, 'pam.event')).find((e) => e.payload.stage === 'received' && e.payload.connectorId === 'vault'));
    const { row } = await normalisedOf(gw.store, received.payload.inboxId as string);
    expect(row).toMatchObject({ connectorId: 'vault', channel: 'syslog', contentType: 'application/json' });
    expect(JSON.parse(row.body)).toMatchObject({ syslog: { audit_record: { MessageID: '300', Safe: 'Finance' } } });
  });

  it('polls StrongDM with signed requests and advances its durable cursor', async () => {
    const cursor = await waitFor('poll cursor', () => gw.store.cursors.get('poll:strongdm'));
    const polled = async () => (await domainEvents(gw.store, 'pam.event')).filter((e) => e.payload.stage === 'received' && e.payload.connectorId === 'strongdm');
    await waitFor('three activities stored', async () => (await polled()).length === 3);
    strongdm.state.appendActivity('requested', { user: 'dee', resource: 'db-prod', requestId: 'req-dee' });
    await waitFor('the fourth activity stored', async () => (await polled()).length === 4);
    const next = await waitFor('cursor moved', async () => {
      const c = await gw.store.cursors.get('poll:strongdm');
      return c !== cursor ? c : undefined;
    });
    expect(next).toBeDefined();
    expect(strongdm.calls.count({ method: 'GET', path: /\/v1\/activities$/ })).toBeGreaterThanOrEqual(2);
  });

  it('delivers an outbox message enqueued in the store to CyberArk', async () => {
    const clock = systemClock;
    await gw.store.transaction((tx) => enqueue(tx, {
      connectorId: 'cyberark-prod', action: 'grant', idempotencyKey: 'grant:test:finance:dana',
      payload: { target: { kind: 'safe', ref: 'Finance' }, principal: 'dana', permissions: ['useAccounts', 'listAccounts'] },
    }, { clock, random: (n) => randomBytes(n) }));
    await waitFor('dana is a member of Finance', () => cyberark.state.safe('Finance')?.members.has('dana'));
    const changes = await waitFor('outbox delivered', async () => {
      const c = (await domainEvents(gw.store, 'outbox.changed')).map((e) => e.payload.status);
      return c.includes('delivered') ? c : undefined;
    });
    expect(changes).toEqual(['queued', 'delivered']);
  });

  it('receives for a connector added to the configuration file, without a restart', async () => {
    const summary = { RequestID: 'tp-req-2', User: 'erin', Roles: ['db-admin'], State: 'Pending' as const, CreatedAt: new Date().toISOString() };
    expect((await sendTeleportWebhook(`${gw.url}/webhooks/teleport-eu`, summary, TELEPORT)).status).toBe(404);
    const doc = gw.gateway.config.document();
    const added = { id: 'teleport-eu', kind: 'pam' as const, vendor: 'teleport' as const, inbound: { scheme: 'basic' as const, ...TELEPORT } };
    writeFileSync(gw.configPath, JSON.stringify({ ...doc, connectors: [...(doc.connectors ?? []), added] }));
    await gw.gateway.configWatcher!.check();
    const sent = await sendTeleportWebhook(`${gw.url}/webhooks/teleport-eu`, summary, TELEPORT);
    expect(sent.status).toBe(200);
    const { events } = await normalisedOf(gw.store, (JSON.parse(sent.body) as { id: string }).id);
    expect(events).toEqual([expect.objectContaining({ connectorId: 'teleport-eu', principal: 'erin' })]);
  });

  it('stops cleanly: listeners closed, no timers or servers left', async () => {
    await gw.stop();
    expect(await accepts(syslogPort)).toBe(false);
    // Handles are released on the ticks after their close callbacks, and the test runner has timers of its own:
    // compare the fewest of each kind seen over a few samples, waiting (bounded) for the gateway's to go.
    const left = async () => {
      const now = await fewestResources();
      return [...now].filter(([kind, n]) => n > (resourcesBefore.get(kind) ?? 0)).map(([kind]) => kind);
    };
    await waitFor('servers, sockets, watchers and timers released', async () => (await left()).length === 0, 5_000)
      .catch(async () => expect(await left()).toEqual([]));
  });
});

describe('the sync engine and the dispatcher', () => {
  it('a commit that writes outbox messages wakes the dispatcher at once (its idle poll is an hour)', async () => {
    const cyberark = await startCyberArkFake();
    cyberark.state.addSafe('Ops');
    const config = minimalConfig([
      { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } },
      { id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark', outbound: { baseUrl: cyberark.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs: 2_000 } },
    ]);
    writeFileSync(path.join(config.settings!.mappingsDir!, 'cyberark-safes.yaml'), SYNC_MAPPINGS['cyberark-safes']!);
    const gw = await startTestGateway({ config, intake: { dispatcher: { pollIntervalMs: 3_600_000 } } });
    try {
      const scim = new Scim(gw.url, await createScimToken(gw.store, 'sailpoint'));
      const kim = await scim.user('kim');
      await scim.group('PAM-Ops-Users', { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 }, [kim]);
      await waitFor('kim in Ops', () => cyberark.state.safe('Ops')?.members.has('kim'));
    } finally {
      await gw.stop();
      await cyberark.close();
    }
  });
});

describe('starts that refuse', () => {
  it('stops with one line when a webhook receiver has no secret', async () => {
    const error = await startTestGateway({ config: minimalConfig([{ id: 'events', kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks' } }]) })
      .then((g) => g.stop(), (e: unknown) => e);
    expect((error as Error).message).toMatch(/\/lockstep\.json: connectors\[0\]\.inbound\.secret: required for scheme "standard-webhooks"/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('stops with one line naming the connector when its secret cannot verify anything', async () => {
    const error = await startTestGateway({
      config: minimalConfig([{ id: 'events', kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: 'whsec_c2hvcnQ=' } }]),
    }).then((g) => g.stop(), (e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe('connector events: webhook receiver refuses to start: a standard-webhooks secret decodes to fewer than 16 bytes');
  });

  it('stops with one line when a syslog port is taken', async () => {
    const { port, release } = await takenPort();
    try {
      const error = await startTestGateway({ config: minimalConfig([{ id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port } }]) })
        .then((g) => g.stop(), (e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(new RegExp(`^connector vault: syslog listener cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      await release();
    }
  });

  it('refuses a syslog connector without a port', async () => {
    const error = await startTestGateway({ config: minimalConfig([{ id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog' } }]) })
      .then((g) => g.stop(), (e: unknown) => e);
    expect((error as Error).message).toMatch(/connectors\[0\]\.inbound\.port: required for scheme "syslog"/);
  });
});

describe('lockstep start', () => {
  it('prints each webhook URL and syslog listener', async () => {
    const dataDir = tempDir('lockstep-intake-cli-');
    const port = await freePort();
    writeFileSync(path.join(dataDir, 'lockstep.json'), JSON.stringify(minimalConfig([
      { id: 'teleport', kind: 'pam', vendor: 'teleport', inbound: { scheme: 'basic', ...TELEPORT } },
      { id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port } },
      { id: 'okta', kind: 'iga', vendor: 'okta' },
    ])));
    const out: string[] = [];
    let stop: ((signal: string) => void) | undefined;
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (exited = r));
    await runCli(['start'], {
      env: { PATH: process.env.PATH, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_PORT: '0', LOCKSTEP_LOG_LEVEL: 'silent' },
      cwd: dataDir, clock: systemClock, random: (n) => randomBytes(n),
      out: (line) => out.push(line), err: (line) => out.push(line),
      onStopSignal: (h) => (stop = h), exit: (code) => exited(code),
    });
    const url = /listening on (\S+)/.exec(out[0] ?? '')?.[1];
    expect(out).toContain(`                 ${url}/webhooks/teleport`);
    expect(out).toContain(`  Syslog         127.0.0.1:${port} (vault, TCP)`);
    expect(out.filter((l) => l.includes('/webhooks/okta') || l.includes('/webhooks/vault'))).toEqual([]);
    stop?.('SIGTERM');
    expect(await exit).toBe(0);
  });
});
