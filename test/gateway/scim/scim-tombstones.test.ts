/** Deleted resources stay as tombstones for delta aggregation (SailPoint), then are purged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKSTEP_GROUP, eventTypes, filterQuery, isScimError, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness({ tombstoneRetentionDays: 2 }); });
afterAll(async () => { await h.close(); });

describe('tombstones', () => {
  it('shows deletions to meta.lastModified delta reads within retention, ends memberships, then purges', async () => {
    const user = (await h.call('POST', '/Users', { userName: 'leaver' })).body.id;
    const stay = (await h.call('POST', '/Users', { userName: 'stayer' })).body.id;
    const group = (await h.call('POST', '/Groups', { displayName: 'Ops', members: [{ value: user }, { value: stay }] })).body.id;
    const other = (await h.call('POST', '/Groups', { displayName: 'Temp', members: [{ value: stay }] })).body.id;
    h.clock.advance(60_000);
    const since = new Date(h.clock.now() - 1000).toISOString();
    h.clock.advance(1000);
    expect((await h.call('DELETE', `/Users/${user}`)).status).toBe(204);
    expect((await h.call('DELETE', `/Groups/${other}`)).status).toBe(204);

    expect((await h.store.assignments.listByEntitlement(group, { activeOnly: true })).map((a) => a.identityId)).toEqual([stay]);
    expect(await h.store.assignments.listByEntitlement(other, { activeOnly: true })).toEqual([]);
    expect((await eventTypes(h.store)).slice(-4)).toEqual(['assignment.removed', 'identity.deleted', 'assignment.removed', 'entitlement.deleted']);
    expect((await h.store.ledger.listBySubject(other)).map((l) => l.action)).toEqual(['scim.entitlement.deleted']);

    const delta = await h.call('GET', `/Users?${filterQuery(`meta.lastModified gt "${since}"`)}`);
    expect(delta.body.Resources.map((r: { id: string; active: boolean }) => [r.id, r.active])).toEqual([[user, false]]);
    const groupDelta = await h.call('GET', `/Groups?${filterQuery(`meta.lastModified gt "${since}"`)}`);
    const tomb = groupDelta.body.Resources.find((g: { id: string }) => g.id === other);
    expect(tomb[LOCKSTEP_GROUP].active).toBe(false);
    expect(tomb.members).toBeUndefined();
    const deletedOnly = await h.call('GET', `/Groups?${filterQuery(`meta.lastModified gt "${since}" and ${LOCKSTEP_GROUP}:active eq false`)}`);
    expect(deletedOnly.body.Resources.map((g: { id: string }) => g.id)).toEqual([other]);
    const liveOnly = await h.call('GET', `/Groups?${filterQuery(`${LOCKSTEP_GROUP}:active eq true`)}`);
    expect(liveOnly.body.Resources.map((g: { id: string }) => g.id)).toEqual([group]);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(1);
    expect((await h.call('GET', '/Groups')).body.totalResults).toBe(1);
    expect((await h.call('GET', `/Groups/${other}`)).status).toBe(200);
    expect((await h.call('POST', '/Users', { userName: 'leaver' })).status).toBe(201);

    h.clock.advance(3 * 86_400_000);
    expect(isScimError(await h.call('GET', `/Users/${user}`), 404)).toBe(true);
    const later = await h.call('GET', `/Users?${filterQuery(`meta.lastModified gt "${since}"`)}`);
    expect(later.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['leaver']);
    expect(await h.store.identities.get(user)).toBeUndefined();
  });
});
