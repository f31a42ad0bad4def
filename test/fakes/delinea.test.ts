import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/domain/clock.ts';
import { startDelineaFake, type DelineaState } from './delinea/delinea-fake.ts';
import type { Fake } from './fake-server.ts';

const API = '/SecretServer/api/v1';
const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = new ManualClock(T0);
let ss: Fake<DelineaState>;
let token: string;

const oauth = async (body: string, path = '/SecretServer/oauth2/token') =>
  fetch(`${ss.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${ss.url}${API}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

beforeEach(async () => {
  clock = new ManualClock(T0);
  ss = await startDelineaFake({ clock, tokenTtlSeconds: 60 });
  ss.state.addSecret({ id: 42, name: 'db-prod' });
  const body = (await (await oauth('grant_type=password&username=lockstep&password=secret')).json()) as { access_token: string; expires_in: number };
  expect(body.expires_in).toBe(60);
  token = body.access_token;
});
afterEach(() => ss.close());

describe('Delinea Secret Server fake', () => {
  it('issues tokens by password, client credentials and refresh; expires them', async () => {
    expect((await oauth('grant_type=password&username=lockstep&password=bad')).status).toBe(400);
    const cc = (await (await oauth('grant_type=client_credentials&client_id=lockstep-client&client_secret=secret', '/oauth2/token')).json()) as { refresh_token: string };
    const refreshed = await oauth(`grant_type=refresh_token&refresh_token=${cc.refresh_token}`);
    expect(refreshed.status).toBe(200);
    clock.advance(61_000);
    const expired = await call('/secret-permissions');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ errorCode: 'API_AuthenticationFailed' });
  });

  it('creates a permission, 400 "already" on the same principal again, lists with paging, deletes, then 404', async () => {
    const created = await call('/secret-permissions', { method: 'POST', headers: { 'idempotency-key': 'g1' }, body: JSON.stringify({ secretId: 42, secretAccessRoleName: 'View', userName: 'bob' }) });
    expect(created.status).toBe(200);
    const perm = (await created.json()) as { id: number; secretAccessRoleName: string; userName: string };
    expect(perm).toMatchObject({ secretAccessRoleName: 'View', userName: 'bob' });
    const dup = await call('/secret-permissions', { method: 'POST', headers: { 'idempotency-key': 'g1' }, body: JSON.stringify({ secretId: 42, secretAccessRoleName: 'Edit', userName: 'BOB' }) });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { message: string }).message).toContain('already');
    expect(ss.calls.effectsByKey().get('g1')).toBe(1);
    for (const g of ['g-a', 'g-b', 'g-c']) ss.state.addPermission({ secretId: 42, role: 'List', groupName: g });
    const p1 = (await (await call('/secret-permissions?filter.secretId=42&skip=0&take=3')).json()) as { records: unknown[]; total: number; hasNext: boolean; nextSkip: number };
    expect(p1).toMatchObject({ total: 4, hasNext: true, nextSkip: 3 });
    expect(p1.records).toHaveLength(3);
    const p2 = (await (await call(`/secret-permissions?filter.secretId=42&skip=${p1.nextSkip}&take=3`)).json()) as { records: unknown[]; hasNext: boolean };
    expect(p2.records).toHaveLength(1);
    expect(p2.hasNext).toBe(false);
    expect((await call(`/secret-permissions/${perm.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/secret-permissions/${perm.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(ss.state.permissionsOf(42).some((p) => p.userName === 'bob')).toBe(false);
  });

  it('updates a permission\'s access role by its id; the same role again changes nothing; 404 and 400 as Secret Server answers', async () => {
    const perm = ss.state.addPermission({ secretId: 42, role: 'List', userName: 'bob' });
    const update = (id: number, body: Record<string, unknown>, key = 'u1') =>
      call(`/secret-permissions/${id}`, { method: 'PUT', headers: { 'idempotency-key': key }, body: JSON.stringify(body) });
    const res = await update(perm.id, { id: perm.id, secretId: 42, secretAccessRoleName: 'Edit' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: perm.id, secretId: 42, secretAccessRoleName: 'Edit', secretAccessRoleId: 3, userName: 'bob' });
    expect(ss.state.permissions.get(perm.id)).toMatchObject({ secretAccessRoleName: 'Edit', secretAccessRoleId: 3 });
    expect((await update(perm.id, { id: perm.id, secretId: 42, secretAccessRoleName: 'Edit' })).status).toBe(200);
    expect(ss.calls.effectsByKey().get('u1')).toBe(1);
    expect(ss.calls.stateChanges().get('secret:42/principal:bob')).toBe(1);
    const missing = await update(perm.id + 100, { id: perm.id + 100, secretId: 42, secretAccessRoleName: 'View' }, 'u2');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: 'API_SecretPermissionNotFound' });
    expect((await update(perm.id, { id: perm.id + 1, secretId: 42, secretAccessRoleName: 'View' }, 'u3')).status).toBe(400);
    expect((await update(perm.id, { id: perm.id, secretId: 7, secretAccessRoleName: 'View' }, 'u3')).status).toBe(400);
    expect((await update(perm.id, { id: perm.id, secretId: 42, secretAccessRoleName: 'Admin' }, 'u3')).status).toBe(400);
    expect(ss.state.permissions.get(perm.id)?.secretAccessRoleName).toBe('Edit');
    expect(ss.calls.effectsByKey().get('u3')).toBeUndefined();
  });

  it('validates roles and principals', async () => {
    expect((await call('/secret-permissions', { method: 'POST', body: JSON.stringify({ secretId: 42, secretAccessRoleName: 'Admin', userName: 'bob' }) })).status).toBe(400);
    expect((await call('/secret-permissions', { method: 'POST', body: JSON.stringify({ secretId: 42, secretAccessRoleName: 'View' }) })).status).toBe(400);
    expect((await call('/secret-permissions', { method: 'POST', body: JSON.stringify({ secretId: 7, secretAccessRoleName: 'View', userName: 'bob' }) })).status).toBe(404);
  });

  it('checks in a checked-out secret; a second check-in changes nothing', async () => {
    ss.state.checkOut(42, 'bob');
    const res = await call('/secrets/42/check-in', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 42, checkedOut: false });
    expect((await call('/secrets/42/check-in', { method: 'POST' })).status).toBe(200);
    expect(ss.calls.stateChanges().get('secret:42/checkout')).toBe(1);
  });
});
