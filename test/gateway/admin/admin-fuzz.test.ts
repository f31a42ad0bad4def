/**
 * Hostile input on the admin API: random query strings and JSON bodies on every route get a 2xx or a 4xx in
 * the one error envelope — never a 5xx — and a rejected write changes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminGateway, startAdminGateway } from './admin-harness.ts';

let h: AdminGateway;
beforeAll(async () => {
  h = await startAdminGateway();
});
afterAll(async () => {
  await h?.gw.stop();
});

const GETS = ['/findings', '/conflicts', '/outbox', '/evidence', '/mappings/file'];
const POSTS = ['/conflicts/cfl_00000000000000000000000000/resolve', '/outbox/replay', '/evidence/export', '/mappings/validate', '/mappings/dry-run'];
const KEYS = ['kind', 'status', 'severity', 'sort', 'order', 'startIndex', 'count', 'connectorId', 'file', 'format', 'owner', 'entitlementId', 'unusedDays'];

const json = fc.jsonValue({ maxDepth: 3 });

describe('admin API under hostile input', () => {
  it('answers random queries without a 5xx', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...GETS), fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String))),
      async (route, query) => {
        const res = await h.api(`${route}?${new URLSearchParams(query)}`);
        expect(res.status, `${route} ${JSON.stringify(query)}`).toBeLessThan(500);
        if (res.status >= 400) expect((await res.json()).error.code).toEqual(expect.any(String));
        else await res.arrayBuffer();
      },
    ), { numRuns: 150 });
  });

  it('answers random JSON bodies without a 5xx and without changing state', async () => {
    const before = await h.gw.store.events.lastSeq();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...POSTS), json, async (route, body) => {
      const res = await h.api(route, { body: JSON.stringify(body) });
      expect(res.status, `${route} ${JSON.stringify(body)}`).toBeLessThan(500);
      await res.arrayBuffer();
    }), { numRuns: 150 });
    const malformed = await h.api('/outbox/replay', { body: '{"all": tru' });
    expect(malformed.status).toBe(400);
    expect(await h.gw.store.events.lastSeq()).toBe(before);
  });
});
