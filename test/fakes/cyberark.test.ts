import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/domain/clock.ts';
import { startCyberArkFake, type CyberArkFakeState } from './cyberark/cyberark-fake.ts';
import { cyberArkAuditRecord, sendCyberArkSyslog } from './cyberark/cyberark-syslog.ts';
import type { Fake } from './fake-server.ts';
import { selfSignedCert } from './tls-cert.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = new ManualClock(T0);
let ca: Fake<CyberArkFakeState>;
let token: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${ca.url}/PasswordVault/api${path}`, { ...init, headers: { authorization: token, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const logon = async (): Promise<string> => {
  const res = await fetch(`${ca.url}/PasswordVault/API/auth/Cyberark/Logon`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lockstep', password: 'secret' }) });
  expect(res.status).toBe(200);
  return (await res.json()) as string;
};
const addBob = (key?: string) =>
  api('/Safes/Finance/Members', {
    method: 'POST',
    headers: key ? { 'idempotency-key': key } : {},
    body: JSON.stringify({ memberName: 'bob', searchIn: 'corp.example', membershipExpirationDate: 1767312000, permissions: { useAccounts: true, retrieveAccounts: true, listAccounts: true } }),
  });

beforeEach(async () => {
  clock = new ManualClock(T0);
  ca = await startCyberArkFake({ clock, tokenTtlMs: 60_000 });
  ca.state.addSafe('Finance');
  token = await logon();
});
afterEach(() => ca.close());

describe('CyberArk PVWA fake', () => {
  it('logs on with a JSON string token, refuses bad credentials and expired tokens', async () => {
    expect(typeof token).toBe('string');
    const bad = await fetch(`${ca.url}/PasswordVault/API/auth/Cyberark/Logon`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lockstep', password: 'nope' }) });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ ErrorCode: expect.any(String), ErrorMessage: expect.stringContaining('lockstep') });
    expect((await api('/Safes')).status).toBe(200);
    clock.advance(61_000);
    const expired = await api('/Safes');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ ErrorCode: 'PASWS006E' });
    token = await logon();
    expect((await api('/Safes')).status).toBe(200);
  });

  it('adds a member with permissions, answers 409 on the second add, reads back, deletes, then 404', async () => {
    const created = await addBob('grant-1');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ memberName: 'bob', permissions: { useAccounts: true, retrieveAccounts: true, listAccounts: true, manageSafe: false } });
    const again = await addBob('grant-1');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ ErrorMessage: expect.stringContaining('already a member') });
    expect(ca.calls.effectsByKey().get('grant-1')).toBe(1);
    const one = await api('/Safes/Finance/Members/BOB');
    expect(await one.json()).toMatchObject({ memberName: 'bob', membershipExpirationDate: 1767312000, isExpiredMembershipEnable: false });
    expect((await api('/Safes/Finance/Members/bob', { method: 'DELETE' })).status).toBe(204);
    const gone = await api('/Safes/Finance/Members/bob', { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(ca.state.memberNames('Finance')).toEqual([]);
    expect(ca.calls.stateChanges().get('safe:Finance/member:bob')).toBe(2);
  });

  it('updates a member\'s permissions (PUT …/Members/{name}/): state changed once per key, a repeat has no effect, unknown member 404', async () => {
    await addBob('grant-1');
    const update = (key: string, permissions: Record<string, boolean>) => fetch(`${ca.url}/PasswordVault/API/Safes/Finance/Members/BOB/`, {
      method: 'PUT', headers: { authorization: token, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ permissions }),
    });
    const first = await update('perm-1', { retrieveAccounts: false, viewAuditLog: true });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ memberName: 'bob', membershipExpirationDate: 1767312000, permissions: { useAccounts: true, retrieveAccounts: false, listAccounts: true, viewAuditLog: true } });
    expect(ca.state.member('Finance', 'bob')!.permissions).toMatchObject({ retrieveAccounts: false, viewAuditLog: true, useAccounts: true });
    expect((await update('perm-1', { retrieveAccounts: false, viewAuditLog: true })).status).toBe(200);
    expect(ca.calls.effectsByKey().get('perm-1')).toBe(1);
    expect((await update('perm-2', { flyAccounts: true })).status).toBe(400);
    const missing = await fetch(`${ca.url}/PasswordVault/API/Safes/Finance/Members/carol/`, { method: 'PUT', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ permissions: {} }) });
    expect(missing.status).toBe(404);
    expect(ca.calls.stateChanges().get('safe:Finance/member:bob')).toBe(2);
  });

  it('rejects invalid permissions and unknown safes in the vendor error shape', async () => {
    const bad = await api('/Safes/Finance/Members', { method: 'POST', body: JSON.stringify({ memberName: 'x', permissions: { flyAccounts: true } }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ErrorCode: 'CAWS00001E' });
    const nosafe = await api('/Safes/Nope/Members');
    expect(nosafe.status).toBe(404);
    expect(await nosafe.json()).toMatchObject({ ErrorMessage: expect.stringContaining('does not exist') });
  });

  it('pages members with offset/limit and nextLink until the last page', async () => {
    for (let i = 0; i < 7; i++) ca.state.putMember('Finance', { memberName: `user${i}` });
    const names: string[] = [];
    let next: string | undefined = 'api/Safes/Finance/Members?offset=0&limit=3';
    let pages = 0;
    while (next) {
      const res = await fetch(`${ca.url}/PasswordVault/${next}`, { headers: { authorization: token } });
      const body = (await res.json()) as { value: { memberName: string }[]; count: number; nextLink?: string };
      expect(body.count).toBe(7);
      names.push(...body.value.map((m) => m.memberName));
      next = body.nextLink;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['user0', 'user1', 'user2', 'user3', 'user4', 'user5', 'user6']);
    const found = (await (await api('/Safes/Finance/Members?search=USER5')).json()) as { value: { memberName: string }[]; count: number };
    expect(found).toMatchObject({ count: 1, value: [{ memberName: 'user5' }] });
  });

  it('grants and revokes JIT administrative access to the caller; expires with the clock', async () => {
    ca.state.addAccount({ id: '12_3', safeName: 'Finance' });
    expect((await api('/Accounts/12_3/grantAdministrativeAccess', { method: 'POST' })).status).toBe(200);
    expect(ca.state.adminAccessHolders('12_3')).toEqual(['lockstep']);
    expect((await api('/Accounts/12_3/RevokeAdministrativeAccess', { method: 'POST' })).status).toBe(200);
    expect(ca.state.adminAccessHolders('12_3')).toEqual([]);
    expect((await api('/Accounts/404/grantAdministrativeAccess', { method: 'POST' })).status).toBe(404);
    await api('/Accounts/12_3/grantAdministrativeAccess', { method: 'POST' });
    clock.advance(60 * 60_000 + 1);
    expect(ca.state.adminAccessHolders('12_3')).toEqual([]);
  });

  it('confirms or rejects dual-control requests once; terminates live sessions', async () => {
    ca.state.addAccount({ id: '7_1', safeName: 'Finance' });
    ca.state.addIncomingRequest({ id: 'R1', requestor: 'bob', accountId: '7_1' });
    ca.state.addIncomingRequest({ id: 'R2', requestor: 'carol', accountId: '7_1' });
    expect((await api('/IncomingRequests/R1/Confirm', { method: 'POST', body: JSON.stringify({ Reason: 'approved context' }) })).status).toBe(200);
    expect(ca.state.incomingRequests.get('R1')).toMatchObject({ Status: 'Confirmed', ConfirmReason: 'approved context' });
    expect((await api('/IncomingRequests/R1/Reject', { method: 'POST', body: '{}' })).status).toBe(409);
    expect((await api('/IncomingRequests/R2/Reject', { method: 'POST', body: JSON.stringify({ Reason: 'no assignment' }) })).status).toBe(200);
    const waiting = (await (await api('/IncomingRequests?onlywaiting=true')).json()) as { Total: number };
    expect(waiting.Total).toBe(0);

    ca.state.addLiveSession({ SessionID: 'S1', User: 'bob' });
    const live = (await (await api('/LiveSessions')).json()) as { LiveSessions: { SessionID: string }[]; Total: number };
    expect(live.LiveSessions.map((s) => s.SessionID)).toEqual(['S1']);
    expect((await api('/LiveSessions/S1/Terminate', { method: 'POST' })).status).toBe(200);
    expect(((await (await api('/LiveSessions')).json()) as { Total: number }).Total).toBe(0);
  });

  it('serves the audit stream with a durable cursor: resume returns only new events', async () => {
    const tokenRes = await fetch(`${ca.url}/oauth2/platformtoken`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=lockstep&client_secret=secret' });
    const platform = ((await tokenRes.json()) as { access_token: string }).access_token;
    const call = async (path: string, body: unknown) =>
      (await (await fetch(`${ca.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${platform}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<string, unknown>;
    for (let i = 0; i < 3; i++) ca.state.audit.append({ action: 'Retrieve password', username: `u${i}` });
    const { cursorRef } = (await call('/api/audits/stream/createQuery', { query: { pageSize: 2 } })) as { cursorRef: string };
    const p1 = (await call('/api/audits/stream/results', { cursorRef })) as { data: { username: string }[]; paging: { cursor: { cursorRef: string } } };
    const p2 = (await call('/api/audits/stream/results', { cursorRef: p1.paging.cursor.cursorRef })) as typeof p1;
    const p3 = (await call('/api/audits/stream/results', { cursorRef: p2.paging.cursor.cursorRef })) as typeof p1;
    expect([...p1.data, ...p2.data].map((e) => e.username)).toEqual(['u0', 'u1', 'u2']);
    expect(p3.data).toEqual([]);
    ca.state.audit.append({ action: 'PSM Connect', username: 'u3' });
    const p4 = (await call('/api/audits/stream/results', { cursorRef: p3.paging.cursor.cursorRef })) as typeof p1;
    expect(p4.data.map((e) => e.username)).toEqual(['u3']);
  });
});

async function receive(server: net.Server, run: (port: number) => Promise<void>): Promise<string> {
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    const onSocket = (s: net.Socket) => {
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => {
        s.end();
        resolve();
      });
    };
    server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', onSocket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await run((server.address() as AddressInfo).port);
  await done;
  await new Promise((r) => server.close(r));
  return Buffer.concat(chunks).toString('utf8');
}

function octetFrames(s: string): string[] {
  const out: string[] = [];
  let buf = Buffer.from(s, 'utf8');
  while (buf.length > 0) {
    const sp = buf.indexOf(0x20);
    const len = Number(buf.subarray(0, sp).toString());
    out.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    buf = buf.subarray(sp + 1 + len);
  }
  return out;
}

describe('CyberArk syslog sender', () => {
  const records = [cyberArkAuditRecord('300', { sessionId: 'S-1', user: 'adrian', Safe: 'PSM' }), cyberArkAuditRecord('302', { sessionId: 'S-1', user: 'adrian' })];

  it('sends octet-counted RFC 5424 frames carrying the JSON audit record, split across writes', async () => {
    const raw = await receive(net.createServer(), (port) => sendCyberArkSyslog('127.0.0.1', port, records, { framing: 'octet', rfc: 5424, chunkSize: 7 }));
    const frames = octetFrames(raw);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/^<165>1 \d{4}-\d\d-\d\dT[\d:]+Z VAULT CyberArk_Vault - 300 - \{/);
    const json = JSON.parse(frames[0]!.slice(frames[0]!.indexOf('{'))) as { syslog: { audit_record: Record<string, string> } };
    expect(json.syslog.audit_record).toMatchObject({ MessageID: '300', Desc: 'PSM Connect', ExtraDetails: 'SessionID=S-1;User=adrian;' });
  });

  it('sends newline-framed RFC 3164 lines over TLS', async () => {
    const { key, cert } = selfSignedCert();
    const raw = await receive(tls.createServer({ key, cert }), (port) => sendCyberArkSyslog('127.0.0.1', port, records, { framing: 'newline', rfc: 3164, tls: { ca: cert } }));
    const lines = raw.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^<165>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d VAULT CyberArk_Vault: \{"syslog":\{"audit_record":\{"MessageID":"302"/);
  });
});
