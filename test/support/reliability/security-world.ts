/**
 * A spawned gateway set up for the authorisation, secret and hostile-input suites: two IGA connectors (A and B)
 * with SCIM tokens, a revoked and an expired token of A, two PAM connectors receiving Standard Webhooks, an admin
 * token whose hash is preset in the configuration (and an older one it replaced), a CyberArk connector with a
 * literal password in the file, and debug logs captured to a file. Also a read-only view of the state for
 * before/after comparisons.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ConfigDocument } from '../../../gateway/config/config-schema.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import type { ConnectorId } from '../../../gateway/domain/ids.ts';
import { issueScimToken, revokeApiToken } from '../../../gateway/http/api-tokens.ts';
import { ADMIN_TOKEN_PREFIX, generateToken, hashToken } from '../../../gateway/http/bearer-tokens.ts';
import { openStateStore } from '../../../gateway/main.ts';
import { standardWebhookSecret } from '../../fakes/index.ts';
import { tempDir } from '../temp-dir.ts';
import { GatewayProcess, ROOT } from './gateway-process.ts';

export interface SecurityWorld {
  readonly gateway: GatewayProcess;
  readonly dataDir: string;
  readonly configPath: string;
  readonly dbFile: string;
  readonly logFile: string;
  readonly adminToken: string;
  readonly oldAdminToken: string;
  readonly tokens: { readonly a: string; readonly b: string; readonly aRevoked: string; readonly aExpired: string };
  readonly webhook: { readonly events: string; readonly other: string; readonly retired: string };
  readonly literalPassword: string;
  readonly secrets: readonly string[];
  readonly env: Record<string, string>;
  readonly snapshot: () => Snapshot;
  close(): Promise<void>;
}

export const IGA_A = 'sailpoint';
export const IGA_B = 'okta-iga';
export const PAM_EVENTS = 'pam-events';
export const PAM_OTHER = 'pam-other';

/**
 * What a request can change directly: row counts, and the sum of resource versions (a modification bumps it).
 * Outbox rows and domain events are left out: the sync engine writes them in the background after an earlier,
 * accepted request, so they may move while a later request is refused.
 */
export interface Snapshot {
  readonly identities: number;
  readonly entitlements: number;
  readonly assignments: number;
  readonly activeAssignments: number;
  readonly versions: number;
  readonly inbox: number;
  readonly tokens: number;
}

export interface SecurityWorldOptions {
  readonly settings?: ConfigDocument['settings'];
  readonly logLevel?: string;
}

export async function createSecurityWorld(opts: SecurityWorldOptions = {}): Promise<SecurityWorld> {
  const dataDir = tempDir('lockstep-sec-');
  const mappingsDir = path.join(dataDir, 'mappings');
  mkdirSync(mappingsDir);
  copyFileSync(path.join(ROOT, 'mappings/examples/cyberark-safes.yaml'), path.join(mappingsDir, 'cyberark-safes.yaml'));
  const random = (n: number) => randomBytes(n);
  const adminToken = generateToken(ADMIN_TOKEN_PREFIX, random);
  const oldAdminToken = generateToken(ADMIN_TOKEN_PREFIX, random);
  const events = standardWebhookSecret(randomBytes(24));
  const other = standardWebhookSecret(randomBytes(24));
  const retired = standardWebhookSecret(randomBytes(24));
  const literalPassword = `literal-${randomBytes(10).toString('hex')}`;
  const config: ConfigDocument = {
    connectors: [
      { id: IGA_A, kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } },
      { id: IGA_B, kind: 'iga', vendor: 'okta', inbound: { scheme: 'none-scim' } },
      { id: PAM_EVENTS, kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: 'env:LS_TEST_EVENTS_SECRET' } },
      { id: PAM_OTHER, kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: 'env:LS_TEST_OTHER_SECRET' } },
      {
        id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark',
        outbound: { baseUrl: 'http://127.0.0.1:9/', auth: { kind: 'cyberark-logon', username: 'lockstep', password: literalPassword }, timeoutMs: 500 },
      },
    ],
    settings: {
      mappingsDir, profilesDir: path.join(ROOT, 'mappings/profiles'), adminTokenHash: hashToken(adminToken), rateLimitPerConnector: 0,
      shutdownGraceMs: 1_000, ...opts.settings,
    },
  };
  const configPath = path.join(dataDir, 'lockstep.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const dbFile = path.join(dataDir, 'state.sqlite');
  const store = await openStateStore({ dialect: 'sqlite', file: dbFile });
  const deps = { store, clock: systemClock, random };
  const issue = async (connectorId: string, expiresInDays?: number) =>
    issueScimToken(deps, { connectorId: connectorId as ConnectorId, label: 'security suite', expiresInDays, actor: 'test' });
  const a = (await issue(IGA_A)).token;
  const b = (await issue(IGA_B)).token;
  const revoked = await issue(IGA_A);
  await revokeApiToken(deps, revoked.record.id, 'test');
  const aExpired = (await issue(IGA_A, -1)).token;
  await store.close();

  const env = { LS_TEST_EVENTS_SECRET: events, LS_TEST_OTHER_SECRET: other };
  const logFile = path.join(dataDir, 'gateway.log');
  writeFileSync(logFile, '');
  const gateway = new GatewayProcess({ dataDir, configPath, env, logFile, logLevel: opts.logLevel ?? 'debug' });
  await gateway.start();
  let db: Database.Database | undefined;
  const count = (sql: string): number => (db!.prepare(sql).get() as { n: number }).n;
  const snapshot = (): Snapshot => {
    db ??= new Database(dbFile, { readonly: true, fileMustExist: true });
    return {
      identities: count('SELECT count(*) AS n FROM identities'),
      entitlements: count('SELECT count(*) AS n FROM entitlements'),
      assignments: count('SELECT count(*) AS n FROM assignments'),
      activeAssignments: count("SELECT count(*) AS n FROM assignments WHERE status = 'active'"),
      versions: count('SELECT (SELECT coalesce(sum(version), 0) FROM identities) + (SELECT coalesce(sum(version), 0) FROM entitlements) AS n'),
      inbox: count('SELECT count(*) AS n FROM inbox'),
      tokens: count('SELECT count(*) AS n FROM api_tokens'),
    };
  };
  const secrets = [adminToken, oldAdminToken, a, b, revoked.token, aExpired, events, other, retired,
    events.slice('whsec_'.length), other.slice('whsec_'.length), literalPassword];
  return {
    gateway, dataDir, configPath, dbFile, logFile, adminToken, oldAdminToken, literalPassword, env, snapshot, secrets,
    tokens: { a, b, aRevoked: revoked.token, aExpired },
    webhook: { events, other, retired },
    async close() {
      db?.close();
      await gateway.kill();
    },
  };
}

/** Log lines (JSON, from pino) that contain any of the secrets. */
export function leakedInto(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 6)}…`);
}
