import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTeleportFake, type TeleportState } from './teleport/teleport-fake.ts';
import { sendTeleportAuditEvent, sendTeleportWebhook, sessionEndEvent, sessionStartEvent, type TeleportAuditEvent } from './teleport/teleport-events.ts';
import type { Fake } from './fake-server.ts';

let tp: Fake<TeleportState>;
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${tp.url}/v1${path}`, { ...init, headers: { authorization: 'Bearer teleport-token', 'content-type': 'application/json', ...(init.headers ?? {}) } });

beforeEach(async () => {
  tp = await startTeleportFake();
});
afterEach(() => tp.close());

describe('Teleport fake (modelled REST)', () => {
  it('lists pending requests, approves one with a reason, refuses to flip a resolved request', async () => {
    expect((await fetch(`${tp.url}/v1/access-requests`)).status).toBe(401);
    const r = tp.state.addRequest({ user: 'bob', roles: ['db-admin'], reason: 'INC-9' });
    const pending = (await (await call('/access-requests?state=pending')).json()) as { items: { id: string }[] };
    expect(pending.items.map((i) => i.id)).toEqual([r.id]);
    const ok = await call(`/access-requests/${r.id}/state`, { method: 'PUT', body: JSON.stringify({ state: 'APPROVED', reason: 'matches assignment' }) });
    expect(ok.status).toBe(200);
    expect(tp.state.requests.get(r.id)).toMatchObject({ state: 'APPROVED', resolve_reason: 'matches assignment' });
    expect((await call(`/access-requests/${r.id}/state`, { method: 'PUT', body: JSON.stringify({ state: 'APPROVED' }) })).status).toBe(200);
    expect((await call(`/access-requests/${r.id}/state`, { method: 'PUT', body: JSON.stringify({ state: 'DENIED' }) })).status).toBe(409);
    expect(tp.calls.stateChanges().get(`request:${r.id}`)).toBe(1);
    const r2 = tp.state.addRequest({ user: 'carol', roles: ['db-admin'] });
    expect((await call(`/access-requests/${r2.id}/deny`, { method: 'POST', body: JSON.stringify({ reason: 'no assignment' }) })).status).toBe(200);
    expect(tp.state.requests.get(r2.id)).toMatchObject({ state: 'DENIED', resolve_reason: 'no assignment' });
    expect((await call(`/access-requests/${r2.id}/approve`, { method: 'POST', body: '{}' })).status).toBe(409);
  });

  it('upserts locks with PUT: a repeat changes nothing', async () => {
    const body = JSON.stringify({ target: { user: 'bob' }, message: 'elevation ended' });
    expect((await call('/locks', { method: 'PUT', body })).status).toBe(201);
    expect((await call('/locks', { method: 'PUT', body })).status).toBe(200);
    expect(tp.state.lockedUsers()).toEqual(['bob']);
    expect(tp.calls.effectCount()).toBe(1);
  });

  it('creates and deletes locks', async () => {
    const res = await call('/locks', { method: 'POST', body: JSON.stringify({ name: 'lock-bob', target: { user: 'bob' }, message: 'revoked in IGA' }) });
    expect(res.status).toBe(201);
    expect(tp.state.lockedUsers()).toEqual(['bob']);
    expect((await call('/locks', { method: 'POST', body: JSON.stringify({ name: 'lock-bob', target: { user: 'bob' } }) })).status).toBe(409);
    expect((await call('/locks', { method: 'POST', body: JSON.stringify({ target: {} }) })).status).toBe(400);
    expect((await call('/locks/lock-bob', { method: 'DELETE' })).status).toBe(204);
    expect(tp.state.lockedUsers()).toEqual([]);
  });

  it('pages audit events by lastKey, including the events request changes produce', async () => {
    const r = tp.state.addRequest({ user: 'bob', roles: ['db-admin'] });
    await call(`/access-requests/${r.id}/state`, { method: 'PUT', body: JSON.stringify({ state: 'DENIED', reason: 'no assignment' }) });
    tp.state.appendEvent(sessionStartEvent({ sid: 's1', user: 'bob' }));
    const p1 = (await (await call('/events?limit=2')).json()) as { events: TeleportAuditEvent[]; lastKey: string };
    expect(p1.events.map((e) => e.code)).toEqual(['T5000I', 'T5001I']);
    const p2 = (await (await call(`/events?limit=2&startKey=${p1.lastKey}`)).json()) as typeof p1;
    expect(p2.events.map((e) => e.event)).toEqual(['session.start']);
    const p3 = (await (await call(`/events?limit=2&startKey=${p2.lastKey}`)).json()) as typeof p1;
    expect(p3).toEqual({ events: [], lastKey: p2.lastKey });
  });
});

describe('Teleport senders', () => {
  it('posts the webhooks plugin body with basic auth, and audit events', async () => {
    const got: { auth: string; body: Record<string, unknown> }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization ?? '', body: JSON.parse(body) as Record<string, unknown> });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/teleport`;
    try {
      await sendTeleportWebhook(url, { RequestID: 'r1', User: 'bob', Roles: ['db-admin'], State: 'Pending', CreatedAt: '2026-01-01T00:00:00Z' }, { username: 'tp', password: 'pw' });
      await sendTeleportAuditEvent(url, sessionEndEvent({ sid: 's1', user: 'bob', start: '2026-01-01T00:00:00Z' }));
      expect(got[0]).toEqual({ auth: `Basic ${Buffer.from('tp:pw').toString('base64')}`, body: { RequestID: 'r1', User: 'bob', Roles: ['db-admin'], State: 'Pending', CreatedAt: '2026-01-01T00:00:00Z' } });
      expect(got[1]!.body).toMatchObject({ event: 'session.end', code: 'T2004I', sid: 's1', user: 'bob' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
