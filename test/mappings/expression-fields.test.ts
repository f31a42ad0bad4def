import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../mappings/lib/expression.ts';
import { inputFieldsOf } from '../../mappings/lib/expression-fields.ts';
import { compileTemplate } from '../../mappings/lib/template.ts';

const fields = (source: string): string[] | undefined => {
  const f = inputFieldsOf(jsonata(source).ast(), ['identity']);
  return f && [...f].sort();
};

describe('the input fields an expression may read', () => {
  it('names the top-level fields of paths from the input or its alias', () => {
    expect(fields('userName')).toEqual(['userName']);
    expect(fields('$identity.userName')).toEqual(['userName']);
    expect(fields('$.externalId')).toEqual(['externalId']);
    expect(fields('resource.emails[primary = true].value')).toEqual(['resource']);
    expect(fields('$lowercase(userName) & "@" & $identity.resource.emails[0].value')).toEqual(['resource', 'userName']);
    expect(fields('kind = "service-account" ? owner : userName')).toEqual(['kind', 'owner', 'userName']);
    expect(fields('{"u": userName, "d": [displayName, -1]}.u')).toEqual(['displayName', 'userName']);
    expect(fields('"fixed"')).toEqual([]);
  });

  it('does not count names below the first step, but follows variables inside filters', () => {
    expect(fields('resource.userName')).toEqual(['resource']);
    expect(fields('resource.emails[type = $identity.kind].value')).toEqual(['kind', 'resource']);
    expect(fields('resource.emails[type = "work"].value')).toEqual(['resource']);
  });

  it('cannot tell when the input may be read whole or in ways not modelled', () => {
    for (const source of ['$', '$identity', '$string($)', '*.value', '**.value', '$keys($identity)', '($x := userName; $x)', 'function($v){ $v }(userName)', 'userName ~> $lowercase', 'resource.emails^(value).value']) {
      expect(fields(source), source).toBeUndefined();
    }
  });

  it('is what compiled expressions and templates report, and a template unites its parts', () => {
    const e = compileExpression('$identity.resource.name.givenName');
    expect(e.ok && [...e.value.inputFields(['identity'])!]).toEqual(['resource']);
    const t = compileTemplate('{{ $lowercase(userName) }}@{{ resource.emails[0].value }}');
    expect(t.ok && [...t.value.inputFields(['identity'])!].sort()).toEqual(['resource', 'userName']);
    const unknown = compileTemplate('{{ userName }}-{{ $ }}');
    expect(unknown.ok && unknown.value.inputFields(['identity'])).toBeUndefined();
    const plain = compileTemplate('svc-fixed');
    expect(plain.ok && [...plain.value.inputFields(['identity'])!]).toEqual([]);
  });
});
