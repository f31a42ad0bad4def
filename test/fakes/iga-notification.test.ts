import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIgaNotificationFake, type IgaState } from './iga/iga-notification-fake.ts';
import type { Fake } from './fake-server.ts';

let iga: Fake<IgaState>;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (path: string, ops: unknown[], auth = 'Bearer iga-token') =>
  fetch(`${iga.url}/scim/v2${path}`, { method: 'PATCH', headers: { authorization: auth, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: [PATCH_OP], Operations: ops }) });

beforeEach(async () => {
  iga = await startIgaNotificationFake({ basic: { username: 'sailpoint', password: 'pw' } });
  iga.state.addUser('u-bob', 'bob');
  iga.state.addGroup('g-fin', 'Finance Admins', ['u-bob', 'u-carol']);
});
afterEach(() => iga.close());

describe('IGA notification fake', () => {
  it('deactivates a user by PATCH (path and value forms); a repeat has no effect', async () => {
    expect((await patch('/Users/u-bob', [{ op: 'replace', path: 'active', value: false }])).status).toBe(200);
    expect(iga.state.users.get('u-bob')!.active).toBe(false);
    const again = await patch('/Users/u-bob', [{ op: 'Replace', value: { active: false } }]);
    expect(await again.json()).toMatchObject({ id: 'u-bob', active: false });
    expect(iga.calls.stateChanges().get('user:u-bob')).toBe(1);
  });

  it('removes and adds group members in both SCIM forms', async () => {
    await patch('/Groups/g-fin', [{ op: 'remove', path: 'members[value eq "u-bob"]' }]);
    expect([...iga.state.groups.get('g-fin')!.members]).toEqual(['u-carol']);
    await patch('/Groups/g-fin', [{ op: 'remove', path: 'members', value: [{ value: 'u-carol' }] }, { op: 'add', path: 'members', value: [{ value: 'u-dan' }] }]);
    expect([...iga.state.groups.get('g-fin')!.members]).toEqual(['u-dan']);
  });

  it('checks bearer and basic auth; rejects non-PatchOp bodies with a SCIM error', async () => {
    expect((await patch('/Users/u-bob', [], 'Bearer wrong')).status).toBe(401);
    expect((await patch('/Users/u-bob', [{ op: 'replace', path: 'active', value: false }], `Basic ${Buffer.from('sailpoint:pw').toString('base64')}`)).status).toBe(200);
    const bad = await fetch(`${iga.url}/scim/v2/Users/u-bob`, { method: 'PATCH', headers: { authorization: 'Bearer iga-token', 'content-type': 'application/json' }, body: JSON.stringify({ active: false }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    iga.state.strict = true;
    expect((await patch('/Users/nobody', [{ op: 'replace', path: 'active', value: false }])).status).toBe(404);
  });

  it('records generic JSON webhooks', async () => {
    const res = await fetch(`${iga.url}/hooks/pam-disable`, { method: 'POST', headers: { authorization: 'Bearer iga-token', 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bob', event: 'account.disabled' }) });
    expect(res.status).toBe(200);
    expect(iga.state.webhooks).toEqual([expect.objectContaining({ name: 'pam-disable', body: { user: 'bob', event: 'account.disabled' } })]);
    const send = () => fetch(`${iga.url}/lockstep/events`, { method: 'POST', headers: { authorization: 'Bearer iga-token', 'content-type': 'application/json', 'idempotency-key': 'n-1' }, body: '{"type":"account.disabled"}' });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    expect(iga.state.webhooks).toHaveLength(3);
    expect(iga.calls.effectsByKey().get('n-1')).toBe(1);
  });

  it('issues SailPoint-style tokens and records on-demand aggregations', async () => {
    const tok = await fetch(`${iga.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=sailpoint-client&client_secret=secret' });
    const { access_token } = (await tok.json()) as { access_token: string };
    const res = await fetch(`${iga.url}/v2025/sources/src-1/load-accounts`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'disableOptimization=true' });
    expect(res.status).toBe(202);
    expect(iga.state.aggregations).toEqual([{ sourceId: 'src-1', disableOptimization: true }]);
  });
});
