import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMappingSet, normalise } from '../../mappings/lib/index.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import { pureSha256Hex, sha256Hex } from '../../mappings/lib/sha256.ts';

const loaded = await loadMappingDirs(BUILTIN_DIRS);
if (!loaded.ok) throw new Error('built-in mappings do not load');
const set = loaded.value;
const cyberark = set.profiles.get('cyberark')!;

const record = (over: Record<string, string>) => JSON.stringify({ syslog: { audit_record: { MessageID: '300', IsoTimestamp: '2021-03-11T17:38:20Z', Issuer: 'PSMApp', Safe: 'S', File: 'F', ExtraDetails: 'SessionID=1;User=bob;', ...over } } });

describe('normalise', () => {
  it('gives the same dedupe key to the same CyberArk record and a different one when any key field differs', async () => {
    const a = await normalise(cyberark, { connectorId: 'c', body: record({}) });
    const again = await normalise(cyberark, { connectorId: 'c', body: `<5>1 host CyberArk - - - ${record({})}` });
    const otherSession = await normalise(cyberark, { connectorId: 'c', body: record({ ExtraDetails: 'SessionID=2;User=bob;' }) });
    const otherSafe = await normalise(cyberark, { connectorId: 'c', body: record({ Safe: 'T' }) });
    expect(a.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again.dedupeKey).toBe(a.dedupeKey);
    expect(otherSession.dedupeKey).not.toBe(a.dedupeKey);
    expect(otherSafe.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('never throws and never drops: any body gives a result, and unrecognised results carry a reason', async () => {
    const bodies = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ syslog: { audit_record: v } })), fc.jsonValue().map((v) => JSON.stringify({ RequestID: v, State: v, CreatedAt: v, Roles: v, User: v })));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...set.profiles.values()).filter((p) => p.inbound !== undefined), bodies, async (profile, body) => {
      const r = await normalise(profile, { connectorId: 'x', body, headers: { 'webhook-id': 'm1' } });
      expect(['recognised', 'ignored', 'unrecognised']).toContain(r.status);
      if (r.status === 'unrecognised') expect(r.reasons.length).toBeGreaterThan(0);
      if (r.status === 'recognised') expect(r.events.length).toBeGreaterThan(0);
    }), { numRuns: 300 });
  });

  it('turns a JSONata runtime error into an unrecognised result', async () => {
    const r = loadMappingSet([{ file: 'p.yaml', text: `apiVersion: lockstep.dev/v1
kind: VendorProfile
name: strict
title: t
side: pam
inbound:
  format: json
  verify: { scheme: basic }
  dedupe: { id: id }
  rules:
    - name: r
      when: 'true'
      emit:
        - type: grant.added
          occurredAt: t
          durationMinutes: $number(d)
` }]);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const out = await normalise(r.value.profiles.get('strict')!, { connectorId: 'x', body: '{"id":"1","t":"2024-01-01T00:00:00Z","d":"ten"}' });
    expect(out.status).toBe('unrecognised');
    expect(out.reasons[0]).toMatch(/^evaluation failed: /);
  });
});

describe('sha256', () => {
  it('the plain TypeScript digest equals node:crypto for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
      const expected = createHash('sha256').update(text).digest('hex');
      expect(pureSha256Hex(text)).toBe(expected);
      expect(sha256Hex(text)).toBe(expected);
    }), { numRuns: 300 });
    expect(pureSha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(pureSha256Hex('a'.repeat(1000))).toBe(createHash('sha256').update('a'.repeat(1000)).digest('hex'));
  });
});

describe('polling', () => {
  it('plans the next page from the cursor and reads items and the next cursor (StrongDM)', async () => {
    const { planPoll, readPollPage } = await import('../../mappings/lib/index.ts');
    const sdm = set.profiles.get('strongdm')!;
    expect(await planPoll(sdm, 'c-41')).toEqual({ ok: true, value: { method: 'GET', path: '/v1/activities', query: { after: 'c-41', limit: '50' }, headers: {} } });
    expect(await planPoll(sdm, undefined)).toMatchObject({ ok: true, value: { query: { limit: '50' } } });
    const page = await readPollPage(sdm, { activities: [{ id: 'a1' }, { id: 'a2' }], meta: { nextCursor: 'c-42' } });
    expect(page).toEqual({ ok: true, value: { items: [{ id: 'a1' }, { id: 'a2' }], cursor: 'c-42' } });
    expect(await readPollPage(sdm, { activities: [] })).toEqual({ ok: true, value: { items: [], cursor: undefined } });
    expect((await planPoll(set.profiles.get('cyberark')!, undefined)).ok).toBe(false);
  });
});
