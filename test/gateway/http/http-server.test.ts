import { request } from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ListenError, listen } from '../../../gateway/http/http-server.ts';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('listen / close', () => {
  it('lets an in-flight request finish while refusing new connections', async () => {
    const release = deferred();
    const arrived = deferred();
    const server = await listen((_req, res) => {
      arrived.resolve();
      void release.promise.then(() => res.end('finished'));
    }, { host: '127.0.0.1', port: 0 });

    const inFlight = get(`${server.url}/slow`);
    await arrived.promise;
    expect(server.inFlight()).toBe(1);
    const closed = server.close(30_000);

    await expect(get(`${server.url}/new`)).rejects.toThrow(/ECONNREFUSED/);
    release.resolve();
    expect(await inFlight).toEqual({ status: 200, body: 'finished' });
    expect(await closed).toEqual({ forced: false });
  });

  it('cuts requests still running when the grace period ends', async () => {
    const arrived = deferred();
    const server = await listen(() => arrived.resolve(), { host: '127.0.0.1', port: 0 });
    const hanging = get(`${server.url}/forever`);
    await arrived.promise;
    expect(await server.close(50)).toEqual({ forced: true });
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('refuses a port in use with one clear message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await listen(() => undefined, { host: '127.0.0.1', port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ListenError);
      expect(error).toMatchObject({ code: 'EADDRINUSE', message: `port ${port} on 127.0.0.1 is already in use` });
    } finally {
      blocker.close();
    }
  });
});
