/**
 * Token last use (gateway/http/token-usage.ts): at most one write per token per minute, off the request's
 * path, a failed write never failing anything; through the real gateway, SCIM and admin tokens get their
 * `lastUsedAt` (injected clock), shown by `lockstep token list` and `GET /api/v1/connectors`.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { TokenId } from '../../../gateway/domain/ids.ts';
import { adminTokenLastUsed, createTokenUsage } from '../../../gateway/http/token-usage.ts';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { openStateStore } from '../../../gateway/main.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { issueScimToken } from '../../../gateway/http/api-tokens.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from '../cli/cli-harness.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function quietLogger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger({ level: 'debug', destination: { write: (l: string) => lines.push(JSON.parse(l)) } }) };
}

describe('token usage recorder', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStateStore({ dialect: 'sqlite', file: path.join(tempDir(), 'state.sqlite') });
  });
  afterAll(async () => store?.close());

  it('writes once within the throttle window and again after it', async () => {
    const clock = new ManualClock(T0);
    const { record } = await issueScimToken({ store, clock, random: (n) => crypto.getRandomValues(new Uint8Array(n)) }, { connectorId: 'iga' });
    const writes: string[] = [];
    const counted = { ...store, tokens: { ...store.tokens, touch: (id: TokenId, at: string) => { writes.push(at); return store.tokens.touch(id, at); } } };
    const usage = createTokenUsage({ store: counted, clock, logger: quietLogger().logger });

    usage.scimTokenUsed(record);
    clock.advance(30_000);
    usage.scimTokenUsed(record);
    await usage.flush();
    expect(writes).toEqual([new Date(T0).toISOString()]);
    expect((await store.tokens.getByHash(record.hash))?.lastUsedAt).toBe(new Date(T0).toISOString());

    clock.advance(31_000);
    usage.scimTokenUsed(record);
    await usage.flush();
    expect(writes).toEqual([new Date(T0).toISOString(), new Date(T0 + 61_000).toISOString()]);
    expect((await store.tokens.getByHash(record.hash))?.lastUsedAt).toBe(new Date(T0 + 61_000).toISOString());
  });

  it('trusts a recent lastUsedAt read with the token (another replica or an earlier run wrote it)', async () => {
    const clock = new ManualClock(T0);
    const writes: string[] = [];
    const usage = createTokenUsage({
      store: { ...store, tokens: { ...store.tokens, touch: async (_id: TokenId, at: string) => { writes.push(at); return true; } } },
      clock, logger: quietLogger().logger,
    });
    usage.scimTokenUsed({ id: 'tok_01JNXXXXXXXXXXXXXXXXXXXXXX' as TokenId, lastUsedAt: new Date(T0 - 10_000).toISOString() });
    await usage.flush();
    expect(writes).toEqual([]);
  });

  it('never throws on the request path when the write fails; logs it and tries again on the next use', async () => {
    const clock = new ManualClock(T0);
    const { lines, logger } = quietLogger();
    let fail = true;
    const writes: string[] = [];
    const usage = createTokenUsage({
      store: { ...store, tokens: { ...store.tokens, touch: async (_id: TokenId, at: string) => {
        writes.push(at);
        if (fail) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return true;
      } } },
      clock, logger,
    });
    const token = { id: 'tok_01JNYYYYYYYYYYYYYYYYYYYYYY' as TokenId };
    expect(() => usage.scimTokenUsed(token)).not.toThrow();
    expect(writes).toEqual([]);
    await usage.flush();
    expect(writes).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'could not record when a token was last used')).toBe(true);
    fail = false;
    usage.scimTokenUsed(token);
    await usage.flush();
    expect(writes).toHaveLength(2);
  });
});

describe('last use through the gateway', () => {
  let gw: TestGateway;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    gw = await startTestGateway({ clock, config: { connectors: [{ id: 'sailpoint', kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } }] } });
  });
  afterAll(async () => gw?.stop());

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('records SCIM and admin token use, shown by `token list` and the connectors view', async () => {
    const { token, record } = await issueScimToken({ store: gw.store, clock, random: (n) => crypto.getRandomValues(new Uint8Array(n)) }, { connectorId: 'sailpoint' });
    const lastUsed = async () => (await gw.store.tokens.getByHash(record.hash))?.lastUsedAt;
    const scim = () => fetch(`${gw.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });

    expect((await scim()).status).toBe(200);
    await until('first use recorded', async () => ((await lastUsed()) === new Date(T0).toISOString() ? true : undefined));
    clock.advance(61_000);
    expect((await scim()).status).toBe(200);
    await until('use after the window recorded', async () => ((await lastUsed()) === new Date(T0 + 61_000).toISOString() ? true : undefined));

    expect((await fetch(`${gw.url}/api/v1/health`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).status).toBe(200);
    const hash = gw.gateway.config.current().settings.adminTokenHash;
    await until('admin use recorded', () => adminTokenLastUsed(gw.store, hash));
    expect(await adminTokenLastUsed(gw.store, hash)).toBe(new Date(T0 + 61_000).toISOString());

    const view = (await (await fetch(`${gw.url}/api/v1/connectors`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { id: string; tokens?: { id: string; lastUsedAt?: string }[] }[];
    expect(view.find((c) => c.id === 'sailpoint')?.tokens).toEqual([expect.objectContaining({ id: record.id, lastUsedAt: new Date(T0 + 61_000).toISOString() })]);
    expect(JSON.stringify(view)).not.toContain(record.hash);

    const env = { LOCKSTEP_DATA_DIR: gw.dataDir, LOCKSTEP_CONFIG: gw.configPath };
    const list = await cli(['token', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.out.find((l) => l.startsWith(record.id))).toMatch(new RegExp(`active\\s+${new Date(T0 + 61_000).toISOString().replace(/\./g, '\\.')}$`));
    expect(list.out.find((l) => l.startsWith('admin '))).toMatch(/^admin\s+admin\s+-\s+admin token .*active\s+2026-03-01T10:01:01\.000Z$/);
  });
});
