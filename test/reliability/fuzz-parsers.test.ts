/**
 * Property-based fuzzing of the pure edges that hostile input reaches first: SCIM filters, PATCH paths and
 * bodies, resource coercion, syslog framing and parsing, CyberArk audit extraction, webhook verification and
 * the mapping loader. Every case must end as a value or an expected (4xx) error: never another exception, and
 * never a hang (each property has a wall-clock guard through fast-check's `interruptAfterTimeLimit`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../gateway/domain/clock.ts';
import { extractCyberArkAudit } from '../../gateway/intake/syslog/cyberark-audit.ts';
import { createFrameDecoder } from '../../gateway/intake/syslog/frame-decoder.ts';
import { parseSyslog } from '../../gateway/intake/syslog/syslog-message.ts';
import { verifyDelivery, type VerificationScheme } from '../../gateway/intake/verify/scheme.ts';
import { ScimError } from '../../gateway/scim/scim-error.ts';
import { parseFilter, parsePatchPath } from '../../gateway/scim/scim-filter-parser.ts';
import { coerceResource } from '../../gateway/scim/scim-coerce.ts';
import { groupResolver } from '../../gateway/scim/scim-groups.ts';
import { applyPatch } from '../../gateway/scim/scim-patch.ts';
import { userResolver } from '../../gateway/scim/scim-users.ts';
import { loadMappingSet } from '../../mappings/lib/loader.ts';
import { ROOT } from '../support/reliability/gateway-process.ts';
import { anyJson, patchBody, patchPath, scimFilter, scimResource, syslogLine, yamlMutation } from '../support/reliability/arbitraries.ts';
import { SEED, reportFigure, sizes, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';

const scale = sizes.fuzzScale;
let cases = 0;
afterAll(() => reportFigure('fuzz-parsers', { seed: SEED, cases }));

/** No single case may take this long (a hang or a pathological parse). */
const CASE_LIMIT_MS = 2_000;

/**
 * Runs a property `runs` times (seeded). The whole property is bounded in time (a loaded machine runs fewer
 * cases rather than overrunning); each case is bounded by CASE_LIMIT_MS.
 */
function check<T>(arb: fc.Arbitrary<T>, runs: number, predicate: (v: T) => void): void {
  let slowest = 0;
  const out = fc.check(fc.property(arb, (v) => {
    cases += 1;
    const started = performance.now();
    predicate(v);
    slowest = Math.max(slowest, performance.now() - started);
  }), { numRuns: runs * scale, seed: SEED, interruptAfterTimeLimit: 30_000 * scale });
  if (out.failed) throw new Error(fc.defaultReportMessage(out) ?? 'property failed');
  expect(slowest).toBeLessThan(CASE_LIMIT_MS);
}

/** Only a 4xx ScimError may escape a SCIM parser. */
function onlyScimErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ScimError) || e.status < 400 || e.status >= 500) throw e;
  }
}

const userDoc = { userName: 'alice', active: true, emails: [{ value: 'a@example.com', type: 'work', primary: true }], name: { givenName: 'A' } };
const groupDoc = { displayName: 'PAM-Finance-Users', members: [{ value: 'idn_1' }] };

describe('fuzz: SCIM parsers', { timeout: TEST_TIMEOUT_MS }, () => {
  it('filters parse or fail with 400 invalidFilter', () => {
    check(scimFilter, 20_000, (f) => onlyScimErrors(() => parseFilter(f)));
  });

  it('PATCH paths parse or fail with a 4xx', () => {
    check(patchPath, 10_000, (p) => onlyScimErrors(() => parsePatchPath(p)));
  });

  it('PATCH bodies apply or fail with a 4xx, never altering the current document', () => {
    check(fc.tuple(patchBody, fc.boolean()), 15_000, ([body, onGroup]) => {
      const current = structuredClone(onGroup ? groupDoc : userDoc);
      const before = JSON.stringify(current);
      onlyScimErrors(() => applyPatch(body, current, onGroup ? groupResolver : userResolver, { members: onGroup }));
      expect(JSON.stringify(current)).toBe(before);
    });
  });

  it('resources coerce or fail with a 4xx', () => {
    check(fc.tuple(scimResource, fc.constantFrom('create', 'replace', 'partial') as fc.Arbitrary<'create' | 'replace' | 'partial'>, fc.boolean()), 15_000,
      ([body, mode, group]) => onlyScimErrors(() => coerceResource(body, group ? groupResolver : userResolver, mode)));
  });
});

describe('regressions the fuzzing found', () => {
  it('a PATCH op that cannot be turned into a string is a 400, not an exception', () => {
    const body = JSON.parse('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":{"toString":1}}]}') as unknown;
    expect(() => applyPatch(body, structuredClone(userDoc), userResolver, { members: false })).toThrow(ScimError);
  });

  it('a YAML alias to an unset anchor, or an alias bomb, is a load error, not an exception', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    for (const text of ['apiVersion: lockstep.dev/v1\nkind: *nope\n', bomb]) {
      const r = loadMappingSet([{ file: 'm.yaml', text }]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error[0]!.message).toMatch(/invalid YAML/);
    }
  });
});

describe('fuzz: syslog', { timeout: TEST_TIMEOUT_MS }, () => {
  it('frames never exceed the limit and line framing round-trips, whatever the chunking', () => {
    const message = fc.string({ maxLength: 120 }).filter((s) => !/[\n\u0000]/.test(s) && !s.endsWith('\r')).map((s) => `<13>${s}`);
    check(fc.tuple(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 })), 5_000, ([msgs, cuts]) => {
      const frames: string[] = [];
      const d = createFrameDecoder({ maxFrameBytes: 4096, onFrame: (f) => frames.push(f.toString('utf8')), onMalformed: () => undefined });
      const bytes = Buffer.from(msgs.map((m) => `${m}\n`).join(''), 'utf8');
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length]!;
        expect(d.push(bytes.subarray(at, at + n))).toBe(true);
        at += n;
      }
      d.end();
      expect(frames).toEqual(msgs);
    });
  });

  it('arbitrary bytes never throw and never yield a frame over the limit', () => {
    check(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), 10_000, (chunks) => {
      const max = 256;
      const d = createFrameDecoder({ maxFrameBytes: max, onFrame: (f) => expect(f.length).toBeLessThanOrEqual(max), onMalformed: () => undefined });
      for (const c of chunks) if (!d.push(Buffer.from(c))) break;
      d.end();
    });
  });

  it('syslog lines and CyberArk audit messages parse to a Result, never an exception', () => {
    check(syslogLine, 10_000, (line) => {
      const r = parseSyslog(line);
      expect(typeof r.ok).toBe('boolean');
      const a = extractCyberArkAudit(r.ok ? r.value.message : line);
      expect(typeof a.ok).toBe('boolean');
    });
  });
});

describe('fuzz: webhook verification', { timeout: TEST_TIMEOUT_MS }, () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const now = 1_800_000_000;
  const clock: Clock = { now: () => now * 1000 };
  const schemes: VerificationScheme[] = [
    { kind: 'standard-webhooks', secrets: [secret] },
    { kind: 'vendor-hmac', header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', signed: { kind: 'body' }, secrets: ['s3cret'] },
    { kind: 'shared-secret', in: 'header', name: 'x-webhook-secret', secrets: ['s3cret'] },
    { kind: 'basic', credentials: [{ username: 'u', password: 'p' }] },
    { kind: 'bearer', tokens: ['tok'] },
  ];
  const headerName = fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-signature', 'x-webhook-secret', 'authorization', 'content-type');
  const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('v1,', 'v1,AAAA', 'sha256=', 'Basic dTpw', 'Basic ', 'Bearer ', String(now), '9'.repeat(13), ''));

  it('random headers and bodies are refused by every scheme, without an exception', () => {
    check(fc.tuple(fc.constantFrom(...schemes.keys()), fc.dictionary(headerName, headerValue, { maxKeys: 6 }), fc.uint8Array({ maxLength: 200 })), 15_000, ([i, headers, body]) => {
      const scheme = schemes[i]!;
      const r = verifyDelivery(scheme, { method: 'POST', headers, query: {}, rawBody: Buffer.from(body) }, { clock });
      // Basic `u:p` and bearer `tok` can be produced by the generator's constants: those are genuine credentials.
      const genuine = (scheme.kind === 'basic' && headers.authorization === 'Basic dTpw');
      expect(r.ok).toBe(genuine);
    });
  });

  it('a correct Standard Webhooks signature over a tampered body, id or timestamp is refused', () => {
    check(fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 2 }), fc.nat()), 5_000, ([id, body, what, pos]) => {
      const raw = Buffer.from(body);
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const sig = `v1,${createHmac('sha256', key).update(`${id}.${now}.`).update(raw).digest('base64')}`;
      const tampered = Buffer.from(raw);
      tampered[pos % tampered.length] = (tampered[pos % tampered.length]! + 1) % 256;
      const headers = { 'webhook-id': what === 1 ? `${id}x` : id, 'webhook-timestamp': String(what === 2 ? now + 1 : now), 'webhook-signature': sig };
      const good = verifyDelivery(schemes[0]!, { method: 'POST', headers: { ...headers, 'webhook-id': id, 'webhook-timestamp': String(now) }, query: {}, rawBody: raw }, { clock });
      expect(good.ok).toBe(true);
      const bad = verifyDelivery(schemes[0]!, { method: 'POST', headers, query: {}, rawBody: what === 0 ? tampered : raw }, { clock });
      expect(bad.ok).toBe(false);
    });
  });

  it('vendor HMAC accepts only the exact body it signed', () => {
    check(fc.uint8Array({ minLength: 1, maxLength: 200 }), 3_000, (body) => {
      const raw = Buffer.from(body);
      const sig = `sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`;
      expect(verifyDelivery(schemes[1]!, { method: 'POST', headers: { 'x-signature': sig }, query: {}, rawBody: raw }, { clock }).ok).toBe(true);
      expect(verifyDelivery(schemes[1]!, { method: 'POST', headers: { 'x-signature': sig }, query: {}, rawBody: Buffer.concat([raw, Buffer.from(' ')]) }, { clock }).ok).toBe(false);
    });
  });
});

describe('fuzz: mapping loader', { timeout: TEST_TIMEOUT_MS }, () => {
  const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
  const profile = { file: 'cyberark.yaml', text: read('mappings/profiles/cyberark.yaml') };
  const mapping = read('mappings/examples/cyberark-safes.yaml');

  it('mutated mapping files load or fail with line-numbered errors, never an exception', () => {
    check(yamlMutation(mapping), 120, (text) => {
      const r = loadMappingSet([profile, { file: 'm.yaml', text }]);
      if (!r.ok) {
        expect(r.error.length).toBeGreaterThan(0);
        for (const e of r.error) {
          expect(e.line).toBeGreaterThanOrEqual(0);
          expect(typeof e.message).toBe('string');
        }
      }
    });
  });

  it('arbitrary documents in place of a mapping or a profile fail cleanly', () => {
    check(fc.tuple(anyJson, fc.boolean()), 200, ([doc, asProfile]) => {
      const text = JSON.stringify(doc) ?? 'null';
      const r = loadMappingSet(asProfile ? [{ file: 'p.yaml', text }] : [profile, { file: 'm.yaml', text }]);
      expect(typeof r.ok).toBe('boolean');
    });
  });
});
