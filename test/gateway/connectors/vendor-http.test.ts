import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVendorHttp, resolveUrl } from '../../../gateway/connectors/vendor-http.ts';

let target: http.Server;
let other: http.Server;
let otherHits = 0;
const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  other = http.createServer((_req, res) => {
    otherHits++;
    res.end('{}');
  }).listen(0, '127.0.0.1');
  target = http.createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${url(other)}/steal` });
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url }));
  }).listen(0, '127.0.0.1');
  await Promise.all([new Promise((r) => target.once('listening', r)), new Promise((r) => other.once('listening', r))]);
});
afterAll(async () => {
  await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => other.close(r))]);
});

describe('vendor HTTP', () => {
  it('calls only the configured origin, under its base path', async () => {
    const v = createVendorHttp({ baseUrl: `${url(target)}/api/`, timeoutMs: 2_000 });
    expect(await v.send({ method: 'GET', path: '/Safes', query: { limit: 2 } })).toMatchObject({ ok: true, value: { status: 200, body: { path: '/api/Safes?limit=2' } } });
    const elsewhere = await v.send({ method: 'GET', path: `${url(other)}/x` });
    expect(elsewhere).toMatchObject({ ok: false, error: { failure: { kind: 'permanent' } } });
    expect(otherHits).toBe(0);
    v.close();
  });

  it('refuses redirects instead of following them to another host', async () => {
    const v = createVendorHttp({ baseUrl: url(target), timeoutMs: 2_000 });
    const r = await v.send({ method: 'POST', path: '/redirect', body: { secret: 'x' } });
    expect(r).toMatchObject({ ok: false, error: { failure: { kind: 'permanent' } } });
    expect(!r.ok && r.error.message).toMatch(/refused redirect/);
    expect(otherHits).toBe(0);
    v.close();
  });

  it('allows an extra origin only when configured (OAuth2 token endpoint)', () => {
    expect(resolveUrl('https://pam.example', 'https://login.example/token', new Set(['https://pam.example'])).ok).toBe(false);
    expect(resolveUrl('https://pam.example', 'https://login.example/token', new Set(['https://pam.example', 'https://login.example'])).ok).toBe(true);
    const sneaky = resolveUrl('https://pam.example/base', '//evil.example/x', new Set(['https://pam.example']));
    expect(sneaky.ok && sneaky.value.href).toBe('https://pam.example/base/evil.example/x');
  });
});
