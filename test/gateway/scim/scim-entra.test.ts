/** Replays what Microsoft Entra ID provisioning sends (shapes from Microsoft's SCIM docs and validator). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, USER_SCHEMA, eventTypes, filterQuery, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;

const entraUser = {
  schemas: [USER_SCHEMA, ENTERPRISE],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com',
  active: true,
  displayName: 'Test User',
  emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@contoso.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [{ primary: 'False', type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' }],
  [ENTERPRISE]: { employeeNumber: '1234', department: 'Finance', manager: { value: 'Manager-1' } },
};

describe.each(['sqlite', 'postgres'] as const)('%s store', (dialect) => {
  beforeAll(async () => { h = await startHarness({}, undefined, dialect); });
  afterAll(async () => { await h?.close(); });

  describe('Entra ID provisioning sequence', () => {
    let userId = '';
    let groupId = '';

    it('looks the user up by userName and externalId and gets an empty list', async () => {
      for (const f of [`userName eq "${entraUser.userName}"`, `externalId eq "${entraUser.externalId}"`]) {
        const res = await h.call('GET', `/Users?${filterQuery(f)}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
      }
    });

    it('creates the user, with app roles of any type and string booleans', async () => {
      const res = await h.call('POST', '/Users', entraUser);
      expect(res.status).toBe(201);
      userId = res.body.id;
      expect(res.headers.get('location')).toBe(`${h.url}/Users/${userId}`);
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(res.body.roles).toEqual([{ primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' }]);
      expect(res.body[ENTERPRISE]).toEqual(entraUser[ENTERPRISE]);
      expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    });

    it('finds it by userName in another case and by externalId', async () => {
      const byName = await h.call('GET', `/Users?${filterQuery(`userName eq "${entraUser.userName.toUpperCase()}"`)}`);
      expect(byName.body.totalResults).toBe(1);
      const byExt = await h.call('GET', `/Users?${filterQuery(`externalId eq "${entraUser.externalId}"`)}`);
      expect(byExt.body.Resources[0].id).toBe(userId);
      const wrongCase = await h.call('GET', `/Users?${filterQuery(`externalId eq "${entraUser.externalId.toUpperCase()}"`)}`);
      expect(wrongCase.body.totalResults).toBe(0);
    });

    it('answers the keep-alive probe for a random id with an RFC 7644 404', async () => {
      const res = await h.call('GET', '/Users/e9e30dba-f08f-4109-8486-d5c6a331660a');
      expect(isScimError(res, 404)).toBe(true);
      const list = await h.call('GET', `/Users?${filterQuery('id eq "e9e30dba-f08f-4109-8486-d5c6a331660a"')}`);
      expect(list.body.totalResults).toBe(0);
    });

    it('applies a PascalCase PATCH with create-if-absent add and a string manager', async () => {
      const res = await h.call('PATCH', `/Users/${userId}`, patchBody(
        { op: 'Replace', path: 'displayName', value: 'Test User 2' },
        { op: 'Add', path: 'emails[type eq "home"].value', value: 'home@contoso.com' },
        { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'Manager-2' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ));
      expect(res.status).toBe(200);
      expect(res.body.displayName).toBe('Test User 2');
      expect(res.body.emails).toContainEqual({ type: 'home', value: 'home@contoso.com' });
      expect(res.body[ENTERPRISE].manager).toEqual({ value: 'Manager-2' });
      expect(res.body.name.familyName).toBe('updatedFamilyName');
      expect(res.headers.get('etag')).toBe('W/"2"');
    });

    it('soft-deletes with PATCH active "False": the identity stays and identity.deactivated is recorded', async () => {
      const res = await h.call('PATCH', `/Users/${userId}`, patchBody({ op: 'Replace', path: 'active', value: 'False' }));
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
      const stored = await h.store.identities.get(userId as never);
      expect(stored?.active).toBe(false);
      expect(stored?.deletedAt).toBeUndefined();
      expect((await eventTypes(h.store)).filter((t) => t === 'identity.deactivated')).toHaveLength(1);
      const ledger = await h.store.ledger.listBySubject(userId);
      expect(ledger.map((l) => l.action)).toEqual(['scim.identity.deactivated']);
    });

    it('creates a group, reads it with excludedAttributes=members, adds and removes members (legacy form)', async () => {
      const none = await h.call('GET', `/Groups?${filterQuery('displayName eq "Entra Admins"')}&excludedAttributes=members`);
      expect(none.body.totalResults).toBe(0);
      const created = await h.call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], externalId: 'g-1', displayName: 'Entra Admins', members: [] });
      expect(created.status).toBe(201);
      groupId = created.body.id;
      const add = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'Add', path: 'members', value: [{ value: userId }] }));
      expect(add.status).toBe(204);
      const read = await h.call('GET', `/Groups/${groupId}`);
      expect(read.body.members).toEqual([{ value: userId, display: entraUser.userName, $ref: `${h.url}/Users/${userId}`, type: 'User' }]);
      const lean = await h.call('GET', `/Groups?${filterQuery('displayName eq "Entra Admins"')}&excludedAttributes=members`);
      expect(lean.body.Resources[0].members).toBeUndefined();
      expect(lean.body.Resources[0].id).toBe(groupId);
      const remove = await h.call('PATCH', `/Groups/${groupId}`, patchBody({ op: 'Remove', path: 'members', value: [{ value: userId }] }));
      expect(remove.status).toBe(204);
      const [assignment] = await h.store.assignments.listByEntitlement(groupId as never);
      expect(assignment).toMatchObject({ status: 'removed', identityId: userId });
      expect(assignment!.endedBy).toMatch(/^scim:iga-a:req_/);
    });

    it('pages with count=5', async () => {
      for (let i = 0; i < 7; i++) await h.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: `page-${i}@contoso.com` });
      const res = await h.call('GET', '/Users?startIndex=1&count=5');
      expect(res.body).toMatchObject({ totalResults: 8, startIndex: 1, itemsPerPage: 5 });
      const rest = await h.call('GET', '/Users?startIndex=6&count=5');
      expect(rest.body).toMatchObject({ totalResults: 8, startIndex: 6, itemsPerPage: 3 });
    });

    it('hard-deletes: 204, then a tombstone readable by id, hidden from lists', async () => {
      expect((await h.call('DELETE', `/Users/${userId}`)).status).toBe(204);
      const tomb = await h.call('GET', `/Users/${userId}`);
      expect(tomb.status).toBe(200);
      expect(tomb.body.active).toBe(false);
      const list = await h.call('GET', `/Users?${filterQuery(`userName eq "${entraUser.userName}"`)}`);
      expect(list.body.totalResults).toBe(0);
      expect(isScimError(await h.call('PATCH', `/Users/${userId}`, patchBody({ op: 'replace', path: 'active', value: true })), 404)).toBe(true);
      expect(isScimError(await h.call('DELETE', `/Users/${userId}`), 404)).toBe(true);
      const types = await eventTypes(h.store);
      expect(types.filter((t) => t === 'identity.deleted')).toHaveLength(1);
    });
  });
});
