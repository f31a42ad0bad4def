/**
 * Limits on the real gateway: bodies over the limit get 413 and change nothing; one connector over its request
 * rate gets 429 with Retry-After while another connector is unaffected; a burst of concurrent connections is
 * answered (2xx, or 429/503 with Retry-After), never dropped, and the gateway stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorId } from '../../gateway/domain/ids.ts';
import { standardWebhookHeaders } from '../fakes/standard-webhooks.ts';
import { type TestGateway, createScimToken, startTestGateway } from '../support/gateway.ts';
import { reportFigure, sizes, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';

const SECRET = `whsec_${Buffer.from('limits-suite-secret-0123456789').toString('base64')}`;
let gw: TestGateway;
let a = '';
let b = '';

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      connectors: [
        { id: 'iga-a', kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } },
        { id: 'iga-b', kind: 'iga', vendor: 'okta', inbound: { scheme: 'none-scim' } },
        { id: 'pam-events', kind: 'pam', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secret: SECRET } },
      ],
      settings: { bodyLimit: '64kb', rateLimitPerConnector: 5 },
    },
  });
  a = await createScimToken(gw.store, 'iga-a' as ConnectorId);
  b = await createScimToken(gw.store, 'iga-b' as ConnectorId);
}, 60_000);
afterAll(async () => gw?.stop());

const big = (bytes: number) => 'x'.repeat(bytes);

describe('limits', { timeout: TEST_TIMEOUT_MS }, () => {
  it('refuses bodies over the limit with 413 on SCIM, admin and webhook routes, storing nothing', async () => {
    const before = await gw.store.events.lastSeq();
    const scim = await fetch(`${gw.url}/scim/v2/Users`, {
      method: 'POST', headers: { authorization: `Bearer ${b}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'big', nickName: big(200_000) }),
    });
    expect(scim.status).toBe(413);
    expect(((await scim.json()) as { status: string }).status).toBe('413');
    const admin = await fetch(`${gw.url}/api/v1/mappings/validate`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: big(200_000) }),
    });
    expect(admin.status).toBe(413);
    const { headers, body } = standardWebhookHeaders({ secret: SECRET, id: 'evt_big', body: JSON.stringify({ type: 'x', pad: big(2_000_000) }) });
    const hook = await fetch(`${gw.url}/webhooks/pam-events`, { method: 'POST', headers, body });
    expect([413, 404]).toContain(hook.status);
    expect(await gw.store.events.lastSeq()).toBe(before);
    expect((await gw.store.inbox.countByStatus()).pending ?? 0).toBe(0);
  });

  it("answers 429 with Retry-After to a connector over its rate, and not to another connector", async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, () =>
      fetch(`${gw.url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${a}` } })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(burst.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    const other = await fetch(`${gw.url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${b}` } });
    expect(other.status).toBe(200);
    await Promise.all(burst.map((r) => r.text()));
  });

  it('answers every one of a burst of concurrent connections, and stays up', async () => {
    const n = sizes.crashEvents >= 10_000 ? 2_000 : 400;
    const answers = await Promise.all(Array.from({ length: n }, async () => {
      try {
        const r = await fetch(`${gw.url}/api/v1/findings`, { headers: { authorization: `Bearer ${gw.adminToken}` }, signal: AbortSignal.timeout(60_000) });
        await r.arrayBuffer();
        return { status: r.status, retryAfter: r.headers.get('retry-after') };
      } catch (e) {
        return { status: 0, retryAfter: (e as Error).message };
      }
    }));
    const byStatus = new Map<number, number>();
    for (const x of answers) byStatus.set(x.status, (byStatus.get(x.status) ?? 0) + 1);
    reportFigure('limits-burst', { connections: n, statuses: JSON.stringify(Object.fromEntries(byStatus)) });
    expect(answers.filter((x) => ![200, 429, 503].includes(x.status))).toEqual([]);
    expect(answers.filter((x) => x.status !== 200 && x.retryAfter === null)).toEqual([]);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});
