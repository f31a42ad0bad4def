import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../mappings/lib/expression.ts';
import { EXTENSION_FUNCTIONS } from '../../mappings/lib/functions.ts';
import { compileTemplate } from '../../mappings/lib/template.ts';

const FAST = [
  'a', 'a.b', '$.a.b', 'a.b.c', '`x y`.z', '$v', '$v.a', '"lit"', '42', 'true', 'null',
  'a = "x"', 'a != "x"', 'a = b', 'a in ["x", "y", 1]', 'a and b', 'a or b', 'a & "-" & b', 'a ? b : c', 'a ? b',
  '$string(a)', '$number(a)', '$lowercase(a)', '$uppercase(a)', '$trim(a)', '$exists(a.b)', '$boolean(a)', '$not(a)',
  '$length(a)', '$substringAfter(a, "\\\\")', '$substringBefore(a, "@")', '$contains(a, "x")', 'a < b', 'a >= b', 'a + b', 'a * 2', '-a',
  '$kv(a).SessionID', '$stripDomain(a)', '$unixToIso(a)', '$isoToUnix(a)', '$iso(a)', '$isoDurationMinutes(a)',
];

const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('x', 'y', '', 'CORP\\bob', 'bob@corp', 'SessionID=7;User=a;', '12', 'PT2H', '2024-01-01T00:00:00Z'), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 2 }), fc.record({ b: scalar, c: scalar }, { requiredKeys: [] }));
const input = fc.record({ a: value, b: value, c: value, 'x y': fc.record({ z: scalar }) }, { requiredKeys: [] });

async function viaJsonata(source: string, data: unknown, bindings: Record<string, unknown>): Promise<{ value?: unknown; error?: boolean }> {
  const e = jsonata(source);
  for (const [name, fn] of Object.entries(EXTENSION_FUNCTIONS)) e.registerFunction(name, fn as (...a: unknown[]) => unknown);
  try {
    return { value: JSON.parse(JSON.stringify(await e.evaluate(data, bindings)) ?? 'null') as unknown };
  } catch {
    return { error: true };
  }
}

describe('expressions', () => {
  it.each(FAST)('%s compiles to the fast path', (source) => {
    const r = compileExpression(source);
    expect(r.ok && r.value.fast).toBe(true);
  });

  it('leaves the rest to JSONata', () => {
    for (const source of ['a[0]', 'a.b[c = 1]', '$map(a, function($x) { $x })', '$count(a)', '{"k": a}', '$sum(a)']) {
      const r = compileExpression(source);
      expect(r.ok && r.value.fast, source).toBe(false);
    }
  });

  it('the fast path gives exactly what JSONata gives (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...FAST), input, value, async (source, data, v) => {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(source);
      const expected = await viaJsonata(source, data, { v });
      let actual: { value?: unknown; error?: boolean };
      try {
        actual = { value: JSON.parse(JSON.stringify(await compiled.value.evaluate(data, { v })) ?? 'null') as unknown };
      } catch {
        actual = { error: true };
      }
      expect(actual, `${source} on ${JSON.stringify(data)}`).toEqual(expected);
    }), { numRuns: 600 });
  });

  it('reports syntax errors with the character offset', () => {
    const r = compileExpression('a = = b');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.offset).toBe(4);
  });
});

describe('templates', () => {
  it('keeps the type of a whole-value placeholder and joins text otherwise', async () => {
    const whole = compileTemplate('{{ n }}');
    const mixed = compileTemplate('id-{{ n }}-{{ s }}');
    expect(whole.ok && mixed.ok).toBe(true);
    if (!whole.ok || !mixed.ok) return;
    expect(await whole.value.evaluate({ n: 7 })).toBe(7);
    expect(await mixed.value.evaluate({ n: 7, s: 'x' })).toBe('id-7-x');
  });

  it('URL-encodes path placeholders and gives nothing when one is missing', async () => {
    const t = compileTemplate('/Safes/{{ safe }}/Members/{{ member }}', 'path');
    if (!t.ok) throw new Error(t.error.message);
    expect(await t.value.evaluate({ safe: 'PRD Oracle', member: 'CORP\\bob' })).toBe('/Safes/PRD%20Oracle/Members/CORP%5Cbob');
    expect(await t.value.evaluate({ safe: 'PRD' })).toBeUndefined();
  });

  it('reports an unclosed placeholder', () => {
    const t = compileTemplate('a {{ b');
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error.offset).toBe(2);
  });
});
