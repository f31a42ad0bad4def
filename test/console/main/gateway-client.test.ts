import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../console/main/gateway-client.ts';
import { ConsoleApiError, type ConsoleEvent } from '../../../console/shared/api-types.ts';
import type { ConsoleApi } from '../../../console/shared/console-api.ts';
import { type AdminGateway, startAdminGateway } from '../../gateway/admin/admin-harness.ts';

let h: AdminGateway;
let api: ConsoleApi;
beforeAll(async () => {
  h = await startAdminGateway();
  api = createGatewayClient({ got, baseUrl: h.gw.url, token: h.token, reconnectMs: 100 });
});
afterAll(async () => {
  await h?.gw.stop();
});

describe('main-process gateway client (got)', () => {
  it('calls the admin API with the token it holds', async () => {
    expect((await api.health()).findings.open).toBe(6);
    const page = await api.listFindings({ severity: 'critical' });
    expect(page.items.map((f) => f.kind)).toEqual(['pam-grant-without-entitlement']);
    expect((await api.listConnectors()).map((c) => c.id)).toEqual(['cyberark-prod', 'sailpoint']);
    expect(await api.verifyLedger()).toMatchObject({ ok: true });
  });

  it('turns the error envelope into a ConsoleApiError with status and details', async () => {
    const e = await api.listFindings({ severity: 'extreme' as never }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConsoleApiError);
    expect((e as ConsoleApiError).status).toBe(400);
    expect((e as ConsoleApiError).body.code).toBe('invalid_request');
    const wrong = createGatewayClient({ got, baseUrl: h.gw.url, token: 'lsa_wrong' });
    await expect(wrong.health()).rejects.toMatchObject({ status: 401 });
  });

  it('streams live events', async () => {
    const seen: ConsoleEvent[] = [];
    const stop = api.subscribe((e) => seen.push(e));
    try {
      for (let i = 0; i < 100 && seen.length === 0; i++) {
        await h.gw.store.events.append({ type: 'finding.changed', subject: 'x', actor: 'test', payload: { i }, occurredAt: new Date().toISOString() });
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stop();
    }
    expect(seen[0]).toMatchObject({ type: 'finding.changed' });
  });
});
