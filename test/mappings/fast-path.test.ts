import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../mappings/lib/expression.ts';
import { EXTENSION_FUNCTIONS } from '../../mappings/lib/functions.ts';

/** Paths and operators over values that may be arrays: JSONata maps over them and flattens sequences. */
const ARRAY_PATHS = [
  'a', 'a.b', 'a.b.c', 'a.b.c.d', '$.a.b', '$$.a.b', '$', '$$', '$v', '$v.b', '$v.b.c', 'b.c',
  '$exists(a.b)', 'a.b ? a.b : c', 'a.b and c', '"x" in a.b', '1 in $v.b', 'a.b = "x"', '$string(a.b)', 'a.b & "-"',
  '[a.b, c]', '-a.b', 'a.b + 1', '$kv(a).b', '$lowercase(a.b)',
];

const scalar = fc.oneof(fc.constantFrom('x', 'y', '', 'k=v;b=1;'), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null));
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.record({ b: tie('tree'), c: tie('tree'), d: tie('tree') }, { requiredKeys: [] })),
}));
const input = fc.oneof(
  fc.record({ a: tree, b: tree, c: tree }, { requiredKeys: [] }),
  fc.array(fc.record({ a: tree, b: tree }, { requiredKeys: [] }), { maxLength: 3 }),
);

const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null') as unknown;

async function viaJsonata(source: string, data: unknown, bindings: Record<string, unknown>): Promise<{ value?: unknown; error?: boolean }> {
  const e = jsonata(source);
  for (const [name, fn] of Object.entries(EXTENSION_FUNCTIONS)) e.registerFunction(name, fn as (...a: unknown[]) => unknown);
  try {
    return { value: asJson(await e.evaluate(data, bindings)) };
  } catch {
    return { error: true };
  }
}

describe('fast path over arrays', () => {
  it.each(ARRAY_PATHS)('%s compiles to the fast path', (source) => {
    const r = compileExpression(source);
    expect(r.ok && r.value.fast).toBe(true);
  });

  it('gives exactly what JSONata gives on nested arrays and objects (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ARRAY_PATHS), input, tree, async (source, data, v) => {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(source);
      const expected = await viaJsonata(source, data, { v });
      let actual: { value?: unknown; error?: boolean };
      try {
        actual = { value: asJson(await compiled.value.evaluate(data, { v })) };
      } catch {
        actual = { error: true };
      }
      expect(actual, `${source} on ${JSON.stringify(data)} with $v = ${JSON.stringify(v)}`).toEqual(expected);
    }), { numRuns: 3000 });
  });

  const cases: [string, unknown, unknown][] = [
    ['items', { items: [{ p: 'a' }, { p: 'b' }] }, [{ p: 'a' }, { p: 'b' }]],
    ['items', { items: [] }, []],
    ['items', { items: ['only'] }, ['only']],
    ['perms', { perms: ['useAccounts'] }, ['useAccounts']],
    ['a.b', { a: [{ b: 1 }, { b: [2, 3] }, { c: 4 }] }, [1, 2, 3]],
    ['a.b', { a: [{ b: 1 }, { c: 4 }] }, 1],
    ['a.b', { a: [{ b: [1] }] }, [1]],
    ['a.b', { a: [{ b: [1] }, { b: [] }] }, 1],
    ['a.b.c', { a: [{ b: [{ c: 1 }, { c: [2] }] }, { b: { c: 3 } }] }, [1, 2, 3]],
    ['a.b', { a: [[{ b: 1 }], [{ b: 2 }]] }, [1, 2]],
    ['a.b', { a: { b: { c: 1 } } }, { c: 1 }],
    ['a.constructor', { a: {} }, undefined],
    ['a.b', [{ a: { b: 1 } }, { a: { b: 2 } }], [1, 2]],
    ['$$.a', { a: 'x' }, 'x'],
    ['a', [{ a: [[1]] }], [1]],
    ['a.b', { a: [[{ b: [[1]] }]] }, [1]],
    ['a.b', { a: [[{ b: [[1]] }], { b: 2 }] }, [1, 2]],
  ];
  it.each(cases)('%s on %j gives %j without JSONata', async (source, data, want) => {
    const compiled = compileExpression(source);
    if (!compiled.ok) throw new Error(source);
    const got = compiled.value.evaluate(data);
    expect(got).not.toBeInstanceOf(Promise);
    expect(got).toEqual(want);
    expect((await viaJsonata(source, data, {})).value).toEqual(asJson(want));
  });

  it('returns arrays that are not the input arrays', () => {
    const compiled = compileExpression('items');
    if (!compiled.ok) throw new Error('items');
    const items = [1, 2];
    const got = compiled.value.evaluate({ items });
    expect(got).toEqual(items);
    expect(got).not.toBe(items);
  });
});
