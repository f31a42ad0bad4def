/** Replays what Okta's SCIM 2.0 provisioning sends (shapes from Okta's SCIM reference). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, USER_SCHEMA, eventTypes, filterQuery, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;

const oktaUser = {
  schemas: [USER_SCHEMA],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

describe.each(['sqlite', 'postgres'] as const)('%s store', (dialect) => {
  beforeAll(async () => { h = await startHarness({}, undefined, dialect); });
  afterAll(async () => { await h?.close(); });

  describe('Okta provisioning sequence', () => {
    let userId = '';
    let otherId = '';
    let groupId = '';

    it('checks existence with startIndex and count, then creates; the password is never kept', async () => {
      const none = await h.call('GET', `/Users?${filterQuery(`userName eq "${oktaUser.userName}"`)}&startIndex=1&count=100`);
      expect(none.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
      const res = await h.call('POST', '/Users', oktaUser);
      expect(res.status).toBe(201);
      userId = res.body.id;
      expect(res.body.password).toBeUndefined();
      expect(res.text).not.toContain('1mz050nq');
      const stored = await h.store.identities.get(userId as never);
      expect(JSON.stringify(stored)).not.toContain('1mz050nq');
      otherId = (await h.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'other@okta.local' })).body.id;
    });

    it('answers 409 uniqueness for a duplicate userName in another case, storing nothing', async () => {
      const before = await eventTypes(h.store);
      const res = await h.call('POST', '/Users', { ...oktaUser, userName: 'TEST.USER@okta.local' });
      expect(isScimError(res, 409, 'uniqueness')).toBe(true);
      expect(await eventTypes(h.store)).toEqual(before);
      expect((await h.store.identities.query('iga-a', { page: { startIndex: 1, count: 10 } })).totalResults).toBe(2);
    });

    it('updates with PUT', async () => {
      const res = await h.call('PUT', `/Users/${userId}`, { ...oktaUser, id: userId, name: { givenName: 'Tess', familyName: 'User' } });
      expect(res.status).toBe(200);
      expect(res.body.name).toEqual({ givenName: 'Tess', familyName: 'User' });
      expect(res.body.meta.version).toBe('W/"2"');
    });

    it('deactivates with a no-path replace {active:false}', async () => {
      const res = await h.call('PATCH', `/Users/${userId}`, patchBody({ op: 'replace', value: { active: false } }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: userId, active: false, userName: oktaUser.userName });
      expect((await eventTypes(h.store)).at(-1)).toBe('identity.deactivated');
    });

    it('pushes a group, renames it with replace {id, displayName}, and changes membership', async () => {
      const created = await h.call('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test Group', members: [] });
      expect(created.status).toBe(201);
      groupId = created.body.id;
      const rename = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'replace', value: { id: groupId, displayName: 'Renamed Group' } }));
      expect(rename.status).toBe(204);
      expect(rename.headers.get('etag')).toBe('W/"2"');
      const add = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: userId, display: 'test.user@okta.local' }, { value: otherId }] }));
      expect(add.status).toBe(204);
      const twice = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: userId }] }));
      expect(twice.status).toBe(204);
      expect(await h.store.assignments.listByEntitlement(groupId as never, { activeOnly: true })).toHaveLength(2);
      const remove = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'remove', path: `members[value eq "${otherId}"]` }));
      expect(remove.status).toBe(204);
      const read = await h.call('GET', `/Groups/${groupId}`);
      expect(read.body.displayName).toBe('Renamed Group');
      expect(read.body.members.map((m: { value: string }) => m.value)).toEqual([userId]);
    });

    it('removes every member on a no-path replace {members: []} (no lost revocation)', async () => {
      const res = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'replace', value: { members: [] } }));
      expect(res.status).toBe(204);
      expect(await h.store.assignments.listByEntitlement(groupId as never, { activeOnly: true })).toHaveLength(0);
      const read = await h.call('GET', `/Groups/${groupId}`);
      expect(read.body.members).toEqual([]);
      const types = await eventTypes(h.store);
      expect(types.filter((t) => t === 'assignment.added')).toHaveLength(2);
      expect(types.filter((t) => t === 'assignment.removed')).toHaveLength(2);
    });

    it('exposes groups to Okta Identity Governance as Entitlements and Roles, discovered from /ResourceTypes', async () => {
      const types = await h.call('GET', '/ResourceTypes');
      const byName = Object.fromEntries(types.body.Resources.map((r: { name: string; schema: string; endpoint: string }) => [r.name, r]));
      expect(byName['Entitlement']).toMatchObject({ endpoint: '/Entitlements', schema: 'urn:okta:scim:schemas:core:1.0:Entitlement' });
      expect(byName['Role']).toMatchObject({ endpoint: '/Roles', schema: 'urn:okta:scim:schemas:core:1.0:Role' });
      const ents = await h.call('GET', '/Entitlements');
      expect(ents.body.Resources).toEqual([expect.objectContaining({ schemas: ['urn:okta:scim:schemas:core:1.0:Entitlement'], id: groupId, displayName: 'Renamed Group' })]);
      const roles = await h.call('GET', `/Roles/${groupId}`);
      expect(roles.body).toMatchObject({ schemas: ['urn:okta:scim:schemas:core:1.0:Role'], id: groupId });
    });
  });
});
