/** Filters run as store queries, paging with true totals, sorting, attribute projection, root and type searches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, LOCKSTEP_GROUP, LOCKSTEP_USER, USER_SCHEMA, filterQuery, isScimError, startHarness } from './scim-harness.ts';
import type { Harness } from './scim-harness.ts';

let h: Harness;
const ids: Record<string, string> = {};
async function seed(dialect: 'sqlite' | 'postgres'): Promise<void> {
  h = await startHarness({}, undefined, dialect);
  const people = [
    { userName: 'alice@corp.com', title: 'DBA', dept: 'Data', emp: '100', kind: 'human', emails: [{ value: 'alice@corp.com', type: 'work' }] },
    { userName: 'Bob@corp.com', title: 'SRE', dept: 'Ops', emp: '200', kind: 'human', emails: [{ value: 'bob@home.org', type: 'home' }] },
    { userName: 'carol@corp.com', dept: 'Ops', emp: '300', kind: 'human', emails: [{ value: 'carol@corp.com', type: 'work' }, { value: 'c@home.org', type: 'home' }] },
    { userName: 'svc-backup', dept: 'Ops', emp: '400', kind: 'service-account', emails: [] },
  ];
  for (const p of people) {
    h.clock.advance(60_000);
    const res = await h.call('POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE, LOCKSTEP_USER], userName: p.userName, ...(p.title ? { title: p.title } : {}), emails: p.emails,
      active: p.userName !== 'carol@corp.com', [ENTERPRISE]: { department: p.dept, employeeNumber: p.emp },
      [LOCKSTEP_USER]: { kind: p.kind, ...(p.kind !== 'human' ? { owner: 'alice@corp.com' } : {}) },
    });
    ids[p.userName] = res.body.id;
  }
  await h.call('POST', '/Groups', { displayName: 'Prod DBA', members: [{ value: ids['alice@corp.com'] }], [LOCKSTEP_GROUP]: { riskTier: 'high', breakGlass: false, owner: 'alice@corp.com' } });
  await h.call('POST', '/Groups', { displayName: 'Break glass', [LOCKSTEP_GROUP]: { riskTier: 'critical', breakGlass: 'True', jitMaxMinutes: '60' } });
}

async function names(filter: string, extra = ''): Promise<string[]> {
  const res = await h.call('GET', `/Users?${filterQuery(filter)}${extra}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.Resources.map((r: { userName: string }) => r.userName).sort();
}

describe.each(['sqlite', 'postgres'] as const)('%s store', (dialect) => {
  beforeAll(() => seed(dialect));
  afterAll(async () => { await h?.close(); });

  describe('filters', () => {
    it('answers every operator', async () => {
      expect(await names('userName eq "BOB@corp.com"')).toEqual(['Bob@corp.com']);
      expect(await names('userName ne "bob@corp.com"')).toEqual(['alice@corp.com', 'carol@corp.com', 'svc-backup']);
      expect(await names('userName co "OR"')).toEqual(['Bob@corp.com', 'alice@corp.com', 'carol@corp.com']);
      expect(await names('userName sw "a"')).toEqual(['alice@corp.com']);
      expect(await names('userName ew "BACKUP"')).toEqual(['svc-backup']);
      expect(await names('title pr')).toEqual(['Bob@corp.com', 'alice@corp.com']);
      expect(await names(`${ENTERPRISE}:employeeNumber gt "200"`)).toEqual(['carol@corp.com', 'svc-backup']);
      expect(await names(`${ENTERPRISE}:employeeNumber ge "200"`)).toEqual(['Bob@corp.com', 'carol@corp.com', 'svc-backup']);
      expect(await names(`${ENTERPRISE}:employeeNumber lt "200"`)).toEqual(['alice@corp.com']);
      expect(await names(`${ENTERPRISE}:employeeNumber le "200"`)).toEqual(['Bob@corp.com', 'alice@corp.com']);
    });

    it('combines and/or/not, value paths, multi-valued sub-attributes and extension paths', async () => {
      expect(await names(`${ENTERPRISE}:department eq "ops" and not (title pr)`)).toEqual(['carol@corp.com', 'svc-backup']);
      expect(await names('title eq "DBA" or userName sw "svc"')).toEqual(['alice@corp.com', 'svc-backup']);
      expect(await names('emails[type eq "work" and value ew "@corp.com"]')).toEqual(['alice@corp.com', 'carol@corp.com']);
      expect(await names('emails.value co "home.org"')).toEqual(['Bob@corp.com', 'carol@corp.com']);
      expect(await names('emails.value eq "ALICE@corp.com"')).toEqual(['alice@corp.com']);
      expect(await names(`${LOCKSTEP_USER}:kind eq "service-account"`)).toEqual(['svc-backup']);
      expect(await names('active eq false')).toEqual(['carol@corp.com']);
      expect(await names('name.familyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')).toEqual([]);
    });

    it('compares dateTimes on meta.created and meta.lastModified', async () => {
      const carol = (await h.call('GET', `/Users/${ids['carol@corp.com']}`)).body;
      expect(await names(`meta.created gt "${carol.meta.created}"`)).toEqual(['svc-backup']);
      expect(await names(`meta.lastModified ge "${carol.meta.lastModified}"`)).toEqual(['carol@corp.com', 'svc-backup']);
    });

    it('filters groups by members and governance', async () => {
      const byMember = await h.call('GET', `/Groups?${filterQuery(`members[value eq "${ids['alice@corp.com']}"]`)}`);
      expect(byMember.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Prod DBA']);
      const bg = await h.call('GET', `/Groups?${filterQuery(`${LOCKSTEP_GROUP}:breakGlass eq true`)}`);
      expect(bg.body.Resources).toHaveLength(1);
      expect(bg.body.Resources[0][LOCKSTEP_GROUP]).toMatchObject({ riskTier: 'critical', breakGlass: true, jitMaxMinutes: 60, sessionCount: 0 });
      const typed = await h.store.entitlements.get(bg.body.Resources[0].id);
      expect(typed?.governance).toMatchObject({ breakGlass: true, riskTier: 'critical', jitMaxMinutes: 60 });
      const gid = byMember.body.Resources[0].id;
      expect(await names(`groups[value eq "${gid}"]`)).toEqual(['alice@corp.com']);
      expect(await names('groups.display eq "prod dba"')).toEqual(['alice@corp.com']);
      const svc = await h.store.identities.get(ids['svc-backup'] as never);
      expect(svc).toMatchObject({ kind: 'service-account', owner: 'alice@corp.com' });
    });
  });

  describe('paging, sorting, projection', () => {
    it('pages with true totals and sorts', async () => {
      const page = await h.call('GET', '/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2');
      expect(page.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
      expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['carol@corp.com', 'Bob@corp.com']);
      const asc = await h.call('GET', `/Users?sortBy=${encodeURIComponent(`${ENTERPRISE}:employeeNumber`)}`);
      expect(asc.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['alice@corp.com', 'Bob@corp.com', 'carol@corp.com', 'svc-backup']);
      const zero = await h.call('GET', '/Users?count=0');
      expect(zero.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
      expect(isScimError(await h.call('GET', '/Users?sortOrder=sideways'), 400, 'invalidValue')).toBe(true);
    });

    it('keeps schemas and id with attributes=, drops excludedAttributes', async () => {
      const only = await h.call('GET', `/Users/${ids['alice@corp.com']}?attributes=userName,${ENTERPRISE}:department`);
      expect(only.body).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE, LOCKSTEP_USER], id: ids['alice@corp.com'], userName: 'alice@corp.com', [ENTERPRISE]: { department: 'Data' } });
      const without = await h.call('GET', `/Users?${filterQuery('userName eq "alice@corp.com"')}&excludedAttributes=emails,id,meta`);
      expect(without.body.Resources[0].emails).toBeUndefined();
      expect(without.body.Resources[0].meta).toBeUndefined();
      expect(without.body.Resources[0].id).toBe(ids['alice@corp.com']);
      const patched = await h.call('PATCH', `/Users/${ids['alice@corp.com']}?attributes=title`, { Operations: [{ op: 'replace', path: 'title', value: 'Lead DBA' }] });
      expect(patched.body).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE, LOCKSTEP_USER], id: ids['alice@corp.com'], title: 'Lead DBA' });
    });

    it('searches with POST /Users/.search, /Groups/.search and the root /.search', async () => {
      const users = await h.call('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "a"', attributes: ['userName'] });
      expect(users.body.Resources).toEqual([{ schemas: expect.any(Array), id: ids['alice@corp.com'], userName: 'alice@corp.com' }]);
      const groups = await h.call('POST', '/Groups/.search', { filter: 'displayName co "glass"', startIndex: 1, count: 10 });
      expect(groups.body.totalResults).toBe(1);
      const root = await h.call('POST', '/.search', { filter: 'meta.created pr', startIndex: 4, count: 2 });
      expect(root.body).toMatchObject({ totalResults: 6, startIndex: 4, itemsPerPage: 2 });
      expect(root.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual(['User', 'Group']);
      expect(isScimError(await h.call('POST', '/.search', { filter: 'shoeSize eq 1' }), 400, 'invalidFilter')).toBe(true);
    });
  });
});
