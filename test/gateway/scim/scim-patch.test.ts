import { describe, expect, it } from 'vitest';
import { coerceResource } from '../../../gateway/scim/scim-coerce.ts';
import { ScimError } from '../../../gateway/scim/scim-error.ts';
import { groupResolver } from '../../../gateway/scim/scim-groups.ts';
import { applyPatch } from '../../../gateway/scim/scim-patch.ts';
import { userResolver } from '../../../gateway/scim/scim-users.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patchUser = (doc: Record<string, unknown>, ...ops: unknown[]) =>
  coerceResource(applyPatch({ schemas: [SCHEMA], Operations: ops }, doc, userResolver, { members: false }).doc, userResolver, 'replace');
const patchGroup = (...ops: unknown[]) => applyPatch({ schemas: [SCHEMA], Operations: ops }, { displayName: 'G' }, groupResolver, { members: true });

describe('PATCH forms real clients send', () => {
  const bob = { userName: 'bob', active: true, emails: [{ value: 'bob@x.com', type: 'home' }] };

  it('accepts PascalCase ops and string booleans (Entra)', () => {
    expect(patchUser(bob, { op: 'Replace', path: 'active', value: 'False' })['active']).toBe(false);
    expect(patchUser(bob, { op: 'replace', value: { active: 'True' } })['active']).toBe(true);
  });

  it('no-path replace {active:false} deactivates and replace {id, displayName} renames (Okta)', () => {
    expect(patchUser(bob, { op: 'replace', value: { active: false } })).toMatchObject({ active: false, userName: 'bob' });
    expect(patchUser(bob, { op: 'replace', value: { id: 'idn_whatever', displayName: 'Bob B' } })).toMatchObject({ displayName: 'Bob B' });
  });

  it('takes a manager as a plain string', () => {
    const out = patchUser(bob, { op: 'Add', path: `${ENT}:manager`, value: 'idn_boss' });
    expect(out[ENT]).toEqual({ manager: { value: 'idn_boss' } });
  });

  it('creates the element for add emails[type eq "work"].value when absent, updates it when present', () => {
    const once = patchUser(bob, { op: 'Add', path: 'emails[type eq "work"].value', value: 'bob@work.com' });
    expect(once['emails']).toEqual([{ value: 'bob@x.com', type: 'home' }, { type: 'work', value: 'bob@work.com' }]);
    const twice = patchUser(once, { op: 'replace', path: 'emails[type eq "work"].value', value: 'b2@work.com' });
    expect(twice['emails']).toEqual([{ value: 'bob@x.com', type: 'home' }, { type: 'work', value: 'b2@work.com' }]);
  });

  it('accepts any roles[].type (Entra app roles)', () => {
    const out = patchUser(bob, { op: 'add', path: 'roles', value: [{ value: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: 'True' }] });
    expect(out['roles']).toEqual([{ value: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: true }]);
  });

  it('replaces, not appends, a multi-valued attribute on a no-path replace', () => {
    const out = patchUser(bob, { op: 'replace', value: { emails: [{ value: 'new@x.com', type: 'work' }] } });
    expect(out['emails']).toEqual([{ value: 'new@x.com', type: 'work' }]);
  });

  it('treats an empty Operations list as no change', () => {
    expect(patchUser(bob)).toEqual(coerceResource(bob, userResolver, 'replace'));
  });

  it('sets extension attributes by URN path and by a no-path URN object', () => {
    expect(patchUser(bob, { op: 'replace', path: `${ENT}:department`, value: 'Ops' })[ENT]).toEqual({ department: 'Ops' });
    expect(patchUser(bob, { op: 'add', value: { [ENT]: { costCenter: 'C1' } } })[ENT]).toEqual({ costCenter: 'C1' });
  });

  it('removes elements listed in a value array and sets a sub-attribute on every element', () => {
    const two = { ...bob, emails: [{ value: 'a@x.com', type: 'work' }, { value: 'b@x.com', type: 'home' }] };
    expect(patchUser(two, { op: 'remove', path: 'emails', value: [{ value: 'a@x.com' }] })['emails']).toEqual([{ value: 'b@x.com', type: 'home' }]);
    expect(patchUser(two, { op: 'replace', path: 'emails.type', value: 'other' })['emails']).toEqual([{ value: 'a@x.com', type: 'other' }, { value: 'b@x.com', type: 'other' }]);
    expect(patchUser({ userName: 'x' }, { op: 'add', path: 'emails.value', value: 'new@x.com' })['emails']).toEqual([{ value: 'new@x.com' }]);
    expect(patchUser(two, { op: 'remove', path: 'emails.type' })['emails']).toEqual([{ value: 'a@x.com' }, { value: 'b@x.com' }]);
  });

  it('merges complex attributes and flattened extension keys', () => {
    const named = { ...bob, name: { givenName: 'Bob', familyName: 'B' } };
    expect(patchUser(named, { op: 'replace', path: 'name', value: { familyName: 'Brown' } })['name']).toEqual({ givenName: 'Bob', familyName: 'Brown' });
    expect(patchUser(named, { op: 'add', value: { 'name.givenName': 'Rob', [`${ENT}:employeeNumber`]: '7' } })).toMatchObject({ name: { givenName: 'Rob', familyName: 'B' }, [ENT]: { employeeNumber: '7' } });
  });

  it('removes by value filter and whole attributes', () => {
    expect(patchUser(bob, { op: 'remove', path: 'emails[type eq "home"]' })['emails']).toBeUndefined();
    expect(patchUser({ ...bob, title: 'x' }, { op: 'remove', path: 'title' })['title']).toBeUndefined();
  });

  it('returns member changes as operations, never in the document', () => {
    expect(patchGroup({ op: 'add', path: 'members', value: [{ value: 'idn_a' }, { value: 'idn_b' }] }).memberOps).toEqual([{ kind: 'add', ids: ['idn_a', 'idn_b'] }]);
    expect(patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'idn_a' }] }).memberOps).toEqual([{ kind: 'remove', ids: ['idn_a'] }]);
    expect(patchGroup({ op: 'remove', path: 'members[value eq "idn_a"]' }).memberOps).toEqual([{ kind: 'remove', ids: ['idn_a'] }]);
    expect(patchGroup({ op: 'remove', path: 'members' }).memberOps).toEqual([{ kind: 'removeAll' }]);
    expect(patchGroup({ op: 'replace', value: { members: [] } }).memberOps).toEqual([{ kind: 'set', ids: [] }]);
    expect(patchGroup({ op: 'replace', value: { id: 'ent_x', displayName: 'New' } })).toEqual({ doc: { displayName: 'New' }, memberOps: [] });
    expect(patchGroup({ op: 'remove', path: 'members[display eq "bob"]' }).memberOps[0]).toMatchObject({ kind: 'removeWhere' });
  });

  it('rejects malformed operations with RFC 7644 errors', () => {
    const cases: [unknown, number, string][] = [
      [{ Operations: 'x' }, 400, 'invalidSyntax'],
      [{ schemas: ['urn:wrong'], Operations: [] }, 400, 'invalidSyntax'],
      [{ Operations: [{ op: 'move', path: 'title' }] }, 400, 'invalidSyntax'],
      [{ Operations: [{ op: 'remove' }] }, 400, 'noTarget'],
      [{ Operations: [{ op: 'replace', path: 'meta.created', value: 'x' }] }, 400, 'mutability'],
      [{ Operations: [{ op: 'replace', path: 'emails[type eq "work" or type eq "home"].value', value: 'x' }] }, 200, ''],
      [{ Operations: [{ op: 'replace', path: 'emails[type co "wo"].value', value: 'x' }] }, 400, 'noTarget'],
      [{ Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }, 400, 'invalidValue'],
      [{ Operations: [{ op: 'add', path: 'urn:unknown:ext:attr', value: 'x' }] }, 400, 'invalidPath'],
    ];
    for (const [body, status, scimType] of cases) {
      try {
        coerceResource(applyPatch(body, bob, userResolver, { members: false }).doc, userResolver, 'replace');
        expect([status, body]).toEqual([200, body]);
      } catch (e) {
        expect(e).toBeInstanceOf(ScimError);
        expect([(e as ScimError).status, (e as ScimError).scimType]).toEqual([status, scimType]);
      }
    }
  });
});
