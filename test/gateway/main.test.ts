import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Router } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../gateway/config/config-error.ts';
import { hashToken } from '../../gateway/http/bearer-tokens.ts';
import { StartupError, startGateway } from '../../gateway/main.ts';
import { type TestGateway, createScimToken, startTestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';

const running: TestGateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

async function start(opts: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const gateway = await startTestGateway(opts);
  running.push(gateway);
  return gateway;
}

function env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_PORT: '0', LOCKSTEP_LOG_LEVEL: 'silent', ...extra };
}

describe('startGateway', () => {
  it('generates the admin token on first start, keeps only its hash, and not again on restart', async () => {
    const first = await startTestGateway();
    expect(first.adminToken).toMatch(/^lsa_[A-Za-z0-9_-]{43}$/);
    const file = readFileSync(first.configPath, 'utf8');
    expect(file).not.toContain(first.adminToken);
    expect(JSON.parse(file).settings.adminTokenHash).toBe(hashToken(first.adminToken!));
    await first.stop();

    const second = await start({ dataDir: first.dataDir });
    expect(second.adminToken).toBeUndefined();
    expect(JSON.parse(readFileSync(second.configPath, 'utf8')).settings.adminTokenHash).toBe(hashToken(first.adminToken!));
  });

  it('keeps all state across a restart', async () => {
    const first = await startTestGateway({ config: { connectors: [{ id: 'okta', kind: 'iga', vendor: 'okta' }] } });
    const token = await createScimToken(first.store, 'okta');
    await first.stop();

    const second = await start({ dataDir: first.dataDir });
    expect(await second.store.tokens.getByHash(hashToken(token))).toMatchObject({ connectorId: 'okta', scope: 'scim' });
    expect((await second.store.ledger.last())?.action).toBe('token.created');
    expect(second.gateway.config.current().connectors.map((c) => c.id)).toEqual(['okta']);
  });

  it('is ready when the store is open and the configuration valid, and says why not otherwise', async () => {
    const gw = await start();
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);

    writeFileSync(gw.configPath, '{"connectors": [}');
    await gw.gateway.configWatcher!.check();
    const res = await fetch(`${gw.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'not-ready',
      checks: { store: { ok: true }, config: { ok: false, reason: expect.stringContaining('lockstep.json:1:17: invalid JSON: unexpected "}", expected a value') } },
    });
    expect(gw.gateway.config.current().settings.adminTokenHash).toBeDefined();

    writeFileSync(gw.configPath, JSON.stringify({ settings: { adminTokenHash: gw.gateway.config.current().settings.adminTokenHash } }));
    await vi.waitFor(async () => expect((await fetch(`${gw.url}/readyz`)).status).toBe(200), { timeout: 10_000, interval: 50 });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/lockstep_config_reloads_total\{result="invalid"\} 1/);
  });

  it('serves /metrics in Prometheus text', async () => {
    const gw = await start();
    await fetch(`${gw.url}/healthz`);
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/lockstep_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status="200"\}/);
  });

  it('finishes in-flight requests on close, then closes the store', async () => {
    let release!: () => void;
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => (arrived = r));
    const slow = Router().get('/', (_req, res) => {
      arrived();
      new Promise<void>((r) => (release = r)).then(() => res.json({ done: true }), () => undefined);
    });
    const gw = await startTestGateway({ extraMounts: [{ path: '/slow', router: slow }] });
    const inFlight = fetch(`${gw.url}/slow`);
    await arrival;
    const closed = gw.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(gw.store.isReady()).toBe(true);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closed;
    expect(gw.store.isReady()).toBe(false);
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
  });

  it('refuses an invalid configuration before opening anything', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'lockstep.json'), JSON.stringify({ connectors: [{ id: 'a', kind: 'pamm', vendor: 'cyberark' }] }));
    const error = await startGateway({ env: env(dataDir, { LOCKSTEP_CONFIG: 'lockstep.json' }), cwd: dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('lockstep.json: connectors[0].kind: expected "iga" | "pam", got "pamm"');
    expect(existsSync(path.join(dataDir, 'state.sqlite'))).toBe(false);
  });

  it('refuses a data directory that cannot be written', async () => {
    const parent = tempDir();
    writeFileSync(path.join(parent, 'a-file'), '');
    const dataDir = path.join(parent, 'a-file', 'data');
    const error = await startGateway({ env: env(dataDir) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(`data directory ${dataDir} is not writable (ENOTDIR)`);
  });

  it('refuses a port in use and leaves nothing running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = tempDir();
    try {
      const error = await startGateway({ env: env(dataDir, { LOCKSTEP_PORT: String(port) }) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
    const again = await start({ dataDir });
    expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
  });

  it('refuses a bad environment variable with one line', async () => {
    await expect(startGateway({ env: { LOCKSTEP_PORT: 'http' } })).rejects.toThrow(new StartupError('LOCKSTEP_PORT: expected a port number 0-65535, got "http"'));
  });
});

describe('startGateway first start that fails', () => {
  it('keeps no admin token hash when the start fails, so the next start prints one', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = tempDir();
    try {
      await expect(startGateway({ env: env(dataDir, { LOCKSTEP_PORT: String(port) }) })).rejects.toThrow(StartupError);
    } finally {
      blocker.close();
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, 'lockstep.json'), 'utf8')).settings.adminTokenHash).toBeUndefined();
    const next = await start({ dataDir });
    expect(next.adminToken).toMatch(/^lsa_/);
  });
});
