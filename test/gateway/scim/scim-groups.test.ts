/** Groups as entitlements: governance, membership semantics of POST/PUT/PATCH, events in the same transaction. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, LOCKSTEP_GROUP, LOCKSTEP_USER, USER_SCHEMA, eventTypes, footprint, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
const users: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  for (const name of ['ann', 'ben', 'cat', 'dan']) users.push((await h.call('POST', '/Users', { userName: name })).body.id);
});
afterAll(async () => { await h.close(); });

const active = async (g: string): Promise<string[]> =>
  (await h.store.assignments.listByEntitlement(g as never, { activeOnly: true })).map((a) => a.identityId).sort();

describe('groups as entitlements', () => {
  it('stores governance as typed fields and reads it back', async () => {
    const res = await h.call('POST', '/Groups', {
      schemas: [GROUP_SCHEMA, LOCKSTEP_GROUP], displayName: 'Prod DB admins', externalId: 'sp-123',
      [LOCKSTEP_GROUP]: { owner: 'ann', justification: 'on-call DBAs', reviewCadenceDays: 90, lastCertified: '2026-01-15T00:00:00Z', riskTier: 'high', jitMaxMinutes: 120, breakGlass: false, nonHuman: 'False' },
    });
    expect(res.status).toBe(201);
    const e = await h.store.entitlements.get(res.body.id);
    expect(e).toMatchObject({ displayName: 'Prod DB admins', externalId: 'sp-123' });
    expect(e!.governance).toEqual({ owner: 'ann', justification: 'on-call DBAs', reviewCadenceDays: 90, lastCertifiedAt: '2026-01-15T00:00:00.000Z', riskTier: 'high', jitMaxMinutes: 120, breakGlass: false, nonHuman: false });
    expect(res.body[LOCKSTEP_GROUP]).toMatchObject({ lastCertified: '2026-01-15T00:00:00.000Z', active: true, sessionCount: 0 });
    expect(res.body.members).toEqual([]);
    const recert = await h.call('PATCH', `/Groups/${res.body.id}`, patchBody({ op: 'replace', path: `${LOCKSTEP_GROUP}:lastCertified`, value: '2026-03-01T00:00:00Z' }));
    expect(recert.status).toBe(204);
    expect((await h.store.entitlements.get(res.body.id))!.governance.lastCertifiedAt).toBe('2026-03-01T00:00:00.000Z');
    expect((await eventTypes(h.store)).at(-1)).toBe('entitlement.upserted');
  });

  it('never duplicates members, whatever the client sends', async () => {
    const g = (await h.call('POST', '/Groups', { displayName: 'dups', members: [{ value: users[0] }, { value: users[0] }, users[1]] })).body.id;
    expect(await active(g)).toEqual([users[0], users[1]].sort());
    await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: users[0] }] }, { op: 'add', value: { members: [{ value: users[1] }] } }));
    expect(await active(g)).toEqual([users[0], users[1]].sort());
    expect((await h.call('GET', `/Groups/${g}`)).body.members).toHaveLength(2);
  });

  it('PUT with members sets them exactly; PUT without members leaves them', async () => {
    const g = (await h.call('POST', '/Groups', { displayName: 'put', members: [{ value: users[0] }, { value: users[1] }] })).body.id;
    const put = await h.call('PUT', `/Groups/${g}`, { schemas: [GROUP_SCHEMA], displayName: 'put 2', members: [{ value: users[1] }, { value: users[2] }] });
    expect(put.status).toBe(200);
    expect(put.body.members.map((m: { value: string }) => m.value).sort()).toEqual([users[1], users[2]].sort());
    expect(await active(g)).toEqual([users[1], users[2]].sort());
    const rename = await h.call('PUT', `/Groups/${g}`, { schemas: [GROUP_SCHEMA], displayName: 'put 3' });
    expect(rename.body.displayName).toBe('put 3');
    expect(await active(g)).toEqual([users[1], users[2]].sort());
  });

  it('applies replace on the members path, removal by display, and rejects non-User members', async () => {
    const g = (await h.call('POST', '/Groups', { displayName: 'ops', members: [{ value: users[0] }] })).body.id;
    await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'replace', path: 'members', value: [{ value: users[2] }, { value: users[3] }] }));
    expect(await active(g)).toEqual([users[2], users[3]].sort());
    await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'remove', path: 'members[display eq "CAT"]' }));
    expect(await active(g)).toEqual([users[3]]);
    const before = await footprint(h.store);
    const nested = await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: g, type: 'Group' }] }));
    expect(isScimError(nested, 400, 'invalidValue')).toBe(true);
    expect(await footprint(h.store)).toEqual(before);
  });

  it('writes assignment events with who and when, and a ledger entry per membership change', async () => {
    const g = (await h.call('POST', '/Groups', { displayName: 'audit' })).body.id;
    const seq = await h.store.events.lastSeq();
    h.clock.advance(5000);
    const res = await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: users[0] }] }));
    const requestId = res.headers.get('x-request-id');
    const [event] = await h.store.events.readAfter(seq, 10);
    expect(event).toMatchObject({ type: 'assignment.added', subject: g, actor: `scim:iga-a:${requestId}`, occurredAt: new Date(h.clock.now()).toISOString() });
    expect(event!.payload).toMatchObject({ entitlementId: g, identityId: users[0], connectorId: 'iga-a', requestId });
    const [a] = await h.store.assignments.listByEntitlement(g as never);
    expect((await h.store.ledger.listBySubject(a!.id)).map((l) => [l.action, l.actor])).toEqual([['scim.assignment.added', `scim:iga-a:${requestId}`]]);
    expect(a).toMatchObject({ approver: `scim:iga-a:${requestId}`, approvedAt: new Date(h.clock.now()).toISOString() });
  });

  it('lists a user\'s active memberships as read-only groups (SailPoint aggregates them)', async () => {
    const g = (await h.call('POST', '/Groups', { displayName: 'sp-ent', members: [{ value: users[3] }] })).body.id;
    const read = await h.call('GET', `/Users/${users[3]}`);
    expect(read.body.groups).toContainEqual({ value: g, display: 'sp-ent', $ref: `${h.url}/Groups/${g}`, type: 'direct' });
    const lean = await h.call('GET', `/Users/${users[3]}?excludedAttributes=groups`);
    expect(lean.body.groups).toBeUndefined();
    await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'remove', path: 'members' }));
    expect((await h.call('GET', `/Users/${users[3]}`)).body.groups ?? []).not.toContainEqual(expect.objectContaining({ value: g }));
    const ignored = await h.call('PATCH', `/Users/${users[3]}`, patchBody({ op: 'add', value: { groups: [{ value: g }] } }));
    expect(ignored.status).toBe(200);
    expect(await h.store.assignments.findActive(g as never, users[3] as never)).toBeUndefined();
  });

  it('deleting a user ends its memberships', async () => {
    const u = (await h.call('POST', '/Users', { userName: 'temp' })).body.id;
    const g = (await h.call('POST', '/Groups', { displayName: 'temp', members: [{ value: u }, { value: users[0] }] })).body.id;
    await h.call('DELETE', `/Users/${u}`);
    expect(await active(g)).toEqual([users[0]]);
    expect((await h.call('GET', `/Groups/${g}`)).body.members.map((m: { value: string }) => m.value)).toEqual([users[0]]);
  });
});

describe('non-human identities', () => {
  it('keeps kind and owner from the Lockstep User extension', async () => {
    const res = await h.call('POST', '/Users', { schemas: [USER_SCHEMA, LOCKSTEP_USER], userName: 'build-bot', [LOCKSTEP_USER]: { kind: 'build-agent', owner: 'ann' } });
    expect(res.body[LOCKSTEP_USER]).toEqual({ kind: 'build-agent', owner: 'ann' });
    expect(await h.store.identities.get(res.body.id)).toMatchObject({ kind: 'build-agent', owner: 'ann' });
    await h.call('PATCH', `/Users/${res.body.id}`, patchBody({ op: 'replace', path: `${LOCKSTEP_USER}:owner`, value: 'ben' }));
    expect(await h.store.identities.get(res.body.id)).toMatchObject({ owner: 'ben' });
    const human = await h.store.identities.get(users[0] as never);
    expect(human).toMatchObject({ kind: 'human' });
    expect(human!.owner).toBeUndefined();
  });
});
