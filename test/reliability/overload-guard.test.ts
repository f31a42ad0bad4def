/** The overload guard on a real express server: sheds with 503 + Retry-After at capacity, exempts probes, recovers. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { overloadGuard } from '../../gateway/http/overload-guard.ts';

const servers: import('node:http').Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(max: number) {
  const guard = overloadGuard({ maxInFlight: max, retryAfterSeconds: 2 });
  const gates: (() => void)[] = [];
  let arrived = 0;
  const app = express();
  app.use(guard);
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/slow', (_req, res) => {
    arrived += 1;
    gates.push(() => res.json({ done: true }));
  });
  app.get('/fast', (_req, res) => void res.json({ fast: true }));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitArrived = async (n: number) => {
    while (arrived < n) await new Promise((r) => setTimeout(r, 10));
  };
  return { url, guard, gates, waitArrived };
}

describe('overload guard', () => {
  it('answers 503 with Retry-After at capacity, keeps probes up, and serves again once requests finish', async () => {
    const s = await serve(3);
    const slow = Array.from({ length: 3 }, () => fetch(`${s.url}/slow`));
    await s.waitArrived(3);
    expect(s.guard.inFlight()).toBe(3);
    const shed = await fetch(`${s.url}/fast`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(((await shed.json()) as { error: { code: string } }).error.code).toBe('overloaded');
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    for (const g of s.gates) g();
    for (const r of await Promise.all(slow)) expect(r.status).toBe(200);
    expect((await fetch(`${s.url}/fast`)).status).toBe(200);
    expect(s.guard.inFlight()).toBe(0);
  });

  it('releases the slot of a request whose client went away', async () => {
    const s = await serve(1);
    const abort = new AbortController();
    const gone = fetch(`${s.url}/slow`, { signal: abort.signal }).catch(() => undefined);
    await s.waitArrived(1);
    abort.abort();
    await gone;
    for (let i = 0; i < 100 && s.guard.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.guard.inFlight()).toBe(0);
    expect((await fetch(`${s.url}/fast`)).status).toBe(200);
  });

  it('refuses a nonsensical capacity', () => {
    expect(() => overloadGuard({ maxInFlight: 0 })).toThrow(/positive integer/);
  });
});
