/**
 * Listening and graceful closing. `close()` stops accepting connections, lets in-flight requests finish
 * (closing each keep-alive connection once it is idle), and after `graceMs` cuts whatever is left
 * (long-lived streams) so shutdown is bounded.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ListenError extends Error {
  constructor(readonly code: string | undefined, message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

export interface ListeningServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** Requests started and not yet finished. */
  inFlight(): number;
  close(graceMs: number): Promise<{ forced: boolean }>;
}

export function listen(handler: RequestListener, opts: { host: string; port: number }): Promise<ListeningServer> {
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 }, handler);
  let inFlight = 0;
  let closing = false;
  const idleWaiters = new Set<() => void>();
  server.on('request', (_req, res) => {
    inFlight++;
    if (closing) res.setHeader('connection', 'close');
    res.on('close', () => {
      inFlight--;
      if (closing) server.closeIdleConnections();
      if (inFlight === 0) for (const wake of idleWaiters) wake();
    });
  });

  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const where = `${opts.host}:${opts.port}`;
      const message = e.code === 'EADDRINUSE' ? `port ${opts.port} on ${opts.host} is already in use`
        : e.code === 'EACCES' ? `not allowed to listen on ${where}`
        : e.code === 'EADDRNOTAVAIL' ? `address ${opts.host} is not available on this machine`
        : `cannot listen on ${where}: ${e.message}`;
      reject(new ListenError(e.code, message));
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      const { port } = server.address() as AddressInfo;
      const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        server,
        host: opts.host,
        port,
        url: `http://${hostForUrl}:${port}`,
        inFlight: () => inFlight,
        close: (graceMs) => closeGracefully(graceMs),
      });
    });
  });

  function closeGracefully(graceMs: number): Promise<{ forced: boolean }> {
    closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.add(resolve));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    return Promise.race([drained.then(() => 'drained' as const), deadline]).then(async (outcome) => {
      clearTimeout(timer);
      const forced = outcome === 'timeout' && inFlight > 0;
      server.closeAllConnections();
      await closed;
      return { forced };
    });
  }
}
