import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError, parseJsonText } from '../../../gateway/config/json-text.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('locateJsonError', () => {
  it('finds no error in any valid JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
      expect(locateJsonError(JSON.stringify(value, null, indent))).toBeUndefined();
    }), { numRuns: 300 });
  });

  it('agrees with JSON.parse on whether a damaged document is valid', () => {
    const damaged = fc.tuple(fc.jsonValue(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n', '\\', '{', '[')).map(
      ([value, at, insert]) => {
        const text = JSON.stringify(value, null, 1) ?? 'null';
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
      },
    );
    fc.assert(fc.property(damaged, (text) => {
      expect(locateJsonError(text) === undefined).toBe(parses(text));
    }), { numRuns: 500 });
  });

  it('reports 1-based line and column, counting a BOM as a character', () => {
    expect(parseJsonText('{\n "a": 1,\n}')).toEqual({ ok: false, error: { line: 3, column: 1, reason: 'trailing comma before }' } });
    expect(parseJsonText('\uFEFF{"a": }')).toEqual({ ok: false, error: { line: 1, column: 8, reason: 'unexpected "}", expected a value' } });
    expect(parseJsonText('\uFEFF{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});
