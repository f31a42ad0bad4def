/** The same SCIM service on PostgreSQL: filters as SQL, membership, tombstones, and concurrent writers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, LOCKSTEP_GROUP, USER_SCHEMA, eventTypes, filterQuery, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness({}, undefined, 'postgres'); });
afterAll(async () => { await h?.close(); });

describe('SCIM on PostgreSQL', () => {
  it('creates, filters and isolates like on SQLite', async () => {
    const a = await h.call('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'Pat@corp.com', emails: [{ value: 'pat@corp.com', type: 'work' }], [ENTERPRISE]: { employeeNumber: '7' } });
    expect(a.status).toBe(201);
    expect(isScimError(await h.call('POST', '/Users', { userName: 'pat@CORP.com' }), 409, 'uniqueness')).toBe(true);
    const names = async (f: string): Promise<number> => (await h.call('GET', `/Users?${filterQuery(f)}`)).body.totalResults;
    expect(await names('userName eq "PAT@corp.com"')).toBe(1);
    expect(await names('emails[type eq "work" and value ew "@CORP.COM"]')).toBe(1);
    expect(await names(`${ENTERPRISE}:employeeNumber eq "7" and not (title pr)`)).toBe(1);
    expect(await names('externalId pr or userName co "zzz"')).toBe(0);
    expect((await h.call('GET', `/Users/${a.body.id}`, undefined, { token: h.tokens.b })).status).toBe(404);
  });

  it('keeps memberships unique under concurrent PATCHes and writes one event per change', async () => {
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push((await h.call('POST', '/Users', { userName: `c${i}` })).body.id);
    const g = (await h.call('POST', '/Groups', { displayName: 'concurrent' })).body.id;
    const before = (await eventTypes(h.store)).length;
    const results = await Promise.all([...users, ...users].map((u) => h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: u }] }))));
    expect(results.map((r) => `${r.status} ${r.text}`).filter((s) => !s.startsWith("204"))).toEqual([]);
    expect((await h.store.assignments.listByEntitlement(g, { activeOnly: true })).length).toBe(5);
    const added = (await eventTypes(h.store)).slice(before).filter((t) => t === 'assignment.added');
    expect(added).toHaveLength(5);
    const removed = await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'replace', value: { members: [] } }));
    expect(removed.status).toBe(204);
    expect(await h.store.assignments.listByEntitlement(g, { activeOnly: true })).toHaveLength(0);
    const since = new Date(h.clock.now() - 1).toISOString();
    h.clock.advance(1000);
    await h.call('DELETE', `/Groups/${g}`);
    const delta = await h.call('GET', `/Groups?${filterQuery(`meta.lastModified gt "${since}" and ${LOCKSTEP_GROUP}:active eq false`)}`);
    expect(delta.body.Resources.map((r: { id: string }) => r.id)).toEqual([g]);
  });
});
