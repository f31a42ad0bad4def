/** `POST /api/v1/reconcile` on the real gateway: admin token only, runs a full pass and answers its report. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGateway, startTestGateway } from '../../support/gateway.ts';

const EXAMPLES = fileURLToPath(new URL('../../../mappings/examples', import.meta.url));
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ config: { settings: { mappingsDir: EXAMPLES } } });
});
afterAll(async () => { await gw?.stop(); });

const post = (headers: Record<string, string>) => fetch(`${gw.url}/api/v1/reconcile`, { method: 'POST', headers });

describe('reconcile now', () => {
  it('refuses a request without the admin token', async () => {
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'content-type': 'application/json', authorization: 'Bearer lsa_wrong' })).status).toBe(401);
  });

  it('refuses a cross-site request even with the token', async () => {
    const r = await post({ 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}`, origin: 'https://evil.example' });
    expect(r.status).toBe(403);
  });

  it('runs a full reconciliation and answers its report', async () => {
    const r = await post({ 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { ran: boolean; report: { startedAt: string; assignments: number; connectors: unknown[] } };
    expect(body.ran).toBe(true);
    expect(body.report.assignments).toBe(0);
    expect(Date.parse(body.report.startedAt)).not.toBeNaN();
  });
});
