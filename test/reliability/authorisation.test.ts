/**
 * The authorisation matrix over the real gateway process: every SCIM, webhook and admin route × {no credential,
 * wrong, malformed, another connector's, revoked, expired, the wrong kind}: refused (401, or 404 where the
 * resource belongs to another connector), never 2xx, never a state change. Then no token or secret in the logs,
 * error bodies, metrics, connector listing or evidence export; CSRF refusals; the console's CSP.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardWebhookHeaders } from '../fakes/standard-webhooks.ts';
import { reportFigure, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';
import { PAM_EVENTS, PAM_OTHER, type SecurityWorld, type Snapshot, createSecurityWorld, leakedInto } from '../support/reliability/security-world.ts';

let world: SecurityWorld;
let before: Snapshot;
let userId = '';
let groupId = '';
const seen: string[] = [];
let refused = 0;
let webhooksWired = false;

interface Answer { status: number; text: string; headers: Headers }

function headerText(headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((v, k) => lines.push(`${k}: ${v}`));
  return lines.join('\n');
}

async function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const res = await fetch(`${world.gateway.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = method === 'GET' && path.endsWith('/events') && res.status === 200 ? '' : await res.text();
  seen.push(`${res.status} ${headerText(res.headers)}\n${text}`);
  return { status: res.status, text, headers: res.headers };
}

beforeAll(async () => {
  world = await createSecurityWorld();
  const h = { authorization: `Bearer ${world.tokens.a}`, 'content-type': 'application/scim+json' };
  const u = await send('POST', '/scim/v2/Users', h, JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'alice' }));
  userId = (JSON.parse(u.text) as { id: string }).id;
  const g = await send('POST', '/scim/v2/Groups', h, JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'PAM-Finance-Users', members: [{ value: userId }] }));
  groupId = (JSON.parse(g.text) as { id: string }).id;
  const probe = standardWebhookHeaders({ secret: world.webhook.events, id: 'evt_probe', body: { type: 'session.started', data: {} } });
  webhooksWired = (await send('POST', `/webhooks/${PAM_EVENTS}`, probe.headers, probe.body)).status < 300;
  before = world.snapshot();
}, 60_000);
afterAll(async () => world?.close());

const userBody = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'mallory' });
const patchBody = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });

function scimRoutes(): [string, string, string | undefined][] {
  const routes: [string, string, string | undefined][] = [];
  const groupBody = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'PAM-Stolen-Admins' });
  for (const [kind, id, scimBody] of [['Users', userId, userBody], ['Groups', groupId, groupBody]] as const) {
    routes.push(['GET', `/scim/v2/${kind}`, undefined], ['POST', `/scim/v2/${kind}`, scimBody], ['POST', `/scim/v2/${kind}/.search`, '{}'],
      ['GET', `/scim/v2/${kind}/${id}`, undefined], ['PUT', `/scim/v2/${kind}/${id}`, scimBody], ['PATCH', `/scim/v2/${kind}/${id}`, patchBody],
      ['DELETE', `/scim/v2/${kind}/${id}`, undefined]);
  }
  routes.push(['POST', '/scim/v2/.search', '{}'], ['POST', '/scim/v2/Bulk', JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })],
    ['GET', '/scim/v2/ServiceProviderConfig', undefined], ['GET', '/scim/v2/ResourceTypes', undefined], ['GET', '/scim/v2/ResourceTypes/User', undefined],
    ['GET', '/scim/v2/Schemas', undefined], ['GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', undefined],
    ['GET', '/scim/v2/Entitlements', undefined], ['GET', '/scim/v2/Entitlements/x', undefined], ['GET', '/scim/v2/Roles', undefined],
    ['GET', '/scim/v2/Containers', undefined], ['GET', '/scim/v2/Containers/x', undefined], ['GET', '/scim/v2/ContainerPermissions', undefined],
    ['GET', '/scim/v2/ContainerPermissions/x', undefined]);
  return routes;
}

const ADMIN_ROUTES: [string, string, string | undefined][] = [
  ['GET', '/api/v1/health', undefined], ['GET', '/api/v1/connectors', undefined], ['GET', '/api/v1/findings', undefined],
  ['GET', '/api/v1/findings/fnd_x', undefined], ['GET', '/api/v1/conflicts', undefined], ['GET', '/api/v1/conflicts/cfl_x', undefined],
  ['POST', '/api/v1/conflicts/cfl_x/resolve', '{"action":"iga-wins"}'], ['GET', '/api/v1/mappings', undefined], ['GET', '/api/v1/mappings/file?name=x', undefined],
  ['PUT', '/api/v1/mappings/file', '{"name":"x.yaml","text":"a: 1"}'], ['POST', '/api/v1/mappings/validate', '{"text":"a: 1"}'],
  ['POST', '/api/v1/mappings/dry-run', '{}'], ['GET', '/api/v1/mapping-health', undefined], ['GET', '/api/v1/outbox', undefined],
  ['POST', '/api/v1/outbox/replay', '{}'], ['GET', '/api/v1/evidence?format=json', undefined], ['POST', '/api/v1/evidence/export', '{}'],
  ['GET', '/api/v1/ledger/verify', undefined], ['GET', '/api/v1/events', undefined], ['POST', '/api/v1/decisions', '{}'],
  ['GET', '/api/v1/nonexistent', undefined],
];

describe('authorisation matrix', { timeout: TEST_TIMEOUT_MS }, () => {
  it('SCIM: no, wrong, malformed, revoked, expired and admin credentials are all refused with 401', async () => {
    const creds: Record<string, Record<string, string>> = {
      none: {},
      wrong: { authorization: `Bearer lst_${randomBytes(32).toString('base64url')}` },
      malformed: { authorization: `Basic ${Buffer.from('sailpoint:x').toString('base64')}` },
      empty: { authorization: 'Bearer ' },
      revoked: { authorization: `Bearer ${world.tokens.aRevoked}` },
      expired: { authorization: `Bearer ${world.tokens.aExpired}` },
      admin: { authorization: `Bearer ${world.adminToken}` },
    };
    const wrongAnswers: string[] = [];
    for (const [method, path, body] of scimRoutes()) {
      for (const [name, h] of Object.entries(creds)) {
        const a = await send(method, path, { ...h, 'content-type': 'application/scim+json' }, body);
        if (a.status !== 401 || !/Bearer/.test(a.headers.get('www-authenticate') ?? '')) wrongAnswers.push(`${name} ${method} ${path} -> ${a.status}`);
        else refused += 1;
      }
    }
    expect(wrongAnswers).toEqual([]);
  });

  it("SCIM: another connector's valid token cannot read, change or delete A's resources (404) nor list them", async () => {
    const h = { authorization: `Bearer ${world.tokens.b}`, 'content-type': 'application/scim+json' };
    const wrongAnswers: string[] = [];
    for (const [method, path, body] of scimRoutes()) {
      const isCreate = method === 'POST' && !path.includes('.search');
      if (isCreate) continue;
      const a = await send(method, path, h, body);
      const targetsA = path.includes(userId) || path.includes(groupId);
      if (targetsA) {
        if (a.status !== 404) wrongAnswers.push(`${method} ${path} -> ${a.status}`);
        else refused += 1;
      } else if (a.status >= 500 || a.text.includes(userId) || a.text.includes(groupId) || a.text.includes('alice')) {
        wrongAnswers.push(`${method} ${path} -> ${a.status} leaks A`);
      } else refused += 1;
    }
    expect(wrongAnswers).toEqual([]);
  });

  it('webhooks: unsigned, wrong, another connector\'s, retired and stale signatures are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const wrongAnswers: string[] = [];
    for (const [connector, own, others] of [[PAM_EVENTS, world.webhook.events, world.webhook.other], [PAM_OTHER, world.webhook.other, world.webhook.events]] as const) {
      const cases: Record<string, Parameters<typeof standardWebhookHeaders>[0]> = {
        none: { secret: own, id: 'evt_a', body: '{}', signature: null },
        wrong: { secret: `whsec_${randomBytes(24).toString('base64')}`, id: 'evt_b', body: '{}' },
        malformed: { secret: own, id: 'evt_c', body: '{}', signature: 'v1,not-base64!!' },
        other: { secret: others, id: 'evt_d', body: '{}' },
        revoked: { secret: world.webhook.retired, id: 'evt_e', body: '{}' },
        expired: { secret: own, id: 'evt_f', body: '{}', timestamp: now - 3_600 },
        future: { secret: own, id: 'evt_g', body: '{}', timestamp: now + 3_600 },
        adminToken: { secret: own, id: 'evt_h', body: '{}', signature: null, headers: { authorization: `Bearer ${world.adminToken}` } },
      };
      for (const [name, c] of Object.entries(cases)) {
        const { headers, body } = standardWebhookHeaders(c);
        const a = await send('POST', `/webhooks/${connector}`, headers, body);
        const ok = webhooksWired ? a.status === 401 : a.status === 404;
        if (!ok) wrongAnswers.push(`${name} ${connector} -> ${a.status} ${a.text.slice(0, 200)}`);
        else refused += 1;
      }
    }
    const unknown = standardWebhookHeaders({ secret: world.webhook.events, id: 'evt_u', body: '{}' });
    const a = await send('POST', '/webhooks/no-such-connector', unknown.headers, unknown.body);
    expect(a.status).toBe(404);
    refused += 1;
    expect(wrongAnswers).toEqual([]);
  });

  it('admin API: no, wrong, SCIM, replaced, expired and Basic credentials are refused with 401 on every route', async () => {
    const creds: Record<string, Record<string, string>> = {
      none: {},
      wrong: { authorization: `Bearer lsa_${randomBytes(32).toString('base64url')}` },
      scim: { authorization: `Bearer ${world.tokens.a}` },
      revoked: { authorization: `Bearer ${world.oldAdminToken}` },
      expired: { authorization: `Bearer ${world.tokens.aExpired}` },
      basic: { authorization: `Basic ${Buffer.from(`admin:${world.adminToken}`).toString('base64')}` },
      query: {},
    };
    const wrongAnswers: string[] = [];
    for (const [method, path, body] of ADMIN_ROUTES) {
      for (const [name, h] of Object.entries(creds)) {
        const p = name === 'query' ? `${path}${path.includes('?') ? '&' : '?'}token=${world.adminToken}` : path;
        const a = await send(method, p, { ...h, 'content-type': 'application/json' }, body);
        if (a.status !== 401) wrongAnswers.push(`${name} ${method} ${path} -> ${a.status}`);
        else refused += 1;
      }
    }
    expect(wrongAnswers).toEqual([]);
  });

  it('refused requests changed nothing', () => {
    expect(world.snapshot()).toEqual(before);
  });
});

describe('CSRF and console headers', { timeout: TEST_TIMEOUT_MS }, () => {
  it('refuses cross-site and form writes to the admin API even with the token', async () => {
    const auth = { authorization: `Bearer ${world.adminToken}` };
    const form = await send('POST', '/api/v1/mappings/validate', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'text=a');
    expect(form.status).toBe(415);
    const origin = await send('POST', '/api/v1/mappings/validate', { ...auth, 'content-type': 'application/json', origin: 'https://evil.example' }, '{"text":"a: 1"}');
    expect(origin.status).toBe(403);
    const site = await send('POST', '/api/v1/outbox/replay', { ...auth, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, '{}');
    expect(site.status).toBe(403);
    const noToken = await send('POST', '/api/v1/outbox/replay', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, 'all=1');
    expect(noToken.status).toBe(401);
    expect((await send('GET', '/api/v1/health', { ...auth, 'access-control-request-method': 'POST', origin: 'https://evil.example' })).headers.get('access-control-allow-origin')).toBeNull();
    refused += 4;
  });

  it('serves the console with a strict CSP and no framing', async () => {
    const a = await send('GET', '/console/', {});
    const csp = a.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(a.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('secrets stay secret', { timeout: TEST_TIMEOUT_MS }, () => {
  it('no token or secret in logs, error bodies, metrics, connector listing or evidence export', async () => {
    const auth = { authorization: `Bearer ${world.adminToken}`, 'content-type': 'application/json' };
    await send('GET', '/metrics', {});
    await send('GET', '/api/v1/connectors', auth);
    await send('GET', '/api/v1/health', auth);
    await send('GET', `/api/v1/evidence?format=json&entitlementId=${groupId}`, auth);
    await send('POST', '/api/v1/evidence/export', auth, JSON.stringify({ scope: { kind: 'entitlement', entitlementId: groupId }, format: 'html' }));
    await send('GET', '/readyz', {});
    await new Promise((r) => setTimeout(r, 300));
    const responses = seen.join('\n');
    const logs = readFileSync(world.logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('request completed');
    expect(leakedInto(responses, world.secrets.filter((s) => s !== world.tokens.a && s !== world.tokens.b))).toEqual([]);
    expect(leakedInto(logs, world.secrets)).toEqual([]);
    reportFigure('authorisation', { refused, webhooksWired, responsesScanned: seen.length, logBytesScanned: logs.length });
  });
});
