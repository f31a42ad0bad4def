import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../gateway/scim/scim-error.ts';
import { parseFilter, parsePatchPath } from '../../../gateway/scim/scim-filter-parser.ts';
import { translateFilter } from '../../../gateway/scim/scim-filter-query.ts';
import { groupResolver } from '../../../gateway/scim/scim-groups.ts';
import { userResolver } from '../../../gateway/scim/scim-users.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LS = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:User';
const q = (f: string) => translateFilter(f, userResolver);

function filterError(f: string): ScimError {
  try {
    q(f);
  } catch (e) {
    return e as ScimError;
  }
  throw new Error(`no error for ${f}`);
}

describe('filter translation into store queries', () => {
  it('userName eq is case-insensitive, externalId and id are case-exact', () => {
    expect(q('userName eq "Bob@X.com"').expr).toEqual({ op: 'eq', path: ['userName'], value: 'Bob@X.com', caseExact: false });
    expect(q('externalId eq "AbC"').expr).toEqual({ op: 'eq', path: ['externalId'], value: 'AbC', caseExact: true });
    expect(q('id eq "idn_1"').expr).toEqual({ op: 'eq', path: ['id'], value: 'idn_1', caseExact: true });
  });

  it('canonicalises attribute names written in any case', () => {
    expect(q('DisplayName eq "x"').expr).toMatchObject({ path: ['displayName'] });
    expect(q('name.FamilyName eq "x"').expr).toMatchObject({ path: ['name', 'familyName'] });
  });

  it('covers every comparison operator and pr', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
      expect(q(`title ${op.toUpperCase()} "x"`).expr).toMatchObject({ op, path: ['title'], value: 'x' });
    }
    expect(q('title pr').expr).toEqual({ op: 'pr', path: ['title'] });
  });

  it('keeps and/or/not precedence and grouping', () => {
    expect(q('title pr and userName eq "a" or not (active eq false)').expr).toEqual({
      op: 'or',
      args: [
        { op: 'and', args: [{ op: 'pr', path: ['title'] }, { op: 'eq', path: ['userName'], value: 'a', caseExact: false }] },
        { op: 'not', arg: { op: 'eq', path: ['active'], value: false } },
      ],
    });
    expect(q('userName eq "a" and (title pr or nickName pr)').expr).toMatchObject({ op: 'and', args: [{ op: 'eq' }, { op: 'or' }] });
  });

  it('turns multi-valued sub-attributes and value paths into any', () => {
    expect(q('emails.value eq "a@x.com"').expr).toEqual({ op: 'any', path: ['emails'], where: { op: 'eq', path: ['value'], value: 'a@x.com', caseExact: false } });
    expect(q('emails[type eq "work" and value co "@x"]').expr).toEqual({
      op: 'any', path: ['emails'],
      where: { op: 'and', args: [{ op: 'eq', path: ['type'], value: 'work', caseExact: false }, { op: 'co', path: ['value'], value: '@x', caseExact: false }] },
    });
    expect(q('emails eq "a@x.com"').expr).toMatchObject({ op: 'any', path: ['emails'], where: { path: ['value'] } });
    expect(translateFilter('members[value eq "idn_x"]', groupResolver).expr).toEqual({ op: 'any', path: ['members'], where: { op: 'eq', path: ['value'], value: 'idn_x', caseExact: false } });
  });

  it('resolves URN-prefixed extension attributes', () => {
    expect(q(`${ENT}:employeeNumber eq "42"`).expr).toEqual({ op: 'eq', path: [ENT, 'employeeNumber'], value: '42', caseExact: false });
    expect(q(`${ENT}:manager.value eq "m"`).expr).toMatchObject({ path: [ENT, 'manager', 'value'] });
    expect(q(`${LS}:kind eq "ai-agent"`).expr).toMatchObject({ path: [LS, 'kind'] });
    expect(q('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"').expr).toMatchObject({ path: ['userName'] });
  });

  it('normalises dateTimes and marks meta.lastModified filters as delta reads', () => {
    const t = q('meta.lastModified gt "2026-01-01T01:00:00+01:00"');
    expect(t.expr).toEqual({ op: 'gt', path: ['meta', 'lastModified'], value: '2026-01-01T00:00:00.000Z' });
    expect(t.delta).toBe(true);
    expect(q('meta.created gt 2015-10-10T14:38:21.8617979-07:00').delta).toBe(false);
  });

  it('coerces boolean and null comparisons', () => {
    expect(q('active eq "True"').expr).toEqual({ op: 'eq', path: ['active'], value: true });
    expect(q('title eq null').expr).toEqual({ op: 'not', arg: { op: 'pr', path: ['title'] } });
  });

  it('reads unquoted words as strings (Microsoft validator)', () => {
    expect(q('userName sw O').expr).toEqual({ op: 'sw', path: ['userName'], value: 'O', caseExact: false });
  });

  it('answers invalidFilter for syntax errors and unknown attributes', () => {
    for (const bad of ['userName eq', 'userName zz "x"', '(userName eq "x"', 'userName eq "x" and', 'emails[type eq "w"', '"x" eq userName', 'userName eq "unterminated', 'nope eq "x"', 'active gt true', 'name eq "x"', '']) {
      const e = filterError(bad);
      expect(e).toBeInstanceOf(ScimError);
      expect([e.status, e.scimType]).toEqual([400, 'invalidFilter']);
    }
  });

  it('parses PATCH paths with filters and sub-attributes', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ attrPath: 'emails', subAttr: 'value', filter: { kind: 'cmp', op: 'eq' } });
    expect(parsePatchPath('members[value eq "a"]')).toMatchObject({ attrPath: 'members' });
    expect(parsePatchPath(`${ENT}:manager`)).toEqual({ attrPath: `${ENT}:manager` });
    expect(parseFilter('not (a pr)')).toEqual({ kind: 'not', arg: { kind: 'pr', path: 'a' } });
  });
});
