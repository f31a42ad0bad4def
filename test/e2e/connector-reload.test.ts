/**
 * Connectors follow the configuration file while the gateway runs (intake-wiring.ts → syslog-listeners.ts,
 * poller-set.ts, outbox-wiring.ts): a syslog connector added listens and stores what it receives, removed it
 * stops listening; a PAM connector whose baseUrl changes sends its next call to the new address while a call in
 * flight finishes at the old one; a listener that cannot listen is reported by `/readyz`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import { systemClock } from '../../gateway/domain/clock.ts';
import { enqueue } from '../../gateway/outbox/enqueue.ts';
import { cyberArkAuditRecord, sendCyberArkSyslog, startCyberArkFake, type CyberArkFakeState, type Fake } from '../fakes/index.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';
import { accepts, freePort, takenPort } from './ports.ts';
import { waitFor } from './sync-client.ts';

const PROFILES = path.resolve(import.meta.dirname, '../../mappings/profiles');
type Connectors = NonNullable<ConfigDocument['connectors']>;

const cyberarkPam = (baseUrl: string): Connectors[number] => ({
  id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark',
  outbound: { baseUrl, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'env:LS_CYBERARK_PASSWORD' }, timeoutMs: 5_000 },
});

const MEMBERS = { method: 'POST', path: /\/Safes\/[^/]+\/Members$/i };

describe('connectors follow the configuration file without a restart', () => {
  let first: Fake<CyberArkFakeState>;
  let second: Fake<CyberArkFakeState>;
  let gw: TestGateway;

  /** Writes the configuration file with these connectors and has the watcher read it now. */
  async function configure(connectors: Connectors): Promise<void> {
    const doc = gw.gateway.config.document();
    writeFileSync(gw.configPath, JSON.stringify({ ...doc, connectors }, null, 2));
    expect(await gw.gateway.configWatcher!.check()).toEqual({ valid: true });
  }

  async function grant(principal: string): Promise<void> {
    await gw.store.transaction((tx) => enqueue(tx, {
      connectorId: 'cyberark-prod', action: 'grant', idempotencyKey: `grant:reload:finance:${principal}`,
      payload: { target: { kind: 'safe', ref: 'Finance' }, principal, permissions: ['useAccounts', 'listAccounts'] },
    }, { clock: systemClock, random: (n) => randomBytes(n) }));
  }

  const readiness = async () => (await (await fetch(`${gw.url}/readyz`)).json()) as { status: string; checks: Record<string, { ok: boolean; reason?: string }> };

  beforeAll(async () => {
    [first, second] = await Promise.all([startCyberArkFake(), startCyberArkFake()]);
    for (const fake of [first, second]) fake.state.addSafe('Finance');
    gw = await startTestGateway({
      env: { LS_CYBERARK_PASSWORD: 'secret' },
      intake: { processorPollIntervalMs: 20, dispatcher: { pollIntervalMs: 50 } },
      config: {
        connectors: [cyberarkPam(first.url)],
        settings: { mappingsDir: tempDir('lockstep-reload-mappings-'), profilesDir: PROFILES, rateLimitPerConnector: 0 },
      },
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([first?.close(), second?.close()]);
  });

  it('starts the syslog listener of a connector added to the file, and closes it when the connector is removed', async () => {
    const port = await freePort();
    expect(gw.gateway.syslogListeners).toEqual([]);
    await configure([cyberarkPam(first.url), { id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port } }]);
    await waitFor('the new listener', () => gw.gateway.syslogListeners.some((l) => l.connectorId === 'vault' && l.port === port));

    await sendCyberArkSyslog('127.0.0.1', port, [cyberArkAuditRecord('300', { Safe: 'Finance', sessionId: 'S-1', user: 'carol' })]);
    const row = await waitFor('the record in the inbox', async () => {
      const events = await gw.store.events.readAfter(0, 10_000);
      const received = events.find((e) => e.type === 'pam.event' && e.payload.stage === 'received' && e.payload.connectorId === 'vault');
      return received ? gw.store.inbox.get(received.payload.inboxId as never) : undefined;
    });
    expect(row).toMatchObject({ connectorId: 'vault', channel: 'syslog' });

    await configure([cyberarkPam(first.url)]);
    await waitFor('the listener gone', () => gw.gateway.syslogListeners.length === 0);
    expect(await accepts(port)).toBe(false);
    expect((await readiness()).status).toBe('ready');
  });

  it('reports a listener that cannot listen (port taken) on /readyz, and is ready again once it listens', async () => {
    const { port: taken, release } = await takenPort();
    try {
      await configure([cyberarkPam(first.url), { id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port: taken } }]);
      const report = await waitFor('readiness names the conflict', async () => {
        const r = await readiness();
        return r.checks['connectors']?.ok === false ? r : undefined;
      });
      expect(report.status).toBe('not-ready');
      expect(report.checks['connectors']?.reason).toMatch(new RegExp(`connector vault: syslog listener cannot listen on 127\\.0\\.0\\.1:${taken}: .*EADDRINUSE`));
    } finally {
      await release();
    }
    const port = await freePort();
    await configure([cyberarkPam(first.url), { id: 'vault', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port } }]);
    await waitFor('ready again', async () => (await readiness()).status === 'ready');
    expect(await accepts(port)).toBe(true);
    await configure([cyberarkPam(first.url)]);
    await waitFor('the listener gone', () => gw.gateway.syslogListeners.length === 0);
  });

  it('sends the next outbox call to a changed baseUrl; a call in flight finishes at the old one', async () => {
    await grant('dana');
    await waitFor('dana granted at the first PAM', () => first.state.safe('Finance')?.members.has('dana'));

    first.faults.next({ delayMs: 1_500 }, 1, MEMBERS);
    await grant('eve');
    await waitFor('the call for eve in flight at the first PAM', () => first.calls.count({ method: 'POST', path: MEMBERS.path }) >= 2);
    await configure([cyberarkPam(second.url)]);
    await waitFor('eve granted at the first PAM (the call in flight finished)', () => first.state.safe('Finance')?.members.has('eve'));

    await grant('finn');
    await waitFor('finn granted at the second PAM', () => second.state.safe('Finance')?.members.has('finn'));
    expect(first.state.safe('Finance')?.members.has('finn')).toBe(false);
    expect(second.state.safe('Finance')?.members.has('eve')).toBe(false);
    const delivered = await waitFor('all three delivered', async () => {
      const rows = (await gw.store.events.readAfter(0, 10_000)).filter((e) => e.type === 'outbox.changed' && e.payload.status === 'delivered');
      return rows.length >= 3 ? rows : undefined;
    });
    expect(delivered).toHaveLength(3);
  });
});
