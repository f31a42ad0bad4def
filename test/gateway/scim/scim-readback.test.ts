/** Read-back for IGA aggregation: usage on Groups, the SCIM PAM extension's Containers and ContainerPermissions. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../gateway/domain/ids.ts';
import type { Grant } from '../../../gateway/domain/grant.ts';
import { LOCKSTEP_GROUP, isScimError, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });
const random = (n: number): Uint8Array => randomBytes(n);

function grant(over: Partial<Grant>): Grant {
  const at = new Date(h.clock.now()).toISOString();
  return {
    id: newId('grant', h.clock.now(), random), target: { connectorId: 'cyberark', kind: 'safe', ref: 'PROD-DB' }, principal: 'alice@corp.com',
    permissions: ['UseAccounts', 'RetrieveAccounts'], mode: 'standing', source: 'lockstep', status: 'active', observedAt: at, updatedAt: at, ...over,
  };
}

describe('read-back', () => {
  it('aggregates usage from assignments onto the Group governance extension', async () => {
    const alice = (await h.call('POST', '/Users', { userName: 'alice@corp.com' })).body.id;
    const g = (await h.call('POST', '/Groups', { displayName: 'Prod DB', members: [{ value: alice }] })).body.id;
    const [a] = await h.store.assignments.listByEntitlement(g, { activeOnly: true });
    await h.store.assignments.update({ ...a!, sessionCount: 3, lastUsedAt: '2026-02-28T09:00:00.000Z' });
    const read = await h.call('GET', `/Groups/${g}?excludedAttributes=members`);
    expect(read.body[LOCKSTEP_GROUP]).toEqual({ active: true, lastUsed: '2026-02-28T09:00:00.000Z', sessionCount: 3 });
    expect(read.body.members).toBeUndefined();
    const ignored = await h.call('PATCH', `/Groups/${g}?attributes=${LOCKSTEP_GROUP}`, { Operations: [{ op: 'add', value: { [LOCKSTEP_GROUP]: { sessionCount: 99, owner: 'bob' } } }] });
    expect(ignored.status).toBe(200);
    expect(ignored.body[LOCKSTEP_GROUP]).toEqual({ owner: 'bob', active: true, lastUsed: '2026-02-28T09:00:00.000Z', sessionCount: 3 });
  });

  it('lists PAM containers (distinct targets) and permissions (active grants) with user ids when known', async () => {
    expect((await h.call('GET', '/Containers')).body).toMatchObject({ totalResults: 0, Resources: [] });
    const alice = (await h.store.identities.getByUserName('iga-a', 'alice@corp.com'))!;
    const [asg] = await h.store.assignments.listByIdentity(alice.id, { activeOnly: true });
    await h.store.grants.upsert(grant({ assignmentId: asg!.id }));
    await h.store.grants.upsert(grant({ principal: 'svc-etl', permissions: ['UseAccounts'], source: 'observed' }));
    await h.store.grants.upsert(grant({ target: { connectorId: 'vault', kind: 'policy', ref: 'db-admin' }, principal: 'bob', mode: 'jit', windowEnd: '2026-03-01T11:00:00.000Z' }));
    await h.store.grants.upsert(grant({ target: { connectorId: 'vault', kind: 'policy', ref: 'old' }, principal: 'carol', status: 'removed' }));

    const containers = await h.call('GET', '/Containers');
    expect(containers.body.totalResults).toBe(3);
    const names = containers.body.Resources.map((c: { name: string; containerType: string; connector: string }) => `${c.connector}/${c.containerType}/${c.name}`).sort();
    expect(names).toEqual(['cyberark/safe/PROD-DB', 'vault/policy/db-admin', 'vault/policy/old']);
    const one = containers.body.Resources[0];
    expect(one.schemas).toEqual(['urn:ietf:params:scim:schemas:pam:1.0:Container']);
    expect((await h.call('GET', `/Containers/${one.id}`)).body).toEqual(one);
    expect((await h.call('GET', '/Containers?startIndex=2&count=1')).body).toMatchObject({ totalResults: 3, itemsPerPage: 1 });

    const perms = await h.call('GET', '/ContainerPermissions');
    expect(perms.body.totalResults).toBe(3);
    const byPrincipal = Object.fromEntries(perms.body.Resources.map((p: { user: { display: string } }) => [p.user.display, p]));
    expect(byPrincipal['alice@corp.com']).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:pam:1.0:ContainerPermission'],
      container: { display: 'PROD-DB' }, user: { value: alice.id }, rights: ['UseAccounts', 'RetrieveAccounts'], mode: 'standing', source: 'lockstep',
    });
    expect(byPrincipal['svc-etl'].user.value).toBeUndefined();
    expect(byPrincipal['bob']).toMatchObject({ mode: 'jit', windowEnd: '2026-03-01T11:00:00.000Z' });
    expect((await h.call('GET', `/ContainerPermissions/${byPrincipal['bob'].id}`)).body.id).toBe(byPrincipal['bob'].id);
    expect(isScimError(await h.call('GET', '/ContainerPermissions/grt_nope'), 404)).toBe(true);
    const other = await h.call('GET', '/ContainerPermissions', undefined, { token: h.tokens.b });
    expect(other.body.Resources.every((p: { user: { value?: string } }) => p.user.value === undefined)).toBe(true);
  });
});
