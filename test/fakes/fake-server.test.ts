import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { empty, json, route, startFakeServer, type FakeServer } from './fake-server.ts';

let fake: FakeServer;
let counter = 0;

beforeEach(async () => {
  counter = 0;
  fake = await startFakeServer({
    name: 'test',
    errorBody: (status, message) => ({ error: message, status }),
    authenticate: (req) => (req.headers.authorization === 'Bearer ok' ? undefined : json(401, { error: 'unauthorized' })),
    routes: [
      route('GET', '/ping', () => json(200, { pong: true }), { public: true }),
      route('POST', '/things/:id', (req) => {
        counter += 1;
        req.effect(`thing:${req.params.id}`);
        return json(201, { id: req.params.id, body: req.body });
      }),
      route('DELETE', '/things/:id', () => empty(204)),
    ],
  });
});

afterEach(async () => {
  await fake.close();
});

const auth = { authorization: 'Bearer ok', 'content-type': 'application/json' };
const post = (path: string, key?: string, signal?: AbortSignal) =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { ...auth, ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify({ a: 1 }), signal });

describe('fake server base', () => {
  it('routes case-insensitively, parses JSON and form bodies, and logs calls with idempotency keys', async () => {
    const res = await post('/THINGS/a%20b', 'k1');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'a b', body: { a: 1 } });
    const form = await fetch(`${fake.url}/things/x`, { method: 'POST', headers: { authorization: 'Bearer ok', 'content-type': 'application/x-www-form-urlencoded' }, body: 'event=e&lsid=1' });
    expect(await form.json()).toEqual({ id: 'x', body: { event: 'e', lsid: '1' } });
    expect(fake.calls.length).toBe(2);
    const first = fake.calls.all()[0]!;
    expect(first).toMatchObject({ method: 'POST', path: '/THINGS/a%20b', idempotencyKey: 'k1', route: '/things/:id', status: 201, effects: ['thing:a b'] });
  });

  it('checks auth except on public routes, answers 404/405 and 400 on malformed JSON in the vendor error shape', async () => {
    expect((await fetch(`${fake.url}/ping`)).status).toBe(200);
    expect((await fetch(`${fake.url}/things/1`, { method: 'POST' })).status).toBe(401);
    const nf = await fetch(`${fake.url}/nothing`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ status: 404 });
    expect((await fetch(`${fake.url}/ping`, { method: 'PUT' })).status).toBe(405);
    const bad = await fetch(`${fake.url}/things/1`, { method: 'POST', headers: auth, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(counter).toBe(0);
  });

  it('counts effects per idempotency key and state changes per resource', async () => {
    await post('/things/1', 'k1');
    await post('/things/1', 'k1');
    await post('/things/2', 'k2');
    await fetch(`${fake.url}/things/2`, { method: 'DELETE', headers: auth });
    expect(Object.fromEntries(fake.calls.effectsByKey())).toEqual({ k1: 2, k2: 1 });
    expect(Object.fromEntries(fake.calls.stateChanges())).toEqual({ 'thing:1': 2, 'thing:2': 1 });
    expect(fake.calls.count({ method: 'POST', route: '/things/:id' })).toBe(3);
  });
});

describe('fault injection', () => {
  it('answers scripted 5xx a given number of times, then recovers; faulted calls have no effect', async () => {
    fake.faults.next({ status: 503 }, 2);
    expect((await post('/things/1', 'k')).status).toBe(503);
    const second = await post('/things/1', 'k');
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ status: 503 });
    expect((await post('/things/1', 'k')).status).toBe(201);
    expect(counter).toBe(1);
    expect(fake.calls.effectsByKey().get('k')).toBe(1);
    expect(fake.calls.all().map((c) => c.fault)).toEqual(['status:503', 'status:503', undefined]);
    expect(fake.faults.injected()).toBe(2);
  });

  it('answers 429 with Retry-After', async () => {
    fake.faults.next({ status: 429, retryAfter: 2 });
    const res = await post('/things/1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
  });

  it('scopes a fault to a route matcher', async () => {
    fake.faults.next({ status: 500 }, 1, { method: 'DELETE', path: /^\/things\// });
    expect((await post('/things/1')).status).toBe(201);
    expect((await fetch(`${fake.url}/things/1`, { method: 'DELETE', headers: auth })).status).toBe(500);
    expect(fake.faults.pending()).toBe(0);
  });

  it('hangs until the client times out, and close() still returns', async () => {
    fake.faults.next({ hang: true });
    await expect(post('/things/1', undefined, AbortSignal.timeout(200))).rejects.toThrow();
    expect(counter).toBe(0);
    expect(fake.calls.last()?.fault).toBe('hang');
  });

  it('answers slowly but normally with delayMs', async () => {
    fake.faults.next({ delayMs: 150 });
    const res = await post('/things/1');
    expect(res.status).toBe(201);
    expect(counter).toBe(1);
    expect(fake.calls.last()?.fault).toBe('delay:150');
  });

  it('drops the connection without an answer', async () => {
    fake.faults.next({ drop: true });
    await expect(post('/things/1')).rejects.toThrow();
    expect(counter).toBe(0);
    expect((await post('/things/1')).status).toBe(201);
  });

  it("drops or hangs AFTER the effect ('after'): the vendor did it, the client cannot tell", async () => {
    fake.faults.next({ drop: 'after' }).next({ hang: 'after' });
    await expect(post('/things/1', 'k')).rejects.toThrow();
    await expect(post('/things/1', 'k', AbortSignal.timeout(200))).rejects.toThrow();
    expect(counter).toBe(2);
    expect(fake.calls.effectsByKey().get('k')).toBe(2);
    expect(fake.calls.all().map((c) => c.fault)).toEqual(['drop-after', 'hang-after']);
  });

  it('goes down (connection refused) and comes back up on the same port', async () => {
    const url = fake.url;
    await fake.faults.down();
    expect(fake.faults.isDown()).toBe(true);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
    await fake.faults.up();
    expect(fake.url).toBe(url);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });

  it('goes down by resetting every connection, then up', async () => {
    await fake.faults.down('reset');
    await expect(fetch(`${fake.url}/ping`)).rejects.toThrow();
    await fake.faults.up();
    expect((await fetch(`${fake.url}/ping`)).status).toBe(200);
  });

  it('applies an always fault until cleared', async () => {
    fake.faults.always({ status: 502 });
    expect((await fetch(`${fake.url}/ping`)).status).toBe(502);
    expect((await fetch(`${fake.url}/ping`)).status).toBe(502);
    expect(fake.faults.pending()).toBe(Infinity);
    fake.faults.clear();
    expect((await fetch(`${fake.url}/ping`)).status).toBe(200);
  });
});
