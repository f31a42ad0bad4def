import express, { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createApp } from '../../../gateway/http/app.ts';
import { hashToken } from '../../../gateway/http/bearer-tokens.ts';
import { requireAdminToken } from '../../../gateway/http/admin-auth.ts';
import { HttpError } from '../../../gateway/http/http-error.ts';
import { type ListeningServer, listen } from '../../../gateway/http/http-server.ts';
import { Readiness } from '../../../gateway/http/readiness.ts';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { createMetrics } from '../../../gateway/observability/metrics.ts';
import { randomBytes } from 'node:crypto';

const servers: ListeningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close(0);
});

async function serve(opts: { ready?: () => boolean } = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const metrics = createMetrics({ version: '9.9.9' });
  const readiness = new Readiness();
  readiness.register('store', () => (opts.ready?.() ?? true ? { ok: true } : { ok: false, reason: 'state store is not open and migrated' }));
  const api = Router();
  api.use(express.json());
  api.get('/things/:id', (req, res) => {
    res.json({ id: req.params.id, requestId: req.id });
  });
  api.post('/things', (req, res) => {
    res.status(201).json(req.body);
  });
  api.get('/refused', () => {
    throw new HttpError(409, 'conflict', 'the thing changed meanwhile', { version: 3 });
  });
  api.get('/boom', async () => {
    throw new Error('connection string postgres://u:secret@db leaked');
  });
  const adminHash = hashToken('lsa_good');
  const admin = Router();
  admin.use(requireAdminToken({ adminTokenHash: () => adminHash }));
  admin.get('/whoami', (_req, res) => {
    res.json({ admin: true });
  });
  const app = createApp({
    logger, metrics, readiness, clock: systemClock, random: (n) => randomBytes(n), version: '9.9.9',
    mounts: [{ path: '/api', router: api }, { path: '/admin', router: admin }],
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  servers.push(server);
  return { url: server.url, lines, metrics };
}

describe('http app', () => {
  it('answers /healthz', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: '9.9.9' });
  });

  it('answers /readyz 503 with the reasons until every check passes', async () => {
    let ready = false;
    const { url } = await serve({ ready: () => ready });
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not-ready', checks: { store: { ok: false, reason: 'state store is not open and migrated' } } });
    ready = true;
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { store: { ok: true } } });
  });

  it('generates a req_ id, or keeps a sane caller id, and echoes it', async () => {
    const { url, lines } = await serve();
    const generated = await fetch(`${url}/api/things/1`);
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(await generated.json()).toEqual({ id: '1', requestId: id });

    const kept = await fetch(`${url}/api/things/2`, { headers: { 'x-request-id': 'upstream-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('upstream-abc.123');

    const insane = await fetch(`${url}/api/things/3`, { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(insane.headers.get('x-request-id')).toMatch(/^req_/);

    const access = lines.find((l) => l.msg === 'request completed' && l.requestId === 'upstream-abc.123');
    expect(access).toMatchObject({ method: 'GET', path: '/api/things/2', route: '/api/things/:id', status: 200 });
  });

  it('answers an expected refusal in the error envelope', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/api/refused`, { headers: { 'x-request-id': 'r-1' } });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'conflict', message: 'the thing changed meanwhile', requestId: 'r-1', details: { version: 3 } } });
  });

  it('answers an unknown error 500 without internals, and logs it with the request id', async () => {
    const { url, lines } = await serve();
    const res = await fetch(`${url}/api/boom`, { headers: { 'x-request-id': 'r-2' } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'internal', message: 'internal error', requestId: 'r-2' } });
    expect(body).not.toContain('secret');
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: 'r-2', level: 'error', path: '/api/boom' });
    expect(JSON.stringify(logged)).toContain('leaked');
  });

  it('answers unknown routes and malformed bodies in the envelope', async () => {
    const { url } = await serve();
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: 'no route for GET /nowhere' } });

    const bad = await fetch(`${url}/api/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('requires the admin bearer token on routes that use requireAdminToken', async () => {
    const { url } = await serve();
    const none = await fetch(`${url}/admin/whoami`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await fetch(`${url}/admin/whoami`, { headers: { authorization: 'Bearer lsa_bad' } })).status).toBe(401);
    const ok = await fetch(`${url}/admin/whoami`, { headers: { authorization: 'Bearer lsa_good' } });
    expect(ok.status).toBe(200);
  });

  it('exposes Prometheus metrics including request durations by route pattern', async () => {
    const { url } = await serve();
    await fetch(`${url}/api/things/42`);
    await fetch(`${url}/nowhere`);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/lockstep_http_request_duration_seconds_count\{method="GET",route="\/api\/things\/:id",status="200"\} 1/);
    expect(text).toMatch(/lockstep_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toContain('lockstep_build_info{version="9.9.9"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('/api/things/42');
  });

  it('never logs credentials or query strings', async () => {
    const { url, lines } = await serve();
    await fetch(`${url}/api/things/1?token=abc123`, { headers: { authorization: 'Bearer lsa_zzz' } });
    expect(JSON.stringify(lines)).not.toContain('abc123');
    expect(JSON.stringify(lines)).not.toContain('lsa_zzz');
  });
});
