/** The admin API on the PostgreSQL store: the same answers as on SQLite for paging, resolution, ledger and events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, HealthSummary, PageOf, ResolveConflictResult } from '../../../console/shared/api-types.ts';
import { createSseParser } from '../../../console/shared/sse-parser.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { type AdminGateway, startAdminGateway } from './admin-harness.ts';

let h: AdminGateway;
let drop: () => Promise<void>;
beforeAll(async () => {
  const fresh = await freshSchema();
  drop = fresh.drop;
  h = await startAdminGateway({ LOCKSTEP_DATABASE_URL: PG_URL, LOCKSTEP_DATABASE_SCHEMA: fresh.schema });
});
afterAll(async () => {
  await h?.gw.stop();
  await drop?.();
});

describe('admin API on PostgreSQL', () => {
  it('summarises, pages findings by severity, resolves a conflict into the ledger, and streams its event', async () => {
    expect(h.gw.store.dialect).toBe('postgres');
    const health = (await (await h.api('/health')).json()) as HealthSummary;
    expect(health.findings.open).toBe(6);
    const page = (await (await h.api('/findings?sort=severity&order=desc&count=3')).json()) as PageOf<Finding>;
    expect(page.items.map((f) => f.severity)).toEqual(['critical', 'high', 'high']);
    const stream = await h.api('/events');
    const res = await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, { body: { action: 'revoke', by: 'carol', reason: 'not needed' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResolveConflictResult;
    expect(body.applied.map((a) => a.kind)).toEqual(['revoke', 'propose-to-iga']);
    expect(await (await h.api('/ledger/verify')).json()).toMatchObject({ ok: true });
    let resolved: unknown;
    const feed = createSseParser((m) => {
      const e = JSON.parse(m.data) as { type: string; subject: string };
      if (e.type === 'conflict.changed' && e.subject === h.seeded.bothSidesChanged) resolved = e;
    });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    while (!resolved) {
      const r = await reader.read();
      if (r.done) break;
      feed(r.value);
    }
    await reader.cancel();
    expect(resolved).toMatchObject({ actor: 'carol', payload: { action: 'revoke', status: 'resolved' } });
  });
});
