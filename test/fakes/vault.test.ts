import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVaultFake, type VaultState } from './vault/vault-fake.ts';
import type { Fake } from './fake-server.ts';

let vault: Fake<VaultState>;
const call = (path: string, init: RequestInit = {}, token = 'root-token') =>
  fetch(`${vault.url}/v1${path}`, { ...init, headers: { 'x-vault-token': token, 'content-type': 'application/json', ...(init.headers ?? {}) } });

beforeEach(async () => {
  vault = await startVaultFake();
});
afterEach(() => vault.close());

describe('HashiCorp Vault fake', () => {
  it('refuses a missing or wrong token with 403 {errors}; accepts X-Vault-Token or Bearer', async () => {
    const res = await call('/sys/policies/acl?list=true', {}, 'nope');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errors: ['permission denied'] });
    const bearer = await fetch(`${vault.url}/v1/sys/policies/acl?list=true`, { headers: { authorization: 'Bearer root-token' } });
    expect(bearer.status).toBe(200);
  });

  it('writes, reads, lists and deletes ACL policies; identical rewrites change nothing', async () => {
    const hcl = 'path "secret/data/finance/*" { capabilities = ["read"] }';
    expect((await call('/sys/policies/acl/finance-read', { method: 'PUT', body: JSON.stringify({ policy: hcl }) })).status).toBe(204);
    expect((await call('/sys/policies/acl/finance-read', { method: 'PUT', body: JSON.stringify({ policy: hcl }) })).status).toBe(204);
    expect(vault.calls.stateChanges().get('policy:finance-read')).toBe(1);
    const read = (await (await call('/sys/policies/acl/finance-read')).json()) as { data: { name: string; policy: string } };
    expect(read.data).toEqual({ name: 'finance-read', policy: hcl });
    const list = (await (await call('/sys/policies/acl?list=true')).json()) as { data: { keys: string[] } };
    expect(list.data.keys).toContain('finance-read');
    expect((await call('/sys/policies/acl/finance-read', { method: 'DELETE' })).status).toBe(204);
    const gone = await call('/sys/policies/acl/finance-read');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ errors: [] });
    expect((await call('/sys/policies/acl/x', { method: 'PUT', body: '{}' })).status).toBe(400);
  });

  it('creates entities and groups, replaces member_entity_ids, rejects unknown entity ids', async () => {
    const created = await call('/identity/entity/name/bob', { method: 'POST', body: JSON.stringify({ policies: [] }) });
    expect(created.status).toBe(200);
    const bobId = ((await created.json()) as { data: { id: string } }).data.id;
    const carolId = vault.state.addEntity('carol').id;
    expect((await call('/identity/group/name/finance-admins', { method: 'POST', body: JSON.stringify({ policies: ['finance-read'], member_entity_ids: [bobId, carolId] }) })).status).toBe(200);
    expect((await call('/identity/group/name/finance-admins', { method: 'POST', body: JSON.stringify({ member_entity_ids: [carolId] }) })).status).toBe(204);
    const group = (await (await call('/identity/group/name/finance-admins')).json()) as { data: { member_entity_ids: string[]; policies: string[] } };
    expect(group.data).toMatchObject({ member_entity_ids: [carolId], policies: ['finance-read'] });
    const bad = await call('/identity/group/name/finance-admins', { method: 'POST', body: JSON.stringify({ member_entity_ids: ['nope'] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: string[] }).errors[0]).toContain('nope');
    expect((await call('/identity/group/name/missing')).status).toBe(404);
  });

  it('looks up and revokes leases; revoking an unknown lease succeeds without effect', async () => {
    vault.state.addLease('database/creds/ro/abc', 3600);
    const lookup = await call('/sys/leases/lookup', { method: 'PUT', body: JSON.stringify({ lease_id: 'database/creds/ro/abc' }) });
    expect(((await lookup.json()) as { data: { ttl: number } }).data.ttl).toBeGreaterThan(0);
    expect((await call('/sys/leases/revoke', { method: 'PUT', body: JSON.stringify({ lease_id: 'database/creds/ro/abc' }) })).status).toBe(204);
    expect((await call('/sys/leases/revoke', { method: 'PUT', body: JSON.stringify({ lease_id: 'database/creds/ro/abc' }) })).status).toBe(204);
    expect(vault.calls.effectCount()).toBe(1);
    expect((await call('/sys/leases/lookup', { method: 'PUT', body: JSON.stringify({ lease_id: 'database/creds/ro/abc' }) })).status).toBe(400);
  });
});
