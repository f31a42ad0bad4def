/** /Bulk: bulkId references (also in members), forward references, failOnErrors, per-operation errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, USER_SCHEMA, footprint, isScimError, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
let h: Harness;
beforeAll(async () => { h = await startHarness({ bulkMaxOperations: 5 }); });
afterAll(async () => { await h.close(); });

describe('bulk', () => {
  it('creates users and a group whose members reference them by bulkId, even forward', async () => {
    const res = await h.call('POST', '/Bulk', {
      schemas: [BULK],
      Operations: [
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk group', members: [{ type: 'User', value: 'bulkId:u1' }, { value: 'bulkId:u2' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER_SCHEMA], userName: 'bulk-1' } },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: { schemas: [USER_SCHEMA], userName: 'bulk-2' } },
        { method: 'PATCH', path: '/Users/bulkId:u2', data: { Operations: [{ op: 'replace', path: 'title', value: 'patched' }] } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '201', '200']);
    const group = res.body.Operations[0];
    expect(group).toMatchObject({ method: 'POST', bulkId: 'g1', version: 'W/"1"' });
    const gid = group.location.split('/').pop();
    const members = await h.store.assignments.listByEntitlement(gid, { activeOnly: true });
    const uids = res.body.Operations.slice(1, 3).map((o: { location: string }) => o.location.split('/').pop());
    expect(members.map((m) => m.identityId).sort()).toEqual([...uids].sort());
    expect((await h.call('GET', `/Users/${uids[1]}`)).body.title).toBe('patched');
  });

  it('reports per-operation errors and stops after failOnErrors', async () => {
    const res = await h.call('POST', '/Bulk', {
      schemas: [BULK], failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'x1', data: { schemas: [USER_SCHEMA] } },
        { method: 'POST', path: '/Users', bulkId: 'x2', data: { schemas: [USER_SCHEMA], userName: 'never-created' } },
      ],
    });
    expect(res.body.Operations).toHaveLength(1);
    expect(res.body.Operations[0]).toMatchObject({ status: '400', bulkId: 'x1', response: { status: '400', scimType: 'invalidValue' } });
    expect((await h.call('GET', '/Users?filter=userName%20eq%20%22never-created%22')).body.totalResults).toBe(0);
  });

  it('fails operations that reference an undefined or failed bulkId', async () => {
    const res = await h.call('POST', '/Bulk', {
      schemas: [BULK],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA], userName: 42 } },
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'refs bad', members: [{ value: 'bulkId:bad' }] } },
        { method: 'DELETE', path: '/Users/bulkId:ghost' },
      ],
    });
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['400', '409', '409']);
  });

  it('rejects too many operations with 413 and malformed requests with 400, storing nothing', async () => {
    const before = await footprint(h.store);
    const ops = Array.from({ length: 6 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `many-${i}` } }));
    expect(isScimError(await h.call('POST', '/Bulk', { schemas: [BULK], Operations: ops }), 413)).toBe(true);
    expect(isScimError(await h.call('POST', '/Bulk', { schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', data: {} }] }), 400, 'invalidSyntax')).toBe(true);
    expect(isScimError(await h.call('POST', '/Bulk', { schemas: [BULK] }), 400, 'invalidSyntax')).toBe(true);
    expect(await footprint(h.store)).toEqual(before);
  });
});
