import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/domain/clock.ts';
import { startBeyondTrustFake, type BeyondTrustState } from './beyondtrust/beyondtrust-fake.ts';
import { sendPraEvent } from './beyondtrust/pra-event-sender.ts';
import type { Fake } from './fake-server.ts';

const BASE = '/BeyondTrust/api/public/v3';
const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = new ManualClock(T0);
let bt: Fake<BeyondTrustState>;
let cookie: string;

const signIn = async (auth = 'PS-Auth key=bt-api-key; runas=lockstep;') => fetch(`${bt.url}${BASE}/Auth/SignAppin`, { method: 'POST', headers: { authorization: auth } });
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${bt.url}${BASE}${path}`, { ...init, headers: { cookie, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const request = { SystemID: 12, AccountID: 34, DurationMinutes: 30, Reason: 'change CHG-1', AccessType: 'RDP', TicketNumber: 'CHG-1' };

beforeEach(async () => {
  clock = new ManualClock(T0);
  bt = await startBeyondTrustFake({ clock });
  const res = await signIn();
  expect(res.status).toBe(200);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
});
afterEach(() => bt.close());

describe('BeyondTrust Password Safe fake', () => {
  it('signs in with PS-Auth and a session cookie; refuses a wrong key, a missing cookie and an expired session', async () => {
    expect(cookie).toMatch(/^ASP\.NET_SessionId=/);
    expect((await signIn('PS-Auth key=wrong; runas=lockstep;')).status).toBe(401);
    expect((await fetch(`${bt.url}${BASE}/Requests`)).status).toBe(401);
    expect((await call('/Requests')).status).toBe(200);
    bt.state.expireSessions();
    expect((await call('/Requests')).status).toBe(401);
  });

  it('creates a request (id), refuses a second open one for the same account, checks in once', async () => {
    const created = await call('/Requests', { method: 'POST', body: JSON.stringify(request), headers: { 'idempotency-key': 'elev-1' } });
    expect(created.status).toBe(201);
    const id = (await created.json()) as number;
    expect(bt.state.requests.get(id)).toMatchObject({ UserName: 'lockstep', Status: 'Approved', TicketNumber: 'CHG-1', DurationMinutes: 30 });
    const dup = await call('/Requests', { method: 'POST', body: JSON.stringify(request), headers: { 'idempotency-key': 'elev-1' } });
    expect(dup.status).toBe(409);
    expect(bt.calls.effectsByKey().get('elev-1')).toBe(1);
    const reuse = await call('/Requests', { method: 'POST', body: JSON.stringify({ ...request, ConflictOption: 'reuse' }) });
    expect(await reuse.json()).toBe(id);
    const list = (await (await call('/Requests?status=active')).json()) as { RequestID: number }[];
    expect(list.map((r) => r.RequestID)).toEqual([id]);
    expect((await call(`/Requests/${id}/Checkin`, { method: 'PUT', body: JSON.stringify({ Reason: 'revoked' }) })).status).toBe(204);
    expect(bt.state.requests.get(id)).toMatchObject({ Status: 'Released', CheckinReason: 'revoked' });
    expect((await call(`/Requests/${id}/Checkin`, { method: 'PUT', body: '{}' })).status).toBe(409);
    expect((await call('/Requests/999/Checkin', { method: 'PUT', body: '{}' })).status).toBe(404);
  });

  it('validates the request body and lets an approver decide pending requests', async () => {
    expect((await call('/Requests', { method: 'POST', body: JSON.stringify({ ...request, DurationMinutes: 0 }) })).status).toBe(400);
    expect((await call('/Requests', { method: 'POST', body: JSON.stringify({ ...request, AccessType: 'Telnet' }) })).status).toBe(400);
    bt.state.autoApprove = false;
    const id = (await (await call('/Requests', { method: 'POST', body: JSON.stringify(request) })).json()) as number;
    expect(bt.state.requests.get(id)!.Status).toBe('Pending');
    expect((await call(`/Requests/${id}/Deny`, { method: 'PUT', body: JSON.stringify({ Reason: 'no approved context' }) })).status).toBe(204);
    expect(bt.state.requests.get(id)).toMatchObject({ Status: 'Denied', DecisionReason: 'no approved context' });
    expect((await call(`/Requests/${id}/Approve`, { method: 'PUT', body: '{}' })).status).toBe(409);
  });

  it('accepts .NET-style property casing and terminates active requests by account or user', async () => {
    const a = (await (await call('/Requests', { method: 'POST', body: JSON.stringify({ SystemId: 1, AccountId: 2, DurationMinutes: 60, Reason: 'x' }) })).json()) as number;
    const b = (await (await call('/Requests', { method: 'POST', body: JSON.stringify({ SystemId: 1, AccountId: 3, DurationMinutes: 60, Reason: 'x' }) })).json()) as number;
    expect(bt.state.requests.get(a)).toMatchObject({ SystemID: 1, AccountID: 2 });
    const c = (await (await call('/Requests', { method: 'POST', body: JSON.stringify({ SystemID: 1, AccountID: 4, DurationMinutes: 60 }) })).json()) as number;
    expect((await call(`/Requests/${c}/Deny`, { method: 'PUT', body: JSON.stringify({ Reason: 'cancel active' }) })).status).toBe(204);
    expect(bt.state.requests.get(c)!.Status).toBe('Denied');
    expect((await call('/ManagedAccounts/2/Requests/Terminate', { method: 'POST', body: JSON.stringify({ Reason: 'revoked' }) })).status).toBe(204);
    expect(bt.state.requests.get(a)!.Status).toBe('Released');
    expect(bt.state.requests.get(b)!.Status).toBe('Approved');
    expect((await call('/Users/1/Requests/Terminate', { method: 'POST', body: '{}' })).status).toBe(204);
    expect(bt.state.openRequests()).toEqual([]);
    expect((await call(`/Requests/${b}/Deny`, { method: 'PUT', body: '{}' })).status).toBe(409);
  });

  it('expires approved requests with the clock', async () => {
    const id = (await (await call('/Requests', { method: 'POST', body: JSON.stringify(request) })).json()) as number;
    clock.advance(31 * 60_000);
    expect(bt.state.openRequests()).toEqual([]);
    expect(bt.state.requests.get(id)!.Status).toBe('Expired');
  });
});

describe('BeyondTrust user groups', () => {
  it('adds users by name or id, 409 on a repeat, lists members, removes, then 404', async () => {
    bt.state.addUserGroup(7, 'Finance Admins');
    expect((await call('/Users/bob/UserGroups/7', { method: 'POST' })).status).toBe(201);
    expect((await call('/Users/bob/UserGroups/7', { method: 'POST' })).status).toBe(409);
    const members = (await (await call('/UserGroups/7/Users')).json()) as { UserID: number; UserName: string }[];
    expect(members.map((m) => m.UserName)).toEqual(['bob']);
    expect((await call(`/Users/${members[0]!.UserID}/UserGroups/7`, { method: 'DELETE' })).status).toBe(200);
    expect((await call('/Users/bob/UserGroups/7', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/Users/bob/UserGroups/99', { method: 'POST' })).status).toBe(404);
    expect(bt.calls.stateChanges().get('usergroup:7/user:bob')).toBe(2);
  });
});

describe('PRA outbound event sender', () => {
  it('posts form-encoded events with lsid', async () => {
    let received: { type: string; body: string } | undefined;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received = { type: req.headers['content-type'] ?? '', body };
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await sendPraEvent(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/pra`, { event: 'support_conference_end', lsid: 'abc123', external_key: 'CHG-1' });
      expect(res.status).toBe(200);
      expect(received!.type).toBe('application/x-www-form-urlencoded');
      const form = new URLSearchParams(received!.body);
      expect(form.get('event')).toBe('support_conference_end');
      expect(form.get('lsid')).toBe('abc123');
      expect(form.get('external_key')).toBe('CHG-1');
      expect(form.get('version')).toBe('1.0');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
