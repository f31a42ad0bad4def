/** Each IGA connector's token sees and changes only its own namespace: another's resources are 404, never 403. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterQuery, footprint, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });

describe('cross-connector isolation', () => {
  it('keeps Users, Groups, members, lists, filters, read-back and bulk apart', async () => {
    const b = { token: h.tokens.b };
    const userA = (await h.call('POST', '/Users', { userName: 'shared@corp.com' })).body.id;
    const groupA = (await h.call('POST', '/Groups', { displayName: 'DBA', members: [{ value: userA }] })).body.id;
    const userB = await h.call('POST', '/Users', { userName: 'shared@corp.com' }, b);
    expect(userB.status).toBe(201);
    const before = await footprint(h.store);

    for (const [method, path, body] of [
      ['GET', `/Users/${userA}`, undefined], ['PUT', `/Users/${userA}`, { userName: 'stolen' }],
      ['PATCH', `/Users/${userA}`, patchBody({ op: 'replace', path: 'active', value: false })], ['DELETE', `/Users/${userA}`, undefined],
      ['GET', `/Groups/${groupA}`, undefined], ['PATCH', `/Groups/${groupA}`, patchBody({ op: 'replace', value: { members: [] } })],
      ['DELETE', `/Groups/${groupA}`, undefined], ['GET', `/Entitlements/${groupA}`, undefined], ['GET', `/Roles/${groupA}`, undefined],
    ] as const) {
      expect(isScimError(await h.call(method, path, body, b), 404), `${method} ${path}`).toBe(true);
    }
    expect(await footprint(h.store)).toEqual(before);

    const listB = await h.call('GET', '/Users', undefined, b);
    expect(listB.body.Resources.map((r: { id: string }) => r.id)).toEqual([userB.body.id]);
    expect((await h.call('GET', `/Users?${filterQuery(`id eq "${userA}"`)}`, undefined, b)).body.totalResults).toBe(0);
    expect((await h.call('GET', '/Groups', undefined, b)).body.totalResults).toBe(0);
    expect((await h.call('GET', '/Entitlements', undefined, b)).body.totalResults).toBe(0);
    expect((await h.call('POST', '/.search', { filter: 'userName eq "shared@corp.com"' }, b)).body.totalResults).toBe(1);

    const groupB = (await h.call('POST', '/Groups', { displayName: 'B group' }, b)).body.id;
    const borrow = await h.call('PATCH', `/Groups/${groupB}`, patchBody({ op: 'add', path: 'members', value: [{ value: userA }] }), b);
    expect(isScimError(borrow, 400, 'invalidValue')).toBe(true);
    const bulk = await h.call('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'DELETE', path: `/Users/${userA}` }] }, b);
    expect(bulk.body.Operations[0].status).toBe('404');

    expect((await h.call('GET', `/Users/${userA}`)).body.active).toBe(true);
    expect((await h.store.assignments.listByEntitlement(groupA, { activeOnly: true })).map((a) => a.identityId)).toEqual([userA]);
  });
});
