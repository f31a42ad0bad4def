import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from '../../../console/shared/sse-parser.ts';
import type { EvidenceExport } from '../../../console/shared/api-types.ts';
import { type AdminGateway, startAdminGateway } from './admin-harness.ts';

let h: AdminGateway;
beforeAll(async () => {
  h = await startAdminGateway();
});
afterAll(async () => {
  await h?.gw.stop();
});

describe('evidence export', () => {
  it('exports one entitlement as JSON, CSV and HTML through the domain renderers', async () => {
    const scope = { kind: 'entitlement', entitlementId: h.seeded.entitlementId };
    const json = (await (await h.api('/evidence/export', { body: { scope, format: 'json' } })).json()) as EvidenceExport;
    expect(json.contentType).toContain('application/json');
    const pack = JSON.parse(json.body);
    expect(pack.schema).toBe('lockstep.evidence-pack/1');
    expect(pack.entitlements.map((e: { displayName: string }) => e.displayName)).toEqual(['PAM-PRODDB-Users']);
    expect(pack.assignments).toHaveLength(1);
    expect(pack.findings.map((f: { kind: string }) => f.kind)).toEqual(['review-overdue']);
    expect(pack.ledger.map((l: { action: string }) => l.action)).toEqual(['entitlement.created']);
    const csv = (await (await h.api('/evidence/export', { body: { scope, format: 'csv' } })).json()) as EvidenceExport;
    expect(csv.body.split(/\r?\n/)[0]).toBe('section,id,entitlement,identity,status,at,detail,tags');
    expect(csv.filename).toBe(`evidence-${h.seeded.entitlementId}.csv`);
    const html = await h.api(`/evidence?entitlementId=${h.seeded.entitlementId}&format=html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-disposition')).toContain('.html');
    expect(await html.text()).toContain('PAM-PRODDB-Users');
  });

  it('exports per owner and refuses an ambiguous or malformed scope', async () => {
    const byOwner = await h.api('/evidence?owner=alice&format=json');
    expect(JSON.parse(await byOwner.text()).entitlements).toHaveLength(1);
    expect(JSON.parse(await (await h.api('/evidence?owner=nobody')).text()).entitlements).toHaveLength(0);
    expect((await h.api('/evidence?format=json')).status).toBe(400);
    expect((await h.api('/evidence/export', { body: { scope: { kind: 'entitlement', entitlementId: 'x' }, format: 'pdf' } })).status).toBe(400);
  });

  it('exports a deleted entitlement asked for by id with its history, as the CLI does', async () => {
    const store = h.gw.store;
    const e = (await store.entitlements.get(h.seeded.entitlementId as never))!;
    expect(await store.entitlements.update({ ...e, deletedAt: '2026-01-02T00:00:00.000Z', version: e.version + 1 }, e.version)).toBe(true);
    const pack = JSON.parse(await (await h.api(`/evidence?entitlementId=${h.seeded.entitlementId}&format=json`)).text());
    expect(pack.entitlements).toEqual([expect.objectContaining({ id: h.seeded.entitlementId, displayName: 'PAM-PRODDB-Users' })]);
    expect(pack.assignments).toHaveLength(1);
    expect(pack.ledger.map((l: { action: string }) => l.action)).toContain('entitlement.created');
  });
});

describe('server-sent event stream', () => {
  async function readUntil(res: Response, pred: (m: SseMessage) => boolean): Promise<SseMessage[]> {
    const messages: SseMessage[] = [];
    let done = false;
    const feed = createSseParser((m) => {
      messages.push(m);
      if (pred(m)) done = true;
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    while (!done) {
      const r = await reader.read();
      if (r.done) break;
      feed(r.value);
    }
    await reader.cancel();
    return messages;
  }

  it('delivers a domain event written after connecting, authenticated by the bearer header', async () => {
    const res = await h.api('/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const appended = h.gw.store.events.append({ type: 'finding.changed', subject: 'fnd_x', actor: 'test', payload: { marker: 'live-1' }, occurredAt: new Date().toISOString() });
    const messages = await readUntil(res, (m) => m.data.includes('live-1'));
    const event = await appended;
    const last = messages.at(-1)!;
    expect(last).toMatchObject({ event: 'domain', id: String(event.seq) });
    expect(JSON.parse(last.data)).toMatchObject({ type: 'finding.changed', payload: { marker: 'live-1' } });
  });

  it('resumes after Last-Event-ID with the events missed', async () => {
    const before = await h.gw.store.events.lastSeq();
    await h.gw.store.events.append({ type: 'conflict.changed', subject: 'cfl_x', actor: 'test', payload: { marker: 'missed' }, occurredAt: new Date().toISOString() });
    const res = await h.api('/events', { headers: { 'last-event-id': String(before) } });
    const messages = await readUntil(res, (m) => m.data.includes('missed'));
    expect(messages.map((m) => Number(m.id))).toEqual([before + 1]);
  });
});

describe('event stream and shutdown', () => {
  it('ends open streams when the gateway stops, so shutdown does not wait for them', async () => {
    const other = await startAdminGateway();
    const res = await other.api('/events');
    const reader = res.body!.getReader();
    await reader.read();
    const stopping = other.gw.stop();
    let done = false;
    while (!done) done = (await reader.read().catch(() => ({ done: true }))).done;
    await stopping;
    expect(done).toBe(true);
  });
});
