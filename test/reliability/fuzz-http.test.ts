/**
 * Hostile input over HTTP against the real gateway process: fuzzed SCIM bodies, filters, PATCH ops and Bulk,
 * webhook bodies and headers, admin API inputs. Every answer must come (no hang), be below 500, and a refused
 * request (4xx) must leave the state exactly as it was.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardWebhookHeaders } from '../fakes/standard-webhooks.ts';
import { anyJson, patchBody, scimFilter, scimResource, yamlMutation } from '../support/reliability/arbitraries.ts';
import { ROOT } from '../support/reliability/gateway-process.ts';
import { SEED, reportFigure, sizes, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';
import { PAM_EVENTS, type SecurityWorld, createSecurityWorld, leakedInto } from '../support/reliability/security-world.ts';

let world: SecurityWorld;
let userId = '';
let groupId = '';
let cases = 0;
let accepted = 0;
let refused = 0;
let fiveXx = 0;
let webhooksWired = false;
const problems: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  world = await createSecurityWorld({ logLevel: 'info' });
  const h = scimHeaders();
  const u = await fetch(`${world.gateway.url}/scim/v2/Users`, { method: 'POST', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz-target' }) });
  userId = ((await u.json()) as { id: string }).id;
  const g = await fetch(`${world.gateway.url}/scim/v2/Groups`, { method: 'POST', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'PAM-Fuzz-Users', members: [{ value: userId }] }) });
  groupId = ((await g.json()) as { id: string }).id;
  const probe = standardWebhookHeaders({ secret: world.webhook.events, id: 'evt_probe', body: '{}' });
  webhooksWired = (await fetch(`${world.gateway.url}/webhooks/${PAM_EVENTS}`, { method: 'POST', headers: probe.headers, body: probe.body })).status < 300;
}, 60_000);

afterAll(async () => {
  reportFigure('fuzz-http', { seed: SEED, cases, accepted, refused, fiveXx, webhooksWired });
  await world?.close();
});

function scimHeaders(): Record<string, string> {
  return { authorization: `Bearer ${world.tokens.a}`, 'content-type': 'application/scim+json' };
}

const adminHeaders = (): Record<string, string> => ({ authorization: `Bearer ${world.adminToken}`, 'content-type': 'application/json' });

/** Sends one request and checks the invariants; returns nothing (failures are collected, then asserted). */
async function probe(method: string, p: string, headers: Record<string, string>, body?: string): Promise<void> {
  cases += 1;
  const before = world.snapshot();
  let status: number;
  let text: string;
  try {
    const res = await fetch(`${world.gateway.url}${p}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    status = res.status;
    text = await res.text();
  } catch (e) {
    problems.push(`${method} ${p}: no answer (${(e as Error).message}) body=${body?.slice(0, 200)}`);
    return;
  }
  if (status >= 500) {
    fiveXx += 1;
    problems.push(`${method} ${p} -> ${status} ${text.slice(0, 200)} body=${body?.slice(0, 300)}`);
  } else if (status >= 400) {
    refused += 1;
    const after = world.snapshot();
    if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`${method} ${p} -> ${status} changed state ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  } else accepted += 1;
  if (bodies.length < 5_000) bodies.push(text);
}

const runs = sizes.httpFuzzRuns;
const opts = () => ({ numRuns: runs, seed: SEED, interruptAfterTimeLimit: 60_000 * sizes.fuzzScale });
const json = (v: unknown): string => JSON.stringify(v) ?? 'null';
const rawBody = fc.oneof(anyJson.map(json), fc.string({ maxLength: 200 }), fc.constantFrom('', '{', '[]', 'null', '{"schemas":', '\u0000', '{"a":1}{"b":2}'));

describe('fuzz over HTTP', { timeout: TEST_TIMEOUT_MS }, () => {
  it('SCIM creates: fuzzed resources and raw bodies', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(scimResource.map(json), rawBody), fc.constantFrom('Users', 'Groups'), fc.constantFrom('application/scim+json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      async (body, kind, type) => probe('POST', `/scim/v2/${kind}`, { ...scimHeaders(), 'content-type': type }, body)), opts());
    expect(problems).toEqual([]);
  });

  it('SCIM lists: fuzzed filters, paging and projections', async () => {
    const param = fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'NaN', ''));
    await fc.assert(fc.asyncProperty(scimFilter, param, param, fc.constantFrom('Users', 'Groups'), fc.option(fc.constantFrom('attributes', 'excludedAttributes', 'sortBy', 'sortOrder')), fc.string({ maxLength: 30 }),
      async (filter, start, count, kind, extra, extraValue) => {
        const q = new URLSearchParams({ filter, startIndex: start, count });
        if (extra) q.set(extra, extraValue);
        await probe('GET', `/scim/v2/${kind}?${q}`, scimHeaders());
      }), opts());
    await fc.assert(fc.asyncProperty(scimFilter, anyJson, async (filter, extra) =>
      probe('POST', '/scim/v2/.search', scimHeaders(), json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, startIndex: extra }))), opts());
    expect(problems).toEqual([]);
  });

  it('SCIM PATCH: fuzzed operations on a user and a group', async () => {
    await fc.assert(fc.asyncProperty(patchBody, fc.boolean(), fc.option(fc.constantFrom('W/"1"', '"x"', '*', 'W/"999"')), async (body, onGroup, ifMatch) => {
      const h = { ...scimHeaders(), ...(ifMatch ? { 'if-match': ifMatch } : {}) };
      await probe('PATCH', onGroup ? `/scim/v2/Groups/${groupId}` : `/scim/v2/Users/${userId}`, h, json(body));
    }), opts());
    expect(problems).toEqual([]);
  });

  it('SCIM Bulk: fuzzed operations', async () => {
    const op = fc.record({ method: fc.oneof(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'), anyJson), path: fc.oneof(fc.constantFrom('/Users', '/Groups', `/Users/${'x'}`, '/Bulk', ''), fc.string({ maxLength: 20 })), bulkId: fc.option(fc.string({ maxLength: 8 })), data: fc.oneof(scimResource, patchBody) }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 4 }), fc.option(fc.integer({ min: -1, max: 5 })), async (ops, failOnErrors) =>
      probe('POST', '/scim/v2/Bulk', scimHeaders(), json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], failOnErrors: failOnErrors ?? undefined, Operations: ops }))), { ...opts(), numRuns: Math.ceil(runs / 2) });
    expect(problems).toEqual([]);
  });

  it('webhooks: fuzzed bodies (signed and not) and headers', async () => {
    const header = fc.dictionary(fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-encoding', 'x-forwarded-for'), fc.string({ maxLength: 60 }).filter((v) => !/[\r\n\u0000-\u001f\u007f-\uffff]/.test(v)), { maxKeys: 5 });
    await fc.assert(fc.asyncProperty(rawBody, header, fc.boolean(), fc.string({ minLength: 1, maxLength: 30 }).filter((v) => /^[\x21-\x7e]+$/.test(v)), async (body, headers, sign, id) => {
      const h = sign ? standardWebhookHeaders({ secret: world.webhook.events, id, body, headers: { 'content-type': headers['content-type'] ?? 'application/json' } }).headers : headers;
      await probe('POST', `/webhooks/${PAM_EVENTS}`, h, body);
    }), opts());
    expect(problems).toEqual([]);
  });

  it('admin API: fuzzed mapping sources, dry-runs, exports, replays, resolutions, decisions and queries', async () => {
    const mapping = readFileSync(path.join(ROOT, 'mappings/examples/cyberark-safes.yaml'), 'utf8');
    await fc.assert(fc.asyncProperty(fc.oneof(yamlMutation(mapping).map((text) => ({ text, name: 'fuzz.yaml' })), anyJson), async (body) =>
      probe('POST', '/api/v1/mappings/validate', adminHeaders(), json(body))), { ...opts(), numRuns: Math.ceil(runs / 3) });
    const routes = ['/api/v1/mappings/dry-run', '/api/v1/evidence/export', '/api/v1/outbox/replay', '/api/v1/conflicts/cfl_01ABC/resolve', '/api/v1/decisions'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(anyJson.map(json), rawBody), async (route, body) =>
      probe('POST', route, adminHeaders(), body)), opts());
    const q = fc.dictionary(fc.constantFrom('kind', 'status', 'severity', 'limit', 'cursor', 'sort', 'order', 'format', 'entitlementId', 'owner', 'name', 'connectorId'), fc.string({ maxLength: 30 }), { maxKeys: 4 });
    await fc.assert(fc.asyncProperty(fc.constantFrom('/api/v1/findings', '/api/v1/conflicts', '/api/v1/outbox', '/api/v1/evidence', '/api/v1/mappings/file', '/api/v1/findings/fnd_x', '/api/v1/conflicts/%00'), q, async (route, query) =>
      probe('GET', `${route}?${new URLSearchParams(query)}`, adminHeaders())), opts());
    expect(problems).toEqual([]);
  });

  it('gateway still healthy, no secret echoed in any answer', async () => {
    expect((await fetch(`${world.gateway.url}/healthz`)).status).toBe(200);
    expect(world.gateway.running).toBe(true);
    expect(leakedInto(bodies.join('\n'), world.secrets.filter((s) => s !== world.tokens.a))).toEqual([]);
    expect(fiveXx).toBe(0);
  });
});
