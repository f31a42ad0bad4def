/** fast-check generators for hostile input: SCIM filters, paths, PATCH bodies, resources, syslog lines, YAML. */
import fc from 'fast-check';

const ATTRS = ['userName', 'displayName', 'emails', 'emails.value', 'emails[type eq "work"].value', 'members', 'members.value',
  'name.givenName', 'active', 'externalId', 'meta.lastModified', 'id', 'groups', 'x', 'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group:owner', '', ' ', '[', ']', '.', '"', '\u0000', 'ü'];
const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'pr', 'gt', 'ge', 'lt', 'le', 'EQ', 'and', 'or', 'not', 'xx'];
const VALUES = ['"a"', '"', '""', '"\\"', 'true', 'false', 'null', '1', '-1.5e3', '1e999', '"2025-01-01T00:00:00Z"', '(', ')', '[', ']', 'x'];

/** Strings built from SCIM filter tokens (mostly near-valid), plus unconstrained strings. */
export const scimFilter: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...ATTRS), fc.constantFrom(...OPS), fc.constantFrom(...VALUES), fc.constantFrom(' ', '  ', '(', ')', '[', ']', 'not(')), { maxLength: 24 })
    .map((parts) => parts.join(' ')),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.nat({ max: 400 }).map((n) => `${'('.repeat(n)}userName eq "a"${')'.repeat(n)}`),
  fc.nat({ max: 400 }).map((n) => Array.from({ length: n }, () => 'userName eq "a"').join(' or ')),
);

export const patchPath: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...ATTRS), fc.option(scimFilter), fc.option(fc.constantFrom('value', 'display', 'type', '', '.'))).map(([a, f, s]) =>
    `${a}${f === null ? '' : `[${f}]`}${s === null ? '' : `.${s}`}`),
  fc.string({ maxLength: 80 }),
);

/** Any JSON value, including deep and odd ones. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, undefined, 0, -0, NaN, '', [], {}, { toString: 1 }, { valueOf: {}, toString: {} }, JSON.parse('{"__proto__": {"polluted": 1}}') as unknown, { constructor: { prototype: {} } }, '\u0000', 'a'.repeat(10_000)),
);

const attrValue = fc.oneof(fc.string({ maxLength: 20 }), fc.boolean(), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.record({ value: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()), type: fc.string({ maxLength: 5 }), primary: fc.boolean() }, { requiredKeys: [] }), { maxLength: 3 }));

export const patchBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    schemas: fc.oneof(fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), anyJson),
    Operations: fc.oneof(
      fc.array(fc.record({
        op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'Add', 'REPLACE', 'move', ''), anyJson),
        path: fc.option(patchPath, { nil: undefined }),
        value: fc.oneof(attrValue, fc.dictionary(fc.constantFrom(...ATTRS), attrValue, { maxKeys: 4 })),
      }, { requiredKeys: ['op'] }), { maxLength: 5 }),
      anyJson,
    ),
  }, { requiredKeys: [] }),
  anyJson,
);

export const scimResource: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.constantFrom('schemas', 'userName', 'displayName', 'active', 'emails', 'name', 'members', 'externalId', 'id', 'meta', 'groups',
    'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', '__proto__', 'constructor'),
  fc.oneof(attrValue, fc.constant(['urn:ietf:params:scim:schemas:core:2.0:User']), fc.constant(['urn:ietf:params:scim:schemas:core:2.0:Group'])), { maxKeys: 8 }),
  anyJson,
);

/** Syslog-ish lines: valid headers with random tails, random PRI, and arbitrary text. */
export const syslogLine: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.integer({ min: -5, max: 300 }), fc.constantFrom('1 ', '', '2 '), fc.constantFrom('2025-01-01T00:00:00Z ', 'Jan  1 00:00:00 ', '- ', ''),
    fc.string({ maxLength: 30 }), fc.constantFrom('', ' - ', ' [a b="c"] ', ' [unterminated '), fc.string({ maxLength: 200 }))
    .map(([p, v, ts, host, sd, msg]) => `<${p}>${v}${ts}${host} app 1 ID${sd}${msg}`),
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => `<110>1 2025-01-01T00:00:00Z vault CyberArk - - - ${JSON.stringify(v)}`),
);

/** Mutations of a real YAML file: lines dropped, duplicated, characters replaced or inserted. */
export function yamlMutation(source: string): fc.Arbitrary<string> {
  const lines = source.split('\n');
  return fc.array(fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(':', '-', ' ', '\t', '{', '}', '[', '"', "'", '&', '*', '!', '|', '>', '#', '$', '(', '\u0000', 'x', '9') }),
  ), { minLength: 1, maxLength: 4 }).map((muts) => {
    const out = [...lines];
    for (const m of muts) {
      if (out.length === 0) break;
      const i = m.at % out.length;
      if (m.kind === 'drop') out.splice(i, 1);
      else if (m.kind === 'dup') out.splice(i, 0, out[i]!);
      else {
        const line = out[i]!;
        const j = line.length === 0 ? 0 : m.at % line.length;
        out[i] = line.slice(0, j) + m.ch + line.slice(j + 1);
      }
    }
    return out.join('\n');
  });
}
