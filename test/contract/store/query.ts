import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../../gateway/domain/identity.ts';
import type { QueryExpr, QuerySpec, SortSpec } from '../../../gateway/domain/query.ts';
import { ENTERPRISE, assignment, at, entitlement, identity } from './fixtures.ts';
import type { Harness } from './harness.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

function users(): Record<'alice' | 'bob' | 'carol' | 'dave', Identity> {
  return {
    alice: identity({
      userName: 'alice', externalId: 'x-alice', updatedAt: at(1),
      resource: {
        schemas: [CORE, ENTERPRISE], userName: 'alice', displayName: 'Alice Adams', active: true, nickName: '',
        name: { givenName: 'Alice' }, tags: ['a', 'b'],
        emails: [{ type: 'work', value: 'alice@corp.io' }, { type: 'home', value: 'a@home.net' }],
        [ENTERPRISE]: { employeeNumber: '100', 'cost.center': 'R&D:1', hireDate: '2020-01-15T00:00:00Z', level: 3 },
      },
    }),
    bob: identity({
      userName: 'Bob', updatedAt: at(2),
      resource: {
        schemas: [CORE, ENTERPRISE], userName: 'Bob', displayName: 'bob brown', title: 'Engineer', active: false,
        name: {}, tags: [], emails: [{ type: 'work', value: 'BOB@corp.io' }],
        [ENTERPRISE]: { employeeNumber: '200', hireDate: '2021-06-01T00:00:00Z', level: 10 },
      },
    }),
    carol: identity({
      userName: 'carol', updatedAt: at(3),
      resource: { schemas: [CORE], userName: 'carol', displayName: 'Carol 100%_x', title: null, active: true, nickName: 'cc', emails: [], [ENTERPRISE]: { level: 2.5 } },
    }),
    dave: identity({ userName: 'dave', updatedAt: at(4), resource: { schemas: [CORE], userName: 'dave' } }),
  };
}

export function queryContract(h: Harness): void {
  describe('resource queries (QueryExpr)', () => {
    let u: ReturnType<typeof users>;
    const names = async (filter: QueryExpr | undefined, sort?: SortSpec): Promise<string[]> => {
      const spec: QuerySpec = { filter, sort, page: { startIndex: 1, count: 50 } };
      const page = await h.store.identities.query('iga', spec);
      expect(page.totalResults).toBe(page.items.length);
      const got = page.items.map((i) => i.userName);
      return sort ? got : got.sort();
    };

    beforeEach(async () => {
      u = users();
      for (const i of Object.values(u)) await h.store.identities.insert(i);
      await h.store.identities.insert(identity({ connectorId: 'zed', userName: 'alice', resource: { userName: 'alice', displayName: 'Alice Adams', active: true } }));
    });

    it('eq honours caseExact on typed columns and document paths', async () => {
      expect(await names({ op: 'eq', path: ['userName'], value: 'bob' })).toEqual([]);
      expect(await names({ op: 'eq', path: ['userName'], value: 'bob', caseExact: false })).toEqual(['Bob']);
      expect(await names({ op: 'eq', path: ['displayName'], value: 'BOB BROWN', caseExact: false })).toEqual(['Bob']);
      expect(await names({ op: 'eq', path: ['displayName'], value: 'BOB BROWN' })).toEqual([]);
      expect(await names({ op: 'eq', path: ['id'], value: u.carol.id })).toEqual(['carol']);
      expect(await names({ op: 'eq', path: ['externalId'], value: 'x-alice' })).toEqual(['alice']);
    });

    it('eq compares types strictly: strings, numbers, booleans', async () => {
      expect(await names({ op: 'eq', path: [ENTERPRISE, 'employeeNumber'], value: '100' })).toEqual(['alice']);
      expect(await names({ op: 'eq', path: [ENTERPRISE, 'employeeNumber'], value: 100 })).toEqual([]);
      expect(await names({ op: 'eq', path: [ENTERPRISE, 'level'], value: 10 })).toEqual(['Bob']);
      expect(await names({ op: 'eq', path: ['active'], value: false })).toEqual(['Bob']);
      expect(await names({ op: 'eq', path: ['active'], value: true })).toEqual(['alice', 'carol']);
    });

    it('ne matches absent and null attributes too', async () => {
      expect(await names({ op: 'ne', path: ['title'], value: 'Engineer' })).toEqual(['alice', 'carol', 'dave']);
      expect(await names({ op: 'ne', path: ['userName'], value: 'BOB', caseExact: false })).toEqual(['alice', 'carol', 'dave']);
    });

    it('co, sw and ew treat % and _ literally and honour caseExact', async () => {
      expect(await names({ op: 'co', path: ['displayName'], value: 'brown' })).toEqual(['Bob']);
      expect(await names({ op: 'co', path: ['displayName'], value: 'ADAMS' })).toEqual([]);
      expect(await names({ op: 'co', path: ['displayName'], value: 'ADAMS', caseExact: false })).toEqual(['alice']);
      expect(await names({ op: 'co', path: ['displayName'], value: '%' })).toEqual(['carol']);
      expect(await names({ op: 'co', path: ['displayName'], value: '_' })).toEqual(['carol']);
      expect(await names({ op: 'co', path: ['displayName'], value: '100%_x' })).toEqual(['carol']);
      expect(await names({ op: 'sw', path: ['userName'], value: 'ca' })).toEqual(['carol']);
      expect(await names({ op: 'sw', path: ['userName'], value: 'B', caseExact: false })).toEqual(['Bob']);
      expect(await names({ op: 'sw', path: ['userName'], value: 'b' })).toEqual([]);
      expect(await names({ op: 'sw', path: ['displayName'], value: 'Alice' })).toEqual(['alice']);
      expect(await names({ op: 'ew', path: ['displayName'], value: '%_x' })).toEqual(['carol']);
      expect(await names({ op: 'ew', path: ['displayName'], value: 'BROWN', caseExact: false })).toEqual(['Bob']);
      expect(await names({ op: 'ew', path: ['displayName'], value: 'this is longer than any display name' })).toEqual([]);
    });

    it('gt, ge, lt and le compare ISO dates as strings and numbers as numbers', async () => {
      const hire = [ENTERPRISE, 'hireDate'];
      expect(await names({ op: 'gt', path: hire, value: '2020-06-01T00:00:00Z' })).toEqual(['Bob']);
      expect(await names({ op: 'ge', path: hire, value: '2021-06-01T00:00:00Z' })).toEqual(['Bob']);
      expect(await names({ op: 'lt', path: hire, value: '2021-06-01T00:00:00Z' })).toEqual(['alice']);
      expect(await names({ op: 'le', path: hire, value: '2021-06-01T00:00:00Z' })).toEqual(['Bob', 'alice']);
      const level = [ENTERPRISE, 'level'];
      expect(await names({ op: 'gt', path: level, value: 2.5 })).toEqual(['Bob', 'alice']);
      expect(await names({ op: 'ge', path: level, value: 2.5 })).toEqual(['Bob', 'alice', 'carol']);
      expect(await names({ op: 'lt', path: level, value: 3 })).toEqual(['carol']);
      expect(await names({ op: 'le', path: level, value: 3 })).toEqual(['alice', 'carol']);
      expect(await names({ op: 'gt', path: ['meta', 'lastModified'], value: at(2) })).toEqual(['carol', 'dave']);
      expect(await names({ op: 'le', path: ['meta', 'lastModified'], value: at(1) })).toEqual(['alice']);
      expect(await names({ op: 'gt', path: ['userName'], value: 'B' })).toEqual(['Bob', 'alice', 'carol', 'dave']);
      expect(await names({ op: 'gt', path: ['userName'], value: 'b', caseExact: false })).toEqual(['Bob', 'carol', 'dave']);
    });

    it('pr is false for missing, null, empty strings, empty arrays and empty objects', async () => {
      expect(await names({ op: 'pr', path: ['title'] })).toEqual(['Bob']);
      expect(await names({ op: 'pr', path: ['nickName'] })).toEqual(['carol']);
      expect(await names({ op: 'pr', path: ['emails'] })).toEqual(['Bob', 'alice']);
      expect(await names({ op: 'pr', path: ['tags'] })).toEqual(['alice']);
      expect(await names({ op: 'pr', path: ['name'] })).toEqual(['alice']);
      expect(await names({ op: 'pr', path: ['userName'] })).toEqual(['Bob', 'alice', 'carol', 'dave']);
      expect(await names({ op: 'pr', path: [ENTERPRISE, 'level'] })).toEqual(['Bob', 'alice', 'carol']);
    });

    it('not, and, or combine, and not() of an absent attribute holds', async () => {
      expect(await names({ op: 'not', arg: { op: 'eq', path: ['active'], value: true } })).toEqual(['Bob', 'dave']);
      expect(await names({
        op: 'or',
        args: [
          { op: 'and', args: [{ op: 'eq', path: ['active'], value: true }, { op: 'pr', path: ['emails'] }] },
          { op: 'eq', path: ['userName'], value: 'dave' },
        ],
      })).toEqual(['alice', 'dave']);
      expect(await names({ op: 'and', args: [] })).toEqual(['Bob', 'alice', 'carol', 'dave']);
      expect(await names({ op: 'or', args: [] })).toEqual([]);
    });

    it('any matches one element of a multi-valued attribute on all inner conditions', async () => {
      const work = (value: string, caseExact?: boolean): QueryExpr => ({
        op: 'any', path: ['emails'],
        where: { op: 'and', args: [{ op: 'eq', path: ['type'], value: 'work' }, { op: 'co', path: ['value'], value, caseExact }] },
      });
      expect(await names(work('bob', false))).toEqual(['Bob']);
      expect(await names(work('bob'))).toEqual([]);
      expect(await names(work('home'))).toEqual([]);
      expect(await names({ op: 'any', path: ['emails'], where: { op: 'ew', path: ['value'], value: '@corp.io' } })).toEqual(['Bob', 'alice']);
      expect(await names({ op: 'any', path: ['schemas'], where: { op: 'eq', path: [], value: ENTERPRISE } })).toEqual(['Bob', 'alice']);
      expect(await names({ op: 'not', arg: { op: 'any', path: ['emails'], where: { op: 'pr', path: ['value'] } } })).toEqual(['carol', 'dave']);
      expect(await names({ op: 'any', path: ['displayName'], where: { op: 'pr', path: [] } })).toEqual([]);
    });

    it('addresses extension attributes whose keys hold ":" and "."', async () => {
      expect(await names({ op: 'eq', path: [ENTERPRISE, 'cost.center'], value: 'R&D:1' })).toEqual(['alice']);
      expect(await names({ op: 'pr', path: [ENTERPRISE, 'cost.center'] })).toEqual(['alice']);
      expect(await names({ op: 'pr', path: [ENTERPRISE] })).toEqual(['Bob', 'alice', 'carol']);
    });

    it('sorts by typed columns and document paths, missing values last ascending and first descending', async () => {
      expect(await names(undefined, { path: ['userName'], order: 'asc', caseExact: false })).toEqual(['alice', 'Bob', 'carol', 'dave']);
      expect(await names(undefined, { path: ['userName'], order: 'asc' })).toEqual(['Bob', 'alice', 'carol', 'dave']);
      expect(await names(undefined, { path: ['userName'], order: 'desc', caseExact: false })).toEqual(['dave', 'carol', 'Bob', 'alice']);
      expect(await names(undefined, { path: ['displayName'], order: 'asc' })).toEqual(['alice', 'carol', 'Bob', 'dave']);
      expect(await names(undefined, { path: ['displayName'], order: 'asc', caseExact: false })).toEqual(['alice', 'Bob', 'carol', 'dave']);
      expect(await names(undefined, { path: ['displayName'], order: 'desc', caseExact: false })).toEqual(['dave', 'carol', 'Bob', 'alice']);
      expect(await names(undefined, { path: [ENTERPRISE, 'level'], order: 'asc' })).toEqual(['carol', 'alice', 'Bob', 'dave']);
      expect(await names(undefined, { path: ['meta', 'lastModified'], order: 'desc' })).toEqual(['dave', 'carol', 'Bob', 'alice']);
    });

    it('pages with the true totalResults', async () => {
      const sort: SortSpec = { path: ['userName'], order: 'asc', caseExact: false };
      const p = await h.store.identities.query('iga', { sort, page: { startIndex: 2, count: 2 } });
      expect(p).toMatchObject({ totalResults: 4, startIndex: 2 });
      expect(p.items.map((i) => i.userName)).toEqual(['Bob', 'carol']);
      const beyond = await h.store.identities.query('iga', { sort, page: { startIndex: 5, count: 2 } });
      expect(beyond).toMatchObject({ totalResults: 4, items: [] });
      const none = await h.store.identities.query('iga', { page: { startIndex: 1, count: 0 } });
      expect(none).toMatchObject({ totalResults: 4, items: [] });
      const filtered = await h.store.identities.query('iga', { filter: { op: 'pr', path: ['emails'] }, sort, page: { startIndex: 1, count: 1 } });
      expect(filtered.totalResults).toBe(2);
      expect(filtered.items.map((i) => i.userName)).toEqual(['alice']);
      expect((await h.store.identities.query('zed', { page: { startIndex: 1, count: 10 } })).totalResults).toBe(1);
    });

    it('rejects malformed attribute paths instead of building SQL from them', async () => {
      await expect(h.store.identities.query('iga', { filter: { op: 'eq', path: ['a"b'], value: 'x' }, page: { startIndex: 1, count: 1 } })).rejects.toThrow(/path/);
      await expect(h.store.identities.query('iga', { filter: { op: 'pr', path: [''] }, page: { startIndex: 1, count: 1 } })).rejects.toThrow(/path/);
      await expect(h.store.identities.query('iga', { sort: { path: ["x') --"], order: 'asc' }, page: { startIndex: 1, count: 1 } })).resolves.toMatchObject({ totalResults: 4 });
    });

    it('matches group members and user groups through active assignments', async () => {
      const admins = entitlement({ displayName: 'Prod Admins' });
      const dbas = entitlement({ displayName: 'DBAs' });
      const empty = entitlement({ displayName: 'Empty' });
      for (const e of [admins, dbas, empty]) await h.store.entitlements.insert(e);
      await h.store.assignments.insert(assignment(admins, u.alice));
      const bobs = assignment(admins, u.bob);
      await h.store.assignments.insert(bobs);
      await h.store.assignments.insert(assignment(dbas, u.carol));
      const groups = async (filter: QueryExpr) =>
        (await h.store.entitlements.query('iga', { filter, page: { startIndex: 1, count: 10 } })).items.map((e) => e.displayName).sort();
      expect(await groups({ op: 'any', path: ['members'], where: { op: 'eq', path: ['value'], value: u.alice.id } })).toEqual(['Prod Admins']);
      expect(await groups({ op: 'any', path: ['members'], where: { op: 'eq', path: ['display'], value: 'BOB', caseExact: false } })).toEqual(['Prod Admins']);
      expect(await groups({ op: 'pr', path: ['members'] })).toEqual(['DBAs', 'Prod Admins']);
      expect(await groups({ op: 'not', arg: { op: 'pr', path: ['members'] } })).toEqual(['Empty']);
      expect(await groups({ op: 'eq', path: ['displayName'], value: 'prod admins', caseExact: false })).toEqual(['Prod Admins']);
      await h.store.assignments.update({ ...bobs, status: 'removed', endedAt: at(9) });
      expect(await groups({ op: 'any', path: ['members'], where: { op: 'eq', path: ['display'], value: 'bob', caseExact: false } })).toEqual([]);
      expect(await names({ op: 'any', path: ['groups'], where: { op: 'eq', path: ['value'], value: dbas.id } })).toEqual(['carol']);
      expect(await names({ op: 'any', path: ['groups'], where: { op: 'eq', path: ['display'], value: 'prod admins', caseExact: false } })).toEqual(['alice']);
    });
  });
}
