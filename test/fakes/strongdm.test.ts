import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/domain/clock.ts';
import { normalise } from '../../mappings/lib/index.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import { signStrongDmRequest, startStrongDmFake, type StrongDmActivity, type StrongDmState } from './strongdm/strongdm-fake.ts';
import type { Fake } from './fake-server.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = new ManualClock(T0);
let sdm: Fake<StrongDmState>;

const call = (method: string, pathAndQuery: string, body?: unknown, secret = 'sdm-secret') => {
  const path = pathAndQuery.split('?')[0]!;
  const text = body === undefined ? '' : JSON.stringify(body);
  return fetch(`${sdm.url}${pathAndQuery}`, {
    method,
    headers: { 'x-sdm-authentication': 'sdm-access-key', 'x-sdm-signature': signStrongDmRequest(secret, method, path, text, clock.now()), 'content-type': 'application/json' },
    body: body === undefined ? undefined : text,
  });
};

beforeEach(async () => {
  clock = new ManualClock(T0);
  sdm = await startStrongDmFake({ clock });
});
afterEach(() => sdm.close());

describe('StrongDM fake (modelled)', () => {
  it('refuses a bad signature, a signature of another day and bearer tokens; accepts a signed request', async () => {
    expect((await call('GET', '/v1/activities', undefined, 'wrong')).status).toBe(401);
    expect((await fetch(`${sdm.url}/v1/activities`)).status).toBe(401);
    expect((await fetch(`${sdm.url}/v1/activities`, { headers: { authorization: 'Bearer sdm-token' } })).status).toBe(401);
    const stale = signStrongDmRequest('sdm-secret', 'GET', '/v1/activities', '', clock.now() - 3 * 86_400_000);
    expect((await fetch(`${sdm.url}/v1/activities`, { headers: { 'x-sdm-authentication': 'sdm-access-key', 'x-sdm-signature': stale } })).status).toBe(401);
    expect((await call('GET', '/v1/activities')).status).toBe(200);
  });

  it('pages activities by cursor; resuming with the last cursor yields only appended items', async () => {
    sdm.state.appendActivity('requested', { user: 'bob@example.test', resource: 'pg-prod', requestId: 'ar-1' });
    sdm.state.appendActivity('granted', { user: 'bob@example.test', actor: 'approver@example.test', resource: 'pg-prod', requestId: 'ar-1' });
    sdm.state.appendActivity('userSuspended', { user: 'eve@example.test' });
    type Page = { activities: StrongDmActivity[]; nextCursor: string; meta: { nextCursor: string }; hasMore: boolean };
    const p1 = (await (await call('GET', '/v1/activities?limit=2')).json()) as Page;
    expect(p1.activities.map((a) => a.verb)).toEqual(['access requested to resource', 'access request to resource granted']);
    expect(p1.activities[1]).toMatchObject({ actor: { email: 'approver@example.test' }, entities: [{ type: 'user', email: 'bob@example.test' }, { type: 'datasource', name: 'pg-prod' }, { type: 'access_request', id: 'ar-1' }] });
    expect(p1.hasMore).toBe(true);
    expect(p1.meta.nextCursor).toBe(p1.nextCursor);
    const p2 = (await (await call('GET', `/v1/activities?limit=2&after=${p1.meta.nextCursor}`)).json()) as Page;
    expect(p2.activities.map((a) => a.verb)).toEqual(['user suspended']);
    expect(p2.hasMore).toBe(false);
    sdm.state.appendActivity('timedOut', { user: 'bob@example.test', resource: 'pg-prod' });
    const p3 = (await (await call('GET', `/v1/activities?limit=2&cursor=${p2.nextCursor}`)).json()) as Page;
    expect(p3.activities.map((a) => a.verb)).toEqual(['access request to resource timed out']);
    expect((await call('GET', '/v1/activities?cursor=garbage')).status).toBe(400);
  });

  it("records the SDK's verbs and entity types, which the shipped profile reads into events with target and request id", async () => {
    const loaded = await loadMappingDirs(BUILTIN_DIRS);
    if (!loaded.ok) throw new Error(loaded.error.map((e) => e.message).join('; '));
    const profile = loaded.value.profiles.get('strongdm')!;
    const who = { user: 'bob@example.test', actor: 'approver@example.test', resource: 'pg-prod', requestId: 'ar-1' };
    sdm.state.appendActivity('requested', { ...who, actor: who.user });
    sdm.state.appendActivity('granted', who);
    sdm.state.appendActivity('grantedAutomatically', { ...who, actor: who.user });
    sdm.state.appendActivity('denied', who);
    sdm.state.appendActivity('timedOut', who);
    sdm.state.appendActivity('userSuspended', { user: 'eve@example.test', actor: 'admin@example.test' });
    const page = (await (await call('GET', '/v1/activities')).json()) as { activities: StrongDmActivity[] };
    const events = [];
    for (const a of page.activities) {
      const r = await normalise(profile, { connectorId: 'sdm', body: JSON.stringify(a), contentType: 'application/json', channel: 'poll' });
      expect(r.status, `${a.verb}: ${r.reasons.join('; ')}`).toBe('recognised');
      events.push(...r.events.map((e) => ({ type: e.type, principal: e.principal, target: e.target, externalId: e.externalId })));
    }
    const elevation = { principal: 'bob@example.test', target: { kind: 'resource', ref: 'pg-prod' }, externalId: 'ar-1' };
    expect(events).toEqual([
      { type: 'elevation.requested', ...elevation },
      { type: 'elevation.approved', ...elevation },
      { type: 'elevation.approved', ...elevation },
      { type: 'elevation.denied', ...elevation },
      { type: 'elevation.expired', ...elevation },
      { type: 'account.disabled', principal: 'eve@example.test', target: undefined, externalId: page.activities[5]!.id },
    ]);
  });

  it('creates a grant, 409 AlreadyExists on a duplicate, lists by account, deletes, then 404', async () => {
    const grant = { accountId: 'a-bob', resourceId: 'rs-pg', startFrom: '2026-01-01T00:00:00Z', validUntil: '2026-01-01T01:00:00Z' };
    const res = await call('POST', '/v1/account-grants', { accountGrant: grant });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { accountGrant: { id: string } }).accountGrant.id;
    const dup = await call('POST', '/v1/accountgrants', grant);
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: 'AlreadyExists' });
    const list = (await (await call('GET', `/v1/account-grants?filter=${encodeURIComponent('accountid:a-bob resourceid:rs-pg')}`)).json()) as { accountGrants: { id: string }[] };
    expect(list.accountGrants.map((g) => g.id)).toEqual([id]);
    const none = (await (await call('GET', `/v1/account-grants?filter=${encodeURIComponent('accountid:a-bob resourceid:rs-other')}`)).json()) as { accountGrants: unknown[] };
    expect(none.accountGrants).toEqual([]);
    expect((await call('GET', '/v1/account-grants?filter=nonsense')).status).toBe(400);
    expect((await call('DELETE', `/v1/account-grants/${id}`)).status).toBe(200);
    expect((await call('DELETE', `/v1/account-grants/${id}`)).status).toBe(404);
    expect(sdm.state.activeGrants()).toEqual([]);
  });

  it('pages grants with meta.nextCursor and manages role attachments', async () => {
    for (let i = 0; i < 5; i++) sdm.state.addGrant({ accountId: `a-${i}`, resourceId: 'rs-pg', startFrom: '2026-01-01T00:00:00Z', validUntil: null });
    const ids: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const body = (await (await call('GET', `/v1/account-grants?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { accountGrants: { accountId: string }[]; meta: { nextCursor?: string } };
      ids.push(...body.accountGrants.map((g) => g.accountId));
      if (!body.meta.nextCursor) break;
      cursor = body.meta.nextCursor;
    }
    expect(ids).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    const att = await call('POST', '/v1/account-attachments', { accountAttachment: { accountId: 'a-bob', roleId: 'r-dba' } });
    const attId = ((await att.json()) as { accountAttachment: { id: string } }).accountAttachment.id;
    expect((await call('POST', '/v1/account-attachments', { accountAttachment: { accountId: 'a-bob', roleId: 'r-dba' } })).status).toBe(409);
    expect((await call('DELETE', `/v1/account-attachments/${attId}`)).status).toBe(200);
    expect((await call('DELETE', `/v1/account-attachments/${attId}`)).status).toBe(404);
    expect(sdm.calls.stateChanges().get('attachment:a-bob/r-dba')).toBe(2);
  });

  it('treats a grant past validUntil as inactive, so a new one may be created', async () => {
    await call('POST', '/v1/accountgrants', { accountId: 'a-bob', resourceId: 'rs-pg', startFrom: '2026-01-01T00:00:00Z', validUntil: '2026-01-01T00:30:00Z' });
    clock.advance(31 * 60_000);
    expect(sdm.state.activeGrants()).toEqual([]);
    expect((await call('POST', '/v1/accountgrants', { accountId: 'a-bob', resourceId: 'rs-pg' })).status).toBe(200);
  });
});
