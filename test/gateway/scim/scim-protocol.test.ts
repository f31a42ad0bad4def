/** Auth, RFC 7644 errors (and nothing stored), ETags, rate limits, discovery. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueScimToken, revokeApiToken } from '../../../gateway/http/api-tokens.ts';
import { hashToken } from '../../../gateway/http/bearer-tokens.ts';
import { randomBytes } from 'node:crypto';
import { ENTERPRISE, GROUP_SCHEMA, LOCKSTEP_GROUP, LOCKSTEP_USER, USER_SCHEMA, filterQuery, footprint, isScimError, patchBody, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness({ bodyLimitBytes: 64 * 1024 }); });
afterAll(async () => { await h.close(); });
const random = (n: number): Uint8Array => randomBytes(n);

describe('bearer authentication', () => {
  it('answers 401 with WWW-Authenticate and an RFC 7644 body without a valid token', async () => {
    for (const token of [null, 'nope', `${h.tokens.a}x`]) {
      const res = await h.call('GET', '/Users', undefined, { token });
      expect(isScimError(res, 401)).toBe(true);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="lockstep-scim"');
    }
    const basic = await h.call('GET', '/ServiceProviderConfig', undefined, { token: null, headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);
  });

  it('refuses revoked, expired and admin-scope tokens; stores only the hash', async () => {
    const deps = { store: h.store, clock: h.clock, random };
    const made = await issueScimToken(deps, { connectorId: 'iga-a' });
    expect((await h.call('GET', '/Users', undefined, { token: made.token })).status).toBe(200);
    expect(made.record.hash).toBe(hashToken(made.token));
    expect(JSON.stringify(await h.store.tokens.list())).not.toContain(made.token);
    await revokeApiToken(deps, made.record.id);
    expect((await h.call('GET', '/Users', undefined, { token: made.token })).status).toBe(401);
    const expiring = await issueScimToken(deps, { connectorId: 'iga-a', expiresInDays: 1 });
    expect((await h.call('GET', '/Users', undefined, { token: expiring.token })).status).toBe(200);
    h.clock.advance(86_400_000 + 1000);
    expect((await h.call('GET', '/Users', undefined, { token: expiring.token })).status).toBe(401);
    await h.store.tokens.insert({ id: 'tok_01AAAAAAAAAAAAAAAAAAAAAAAA', scope: 'admin', label: 'admin', hash: hashToken('admin-token'), createdAt: new Date().toISOString() });
    expect((await h.call('GET', '/Users', undefined, { token: 'admin-token' })).status).toBe(401);
  });
});

describe('bad input: the right RFC 7644 error and nothing stored', () => {
  const cases: [string, string, string, unknown, string | undefined, number, string | undefined][] = [
    ['malformed JSON', 'POST', '/Users', undefined, '{"userName": "x",', 400, 'invalidSyntax'],
    ['an array body', 'POST', '/Users', [{ userName: 'x' }], undefined, 400, 'invalidSyntax'],
    ['a missing userName', 'POST', '/Users', { schemas: [USER_SCHEMA], active: true }, undefined, 400, 'invalidValue'],
    ['a number for userName', 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 42 }, undefined, 400, 'invalidValue'],
    ['a non-boolean active', 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'x', active: 'maybe' }, undefined, 400, 'invalidValue'],
    ['an object for emails[].value', 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'x', emails: [{ value: {} }] }, undefined, 400, 'invalidValue'],
    ['an unknown schema', 'POST', '/Users', { schemas: [USER_SCHEMA, 'urn:example:unknown'], userName: 'x' }, undefined, 400, 'invalidValue'],
    ['an unknown extension object', 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'x', 'urn:example:ext:1.0:User': { a: 1 } }, undefined, 400, 'invalidValue'],
    ['a group schema on a user', 'POST', '/Users', { schemas: [GROUP_SCHEMA], userName: 'x' }, undefined, 400, 'invalidValue'],
    ['an unknown identity kind', 'POST', '/Users', { schemas: [USER_SCHEMA, LOCKSTEP_USER], userName: 'x', [LOCKSTEP_USER]: { kind: 'robot' } }, undefined, 400, 'invalidValue'],
    ['a bad risk tier', 'POST', '/Groups', { displayName: 'g', [LOCKSTEP_GROUP]: { riskTier: 'extreme' } }, undefined, 400, 'invalidValue'],
    ['a non-integer review cadence', 'POST', '/Groups', { displayName: 'g', [LOCKSTEP_GROUP]: { reviewCadenceDays: 'often' } }, undefined, 400, 'invalidValue'],
    ['a member that is no user', 'POST', '/Groups', { displayName: 'g', members: [{ value: 'idn_nobody' }] }, undefined, 400, 'invalidValue'],
    ['a filter syntax error', 'GET', `/Users?${filterQuery('userName eq')}`, undefined, undefined, 400, 'invalidFilter'],
    ['a filter on an unknown attribute', 'GET', `/Users?${filterQuery('shoeSize gt 3')}`, undefined, undefined, 400, 'invalidFilter'],
    ['a non-integer count', 'GET', '/Users?count=many', undefined, undefined, 400, 'invalidValue'],
    ['an empty body', 'POST', '/Groups', undefined, '', 400, 'invalidSyntax'],
  ];
  for (const [what, method, path, body, raw, status, scimType] of cases) {
    it(`rejects ${what}`, async () => {
      const before = await footprint(h.store);
      const users = (await h.store.identities.query('iga-a', { page: { startIndex: 1, count: 1 } })).totalResults;
      const res = await h.call(method, path, body, raw !== undefined ? { raw } : {});
      expect(isScimError(res, status, scimType)).toBe(true);
      expect(await footprint(h.store)).toEqual(before);
      expect((await h.store.identities.query('iga-a', { page: { startIndex: 1, count: 1 } })).totalResults).toBe(users);
    });
  }

  it('answers 413 with a SCIM body for an oversized request, storing nothing', async () => {
    const before = await footprint(h.store);
    const res = await h.call('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'huge', nickName: 'x'.repeat(70 * 1024) });
    expect(isScimError(res, 413)).toBe(true);
    expect(await footprint(h.store)).toEqual(before);
    expect((await h.call('GET', `/Users?${filterQuery('userName eq "huge"')}`)).body.totalResults).toBe(0);
  });

  it('rolls back the whole PATCH, events included, when one member is invalid', async () => {
    const u = (await h.call('POST', '/Users', { userName: 'atomic' })).body.id;
    const g = (await h.call('POST', '/Groups', { displayName: 'atomic' })).body.id;
    const before = await footprint(h.store);
    const res = await h.call('PATCH', `/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: u }, { value: 'idn_missing' }] }));
    expect(isScimError(res, 400, 'invalidValue')).toBe(true);
    expect(await footprint(h.store)).toEqual(before);
  });

  it('answers unknown routes with an RFC 7644 404 and wrong methods with 405', async () => {
    expect(isScimError(await h.call('GET', '/Nope'), 404)).toBe(true);
    expect(isScimError(await h.call('DELETE', '/Users'), 405)).toBe(true);
    expect(isScimError(await h.call('GET', '/Me'), 501)).toBe(true);
    expect((await h.call('GET', '/users?count=1')).status).toBe(200);
  });

  it('answers unexpected failures with a 500 SCIM body without internals, never a 404', async () => {
    const broken = await startHarness();
    const id = (await broken.call('POST', '/Users', { userName: 'z' })).body.id;
    await broken.store.close();
    const res = await broken.call('GET', `/Users/${id}`);
    expect(isScimError(res, 500)).toBe(true);
    expect(res.body.detail).toBe('internal error');
    await broken.close().catch(() => undefined);
  });
});

describe('ETags', () => {
  it('serves W/"version", honours If-None-Match (304) and If-Match (412)', async () => {
    const created = await h.call('POST', '/Users', { userName: 'etag-user' });
    const id = created.body.id;
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body.meta.version).toBe('W/"1"');
    const notModified = await h.call('GET', `/Users/${id}`, undefined, { headers: { 'if-none-match': 'W/"1"' } });
    expect(notModified.status).toBe(304);
    const before = await footprint(h.store);
    const stale = await h.call('PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'x' }), { headers: { 'if-match': 'W/"7"' } });
    expect(isScimError(stale, 412)).toBe(true);
    expect(await footprint(h.store)).toEqual(before);
    const fresh = await h.call('PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'x' }), { headers: { 'if-match': 'W/"1"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('W/"2"');
    expect((await h.call('GET', `/Users/${id}`, undefined, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(200);
    expect(isScimError(await h.call('DELETE', `/Users/${id}`, undefined, { headers: { 'if-match': 'W/"1"' } }), 412)).toBe(true);
    expect((await h.call('DELETE', `/Users/${id}`, undefined, { headers: { 'if-match': 'W/"2"' } })).status).toBe(204);
  });

  it('does not bump the version for a PATCH that changes nothing (empty Operations)', async () => {
    const id = (await h.call('POST', '/Users', { userName: 'noop' })).body.id;
    const res = await h.call('PATCH', `/Users/${id}`, patchBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"1"');
  });
});

describe('rate limits', () => {
  it('sends x-rate-limit headers and 429 with Retry-After per token', async () => {
    const limited = await startHarness({ rateLimit: { capacity: 3, refillPerSecond: 1 } });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await limited.call('GET', '/ServiceProviderConfig');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(isScimError(last!, 429)).toBe(true);
    expect(last!.headers.get('retry-after')).toBe('1');
    expect(last!.headers.get('x-rate-limit-limit')).toBe('3');
    expect(last!.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(last!.headers.get('x-rate-limit-reset'))).toBeGreaterThan(limited.clock.now() / 1000);
    expect((await limited.call('GET', '/ServiceProviderConfig', undefined, { token: limited.tokens.b })).status).toBe(200);
    limited.clock.advance(1000);
    expect((await limited.call('GET', '/ServiceProviderConfig')).status).toBe(200);
    await limited.close();
  });
});

describe('discovery', () => {
  it('describes what is supported, truthfully', async () => {
    const spc = (await h.call('GET', '/ServiceProviderConfig')).body;
    expect(spc).toMatchObject({
      patch: { supported: true }, bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 }, changePassword: { supported: false }, sort: { supported: true }, etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
    });
    const types = (await h.call('GET', '/ResourceTypes')).body;
    expect(types.Resources[0]).toMatchObject({ name: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE, required: false }, { schema: LOCKSTEP_USER, required: false }] });
    expect(types.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups', '/Entitlements', '/Roles', '/Containers', '/ContainerPermissions']);
    expect((await h.call('GET', '/ResourceTypes/Group')).body.schemaExtensions).toEqual([{ schema: LOCKSTEP_GROUP, required: false }]);
    const schemas = (await h.call('GET', '/Schemas')).body;
    const ids = schemas.Resources.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE, LOCKSTEP_USER, LOCKSTEP_GROUP,
      'urn:okta:scim:schemas:core:1.0:Entitlement', 'urn:ietf:params:scim:schemas:pam:1.0:Container', 'urn:ietf:params:scim:schemas:pam:1.0:ContainerPermission']));
    const user = (await h.call('GET', `/Schemas/${USER_SCHEMA}`)).body;
    const roles = user.attributes.find((a: { name: string }) => a.name === 'roles');
    expect(roles.subAttributes.find((a: { name: string }) => a.name === 'type').canonicalValues).toBeUndefined();
    expect(user.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ caseExact: false, uniqueness: 'server', required: true });
    const gov = (await h.call('GET', `/Schemas/${LOCKSTEP_GROUP}`)).body.attributes.map((a: { name: string; mutability: string }) => `${a.name}:${a.mutability}`);
    expect(gov).toEqual(['owner:readWrite', 'justification:readWrite', 'reviewCadenceDays:readWrite', 'lastCertified:readWrite', 'riskTier:readWrite',
      'jitMaxMinutes:readWrite', 'breakGlass:readWrite', 'nonHuman:readWrite', 'active:readOnly', 'lastUsed:readOnly', 'sessionCount:readOnly']);
    expect(isScimError(await h.call('GET', '/Schemas/urn:nope'), 404)).toBe(true);
  });
});
