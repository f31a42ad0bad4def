/**
 * Connectors follow an edit of their vendor profile file while the gateway runs (mapping-registry.ts onChange →
 * main.ts → intake-wiring.ts applyConnectors → outbox-wiring.ts): the connector whose profile changed sends its
 * next call as the new profile says; a connector on a profile that did not change is left alone (its logon
 * session is kept); an edit that does not load keeps the profile in use and the connector working.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import { systemClock } from '../../gateway/domain/clock.ts';
import { enqueue } from '../../gateway/outbox/enqueue.ts';
import { startCyberArkFake, startTeleportFake, type CyberArkFakeState, type Fake, type TeleportState } from '../fakes/index.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';
import { waitFor } from './sync-client.ts';

const PROFILES = path.resolve(import.meta.dirname, '../../mappings/profiles');
const BUILTIN = readFileSync(path.join(PROFILES, 'cyberark.yaml'), 'utf8');
/** The built-in CyberArk profile under another name, so that it loads next to the built-in one. */
const COPY = BUILTIN.replace(/^name: cyberark$/m, 'name: cyberark-edited');
const MEMBERS_PATH = 'path: /PasswordVault/api/Safes/{{ target.ref }}/Members\n';
/** The same endpoint written in capitals: the fake routes case-insensitively and logs the path as received. */
const EDITED = COPY.replace(MEMBERS_PATH, 'path: /PASSWORDVAULT/API/SAFES/{{ target.ref }}/MEMBERS\n');
const BROKEN = EDITED.replace('when: target.kind = "account"', 'when: target.kind = = "account"');
/** The built-in Teleport profile under another name, then with its poll request's path in capitals. */
const TELEPORT = readFileSync(path.join(PROFILES, 'teleport.yaml'), 'utf8').replace(/^name: teleport$/m, 'name: teleport-edited');
const TELEPORT_EDITED = TELEPORT.replace('    path: /v1/events\n', '    path: /V1/EVENTS\n');

type Connectors = NonNullable<ConfigDocument['connectors']>;
const pam = (id: string, profile: string, baseUrl: string): Connectors[number] => ({
  id, kind: 'pam', vendor: 'cyberark', profile,
  outbound: { baseUrl, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'env:LS_CYBERARK_PASSWORD' }, timeoutMs: 5_000 },
});

const LOGON = { method: 'POST', path: /\/auth\/Cyberark\/Logon$/i };
const ORIGINAL_GRANT = { method: 'POST', path: /^\/PasswordVault\/api\/Safes\/Finance\/Members$/ };
const EDITED_GRANT = { method: 'POST', path: /^\/PASSWORDVAULT\/API\/SAFES\/Finance\/MEMBERS$/ };

describe('connectors follow an edit of their vendor profile without a restart', () => {
  let edited: Fake<CyberArkFakeState>;
  let builtin: Fake<CyberArkFakeState>;
  let teleport: Fake<TeleportState>;
  let gw: TestGateway;
  let profileFile: string;
  let teleportFile: string;

  async function grant(connectorId: string, principal: string): Promise<void> {
    await gw.store.transaction((tx) => enqueue(tx, {
      connectorId, action: 'grant', idempotencyKey: `grant:profile-reload:${connectorId}:${principal}`,
      payload: { target: { kind: 'safe', ref: 'Finance' }, principal, permissions: ['useAccounts', 'listAccounts'] },
    }, { clock: systemClock, random: (n) => randomBytes(n) }));
  }

  const granted = (fake: Fake<CyberArkFakeState>, principal: string) => fake.state.safe('Finance')?.members.has(principal);
  const grantCallFor = (fake: Fake<CyberArkFakeState>, principal: string) =>
    fake.calls.filter({ method: 'POST', path: /\/Safes\/Finance\/Members$/i }).find((c) => (c.body as { memberName?: string }).memberName === principal);

  beforeAll(async () => {
    [edited, builtin, teleport] = await Promise.all([startCyberArkFake(), startCyberArkFake(), startTeleportFake()]);
    for (const fake of [edited, builtin]) fake.state.addSafe('Finance');
    const mappingsDir = tempDir('lockstep-profile-reload-');
    profileFile = path.join(mappingsDir, 'cyberark-edited.yaml');
    teleportFile = path.join(mappingsDir, 'teleport-edited.yaml');
    writeFileSync(profileFile, COPY);
    writeFileSync(teleportFile, TELEPORT);
    gw = await startTestGateway({
      env: { LS_CYBERARK_PASSWORD: 'secret' },
      intake: { processorPollIntervalMs: 20, dispatcher: { pollIntervalMs: 50 } },
      config: {
        connectors: [
          pam('cyberark-edited', 'cyberark-edited', edited.url), pam('cyberark-builtin', 'cyberark', builtin.url),
          {
            id: 'teleport-audit', kind: 'pam', vendor: 'teleport', profile: 'teleport-edited', inbound: { scheme: 'poll' }, poll: { intervalSeconds: 1 },
            outbound: { baseUrl: teleport.url, auth: { kind: 'bearer', token: 'teleport-token' }, timeoutMs: 5_000 },
          },
        ],
        settings: { mappingsDir, profilesDir: PROFILES, rateLimitPerConnector: 0 },
      },
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([edited?.close(), builtin?.close(), teleport?.close()]);
  });

  it('the fixtures rename the profile, then change its grant path, then break it', () => {
    expect(COPY).not.toBe(BUILTIN);
    expect(EDITED).not.toBe(COPY);
    expect(BROKEN).not.toBe(EDITED);
    expect(TELEPORT_EDITED).not.toBe(TELEPORT);
  });

  it('sends the next call as the edited profile says, and leaves connectors on unchanged profiles alone', async () => {
    await grant('cyberark-edited', 'dana');
    await grant('cyberark-builtin', 'dana');
    await waitFor('dana granted at both PAMs', () => granted(edited, 'dana') && granted(builtin, 'dana'));
    expect(grantCallFor(edited, 'dana')?.path).toMatch(ORIGINAL_GRANT.path);
    const logons = { edited: edited.calls.count(LOGON), builtin: builtin.calls.count(LOGON) };
    expect(logons).toEqual({ edited: 1, builtin: 1 });

    const before = gw.gateway.mappings.status().version;
    writeFileSync(profileFile, EDITED);
    await waitFor('the edited profile in use', () => gw.gateway.mappings.status().version > before);
    expect(gw.gateway.mappings.status().lastError).toBeUndefined();

    await grant('cyberark-edited', 'eve');
    await grant('cyberark-builtin', 'eve');
    await waitFor('eve granted at both PAMs', () => granted(edited, 'eve') && granted(builtin, 'eve'));
    expect(grantCallFor(edited, 'eve')?.path).toMatch(EDITED_GRANT.path);
    expect(grantCallFor(builtin, 'eve')?.path).toMatch(ORIGINAL_GRANT.path);
    // The rebuilt connector logged on afresh; the one whose profile did not change kept its session.
    expect(edited.calls.count(LOGON)).toBe(logons.edited + 1);
    expect(builtin.calls.count(LOGON)).toBe(logons.builtin);
  });

  it('keeps the profile in use when an edit does not load, and the connector keeps working', async () => {
    const { version } = gw.gateway.mappings.status();
    const logons = edited.calls.count(LOGON);
    writeFileSync(profileFile, BROKEN);
    const failed = await waitFor('the failed reload recorded', () => gw.gateway.mappings.status().lastError);
    expect(failed.errors[0]?.file).toContain('cyberark-edited.yaml');
    expect(gw.gateway.mappings.status().version).toBe(version);

    await grant('cyberark-edited', 'finn');
    await waitFor('finn granted', () => granted(edited, 'finn'));
    expect(grantCallFor(edited, 'finn')?.path).toMatch(EDITED_GRANT.path);
    expect(edited.calls.count(LOGON)).toBe(logons);

    // Fixed again: loads, and the connector follows the file once more.
    writeFileSync(profileFile, COPY);
    await waitFor('the fixed profile in use', () => gw.gateway.mappings.status().version > version);
    await grant('cyberark-edited', 'gina');
    await waitFor('gina granted', () => granted(edited, 'gina'));
    expect(grantCallFor(edited, 'gina')?.path).toMatch(ORIGINAL_GRANT.path);
  });

  it('restarts a poller with the edited poll request', async () => {
    const OLD = { method: 'GET', path: /^\/v1\/events$/ };
    const NEW = { method: 'GET', path: /^\/V1\/EVENTS$/ };
    await waitFor('a poll at the original path', () => teleport.calls.count(OLD) > 0);
    expect(teleport.calls.count(NEW)).toBe(0);

    writeFileSync(teleportFile, TELEPORT_EDITED);
    const first = await waitFor('a poll at the edited path', () => teleport.calls.filter(NEW)[0]);
    // The old poller stopped before the new one started: no poll at the original path after the first new one.
    await waitFor('a second poll at the edited path', () => teleport.calls.count(NEW) >= 2);
    expect(teleport.calls.filter(OLD).every((c) => c.seq < first.seq)).toBe(true);
  });
});
