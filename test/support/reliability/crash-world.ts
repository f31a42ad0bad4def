/**
 * The world the crash harness runs in: a temp data directory with a configuration file (an IGA connector, a
 * PAM connector receiving Standard Webhooks, a CyberArk connector whose outbound base URL is a CyberArk fake),
 * a mappings directory with one mapping from the SCIM groups the traffic creates to safes at the fake, a SCIM
 * token issued into the store before the first start, and secrets passed as `env:NAME`.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigDocument } from '../../../gateway/config/config-schema.ts';
import { openStateStore } from '../../../gateway/main.ts';
import { type Fake, startCyberArkFake, type CyberArkFakeState, standardWebhookSecret } from '../../fakes/index.ts';
import { createScimToken } from '../gateway.ts';
import { tempDir } from '../temp-dir.ts';
import { GatewayProcess, ROOT } from './gateway-process.ts';
import { safeName } from './traffic.ts';

export interface CrashWorld {
  readonly dataDir: string;
  readonly configPath: string;
  readonly dbFile: string;
  readonly logFile: string;
  readonly fake: Fake<CyberArkFakeState>;
  readonly scimToken: string;
  readonly webhookSecret: string;
  readonly pamPassword: string;
  readonly env: Record<string, string>;
  readonly gateway: GatewayProcess;
  /** Every secret value, for the log scan. */
  readonly secrets: readonly string[];
  close(): Promise<void>;
}

export const IGA = 'sailpoint';
export const PAM_EVENTS = 'pam-events';
export const CYBERARK = 'cyberark-prod';

export function crashConfig(fakeUrl: string, mappingsDir: string): ConfigDocument {
  return {
    connectors: [
      { id: IGA, kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } },
      { id: PAM_EVENTS, kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: 'env:LS_TEST_WEBHOOK_SECRET' } },
      {
        id: CYBERARK, kind: 'pam', vendor: 'cyberark',
        outbound: { baseUrl: fakeUrl, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'env:LS_TEST_CYBERARK_PASSWORD' }, timeoutMs: 2_000 },
      },
    ],
    settings: {
      mappingsDir,
      profilesDir: path.join(ROOT, 'mappings/profiles'),
      rateLimitPerConnector: 0,
      shutdownGraceMs: 2_000,
    },
  };
}

export async function createCrashWorld(opts: { workers: number; maxGroups: number; logLevel?: string }): Promise<CrashWorld> {
  const dataDir = tempDir('lockstep-crash-');
  const mappingsDir = path.join(dataDir, 'mappings');
  mkdirSync(mappingsDir);
  copyFileSync(path.join(ROOT, 'mappings/examples/cyberark-safes.yaml'), path.join(mappingsDir, 'cyberark-safes.yaml'));
  const pamPassword = `pw-${randomBytes(12).toString('hex')}`;
  const fake = await startCyberArkFake({ users: { lockstep: pamPassword } });
  for (let w = 0; w < opts.workers; w++) for (let k = 0; k < opts.maxGroups; k++) fake.state.addSafe(safeName(w, k));
  const configPath = path.join(dataDir, 'lockstep.json');
  writeFileSync(configPath, `${JSON.stringify(crashConfig(fake.url, mappingsDir), null, 2)}\n`);
  const dbFile = path.join(dataDir, 'state.sqlite');
  const store = await openStateStore({ dialect: 'sqlite', file: dbFile });
  const scimToken = await createScimToken(store, IGA as never, 'crash harness');
  await store.close();
  const webhookSecret = standardWebhookSecret(randomBytes(24));
  const env = { LS_TEST_WEBHOOK_SECRET: webhookSecret, LS_TEST_CYBERARK_PASSWORD: pamPassword };
  const logFile = path.join(dataDir, 'gateway.log');
  writeFileSync(logFile, '');
  const gateway = new GatewayProcess({ dataDir, configPath, env, logFile, logLevel: opts.logLevel ?? 'debug' });
  return {
    dataDir, configPath, dbFile, logFile, fake, scimToken, webhookSecret, pamPassword, env, gateway,
    secrets: [scimToken, webhookSecret, webhookSecret.slice('whsec_'.length), pamPassword],
    async close() {
      await gateway.kill();
      await fake.close();
    },
  };
}
