/** Bounded fuzzing: no client input makes the parsers throw anything but an RFC 7644 400. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceResource } from '../../../gateway/scim/scim-coerce.ts';
import { ScimError } from '../../../gateway/scim/scim-error.ts';
import { translateFilter } from '../../../gateway/scim/scim-filter-query.ts';
import { groupResolver } from '../../../gateway/scim/scim-groups.ts';
import { applyPatch } from '../../../gateway/scim/scim-patch.ts';
import { userResolver } from '../../../gateway/scim/scim-users.ts';

function only400(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).status).toBe(400);
  }
}

const filterTokens = fc.constantFrom('userName', 'emails', 'emails.value', 'name.givenName', 'meta.lastModified', 'active', 'members',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'eq', 'ne', 'co', 'sw', 'pr', 'gt', 'and', 'or', 'not',
  '(', ')', '[', ']', '"x"', '"2026-01-01T00:00:00Z"', 'true', '42', 'null', '"un', '.', 'type');

describe('fuzzing', () => {
  it('filters: arbitrary strings and token soups give a result or invalidFilter', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => only400(() => translateFilter(s, userResolver))), { numRuns: 300 });
    fc.assert(fc.property(fc.array(filterTokens, { maxLength: 12 }), (t) => {
      only400(() => translateFilter(t.join(' '), userResolver));
      only400(() => translateFilter(t.join(' '), groupResolver));
    }), { numRuns: 500 });
  });

  it('resources and patches: arbitrary JSON gives a document or a 400', () => {
    const userish = fc.record({
      schemas: fc.oneof(fc.constant(['urn:ietf:params:scim:schemas:core:2.0:User']), fc.jsonValue()),
      userName: fc.oneof(fc.string(), fc.jsonValue()), active: fc.jsonValue(), emails: fc.jsonValue(), name: fc.jsonValue(),
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': fc.jsonValue(),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), userish), (body) => only400(() => coerceResource(body, userResolver, 'create'))), { numRuns: 300 });
    const op = fc.record({
      op: fc.oneof(fc.constantFrom('add', 'Replace', 'remove'), fc.jsonValue()),
      path: fc.oneof(fc.constantFrom('emails[type eq "work"].value', 'members', 'members[value eq "a"]', 'name.givenName', 'active', 'meta.created', 'x['), fc.jsonValue()),
      value: fc.jsonValue(),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(op, { maxLength: 4 }), (ops) => {
      only400(() => coerceResource(applyPatch({ Operations: ops }, { userName: 'u', emails: [{ value: 'a', type: 'work' }] }, userResolver, { members: false }).doc, userResolver, 'replace'));
      only400(() => applyPatch({ Operations: ops }, { displayName: 'g' }, groupResolver, { members: true }));
    }), { numRuns: 400 });
  });
});
