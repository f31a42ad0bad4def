/**
 * An in-process gateway (through `startGateway`, as `lockstep start` builds it) with a CyberArk fake behind its
 * outbox, fast retry and breaker timings (the policy's shape is unchanged), logs to a file, and helpers to wait
 * for what the fake or the gateway says.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { ConnectorId } from '../../../gateway/domain/ids.ts';
import { type Gateway, startGateway } from '../../../gateway/main.ts';
import { type CyberArkFakeState, type Fake, standardWebhookHeaders, startCyberArkFake } from '../../fakes/index.ts';
import { createScimToken } from '../gateway.ts';
import { tempDir } from '../temp-dir.ts';
import { ROOT } from './gateway-process.ts';
import { crashConfig, IGA, PAM_EVENTS } from './crash-world.ts';
import { GROUP_SCHEMA, LOCKSTEP_GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './traffic.ts';

export interface FaultWorld {
  readonly gateway: Gateway;
  readonly url: string;
  readonly fake: Fake<CyberArkFakeState>;
  readonly dataDir: string;
  readonly configPath: string;
  readonly scimToken: string;
  readonly logFile: string;
  scim(method: string, p: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> | undefined; headers: Headers }>;
  /** Creates a user and a `PAM-<safe>-Users` group with that user as member; returns their ids. */
  grant(safe: string, userName: string): Promise<{ userId: string; groupId: string; status: number }>;
  metrics(): Promise<string>;
  /** Sends a signed Standard Webhooks delivery with this id to the PAM events connector. */
  webhook(id: string): Promise<{ status: number; headers: Headers }>;
  close(): Promise<void>;
}

export async function createFaultWorld(opts: { dataDir?: string; timeoutMs?: number } = {}): Promise<FaultWorld> {
  const dataDir = opts.dataDir ?? tempDir('lockstep-fault-');
  const mappingsDir = path.join(dataDir, 'mappings');
  mkdirSync(mappingsDir, { recursive: true });
  copyFileSync(path.join(ROOT, 'mappings/examples/cyberark-safes.yaml'), path.join(mappingsDir, 'cyberark-safes.yaml'));
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const fake = await startCyberArkFake({ users: { lockstep: password } });
  const config = crashConfig(fake.url, mappingsDir);
  const cyberark = config.connectors!.find((c) => c.id === 'cyberark-prod')!;
  (cyberark.outbound as { timeoutMs: number }).timeoutMs = opts.timeoutMs ?? 1_000;
  const configPath = path.join(dataDir, 'lockstep.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const logFile = path.join(tempDir('lockstep-fault-log-'), 'gateway.log');
  const gateway = await startGateway({
    env: {
      PATH: process.env.PATH, LOCKSTEP_LOG_LEVEL: 'debug', LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_CONFIG: configPath, LOCKSTEP_HOST: '127.0.0.1', LOCKSTEP_PORT: '0',
      LS_TEST_WEBHOOK_SECRET: webhookSecret, LS_TEST_CYBERARK_PASSWORD: password,
    },
    cwd: dataDir,
    logDestination: pino.destination({ dest: logFile, sync: true }),
    intake: {
      dispatcher: {
        pollIntervalMs: 50, leaseMs: 5_000,
        retry: { scheduleMs: [0, 100, 200, 400], maxAttempts: 30, jitter: 0, maxRetryAfterMs: 2_000 },
        breaker: { failureThreshold: 5, coolDownMs: 300 },
      },
    },
  });
  const scimToken = await createScimToken(gateway.store, IGA as ConnectorId, 'fault suite');
  const scim: FaultWorld['scim'] = async (method, p, body) => {
    const res = await fetch(`${gateway.url}/scim/v2${p}`, {
      method, headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    gateway, url: gateway.url, fake, dataDir, configPath, scimToken, logFile, scim,
    async grant(safe, userName) {
      fake.state.addSafe(safe);
      const u = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true });
      const g = await scim('POST', '/Groups', {
        schemas: [GROUP_SCHEMA, LOCKSTEP_GROUP_SCHEMA], displayName: `PAM-${safe}-Users`,
        [LOCKSTEP_GROUP_SCHEMA]: { owner: 'owner@example.com', reviewCadenceDays: 90, lastCertified: new Date().toISOString() },
      });
      const userId = String(u.body?.id);
      const groupId = String(g.body?.id);
      const m = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] });
      return { userId, groupId, status: Math.max(u.status, g.status, m.status) };
    },
    async webhook(id) {
      const body = { type: 'session.started', timestamp: new Date().toISOString(), data: { principal: 'ops', target: { kind: 'role', ref: 'db-admin' }, externalId: id } };
      const signed = standardWebhookHeaders({ secret: webhookSecret, id, body });
      const r = await fetch(`${gateway.url}/webhooks/${PAM_EVENTS}`, { method: 'POST', headers: signed.headers, body: signed.body, signal: AbortSignal.timeout(15_000) });
      await r.text();
      return { status: r.status, headers: r.headers };
    },
    async metrics() {
      return (await fetch(`${gateway.url}/metrics`)).text();
    },
    async close() {
      await gateway.close().catch(() => undefined);
      await fake.close();
    },
  };
}

/** Polls `check` until it gives a truthy value (returned), or throws after `timeoutMs` naming `what`. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
