/**
 * The base every vendor fake is built on: a real node:http server on 127.0.0.1 (port 0) with a small
 * case-insensitive router, JSON and form body parsing, the call log, scripted faults and an auth hook.
 * Vendors differ only in their routes, their auth check and the shape of their error bodies.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CallLog, type CallRecord } from './call-log.ts';
import { createFaultInjector, type DownMode, type Fault, type FaultInjector } from './fault-injector.ts';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly rawBody: string;
  /** Route parameters, URI-decoded, case preserved. */
  readonly params: Readonly<Record<string, string>>;
  readonly call: CallRecord;
  /** Record that this request changed `resource` (feeds `effectsByKey()` and `stateChanges()`). */
  effect(resource: string): void;
}

export interface FakeResponse {
  readonly status: number;
  /** Serialised as JSON (a string becomes a JSON string, as CyberArk's logon answers). */
  readonly body?: unknown;
  /** Sent as is, instead of `body`. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface RouteOptions {
  /** Skip the fake's auth check (logon and token endpoints). */
  readonly public?: boolean;
}

export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: Handler;
  readonly options: RouteOptions;
}

export interface FakeServerOptions {
  readonly name: string;
  readonly routes: readonly Route[];
  /** The vendor's error body for a status and message (faults, 404, 405, bad JSON, crashes). */
  readonly errorBody: (status: number, message: string) => unknown;
  /** Returns an error response when the request is not authenticated; undefined lets it through. */
  readonly authenticate?: (req: FakeRequest) => FakeResponse | undefined;
  readonly port?: number;
}

export interface FakeServer {
  readonly url: string;
  readonly port: number;
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

/** What every `startXFake()` resolves to. */
export interface Fake<S> extends FakeServer {
  readonly state: S;
}

export const json = (status: number, body?: unknown, headers?: Record<string, string | string[]>): FakeResponse => ({ status, body, headers });
export const empty = (status = 204): FakeResponse => ({ status });

export function route(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): Route {
  return { method: method.toUpperCase(), pattern, handler, options };
}

interface CompiledRoute extends Route {
  readonly regex: RegExp;
  readonly names: readonly string[];
}

function compile(r: Route): CompiledRoute {
  const names: string[] = [];
  const source = r.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...r, regex: new RegExp(`^${source}/?$`, 'i'), names };
}

function parseBody(raw: string, contentType: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  if (contentType.includes('application/x-www-form-urlencoded')) return { ok: true, value: Object.fromEntries(new URLSearchParams(raw)) };
  if (contentType.includes('json') || /^\s*[{["]/.test(raw)) {
    try {
      return { ok: true, value: JSON.parse(raw) };
    } catch {
      return contentType.includes('json') ? { ok: false } : { ok: true, value: raw };
    }
  }
  return { ok: true, value: raw };
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const MAX_BODY = 1024 * 1024;

export async function startFakeServer(opts: FakeServerOptions): Promise<FakeServer> {
  const compiled = opts.routes.map(compile);
  const calls = new CallLog();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let resetting = false;
  let closed = false;
  let port = opts.port ?? 0;

  /** Requests whose answer is withheld after the handler ran (`hang: 'after'`, `drop: 'after'`). */
  const withheld = new WeakMap<CallRecord, 'hang' | 'drop'>();

  const send = (res: http.ServerResponse, call: CallRecord, out: FakeResponse): void => {
    call.status = out.status;
    if (res.destroyed || res.writableEnded) return;
    const withhold = withheld.get(call);
    if (withhold === 'drop') res.socket?.destroy();
    if (withhold) return;
    const payload = out.text ?? (out.body === undefined ? '' : JSON.stringify(out.body));
    const headers: Record<string, string | string[]> = { ...(out.headers ?? {}) };
    if (payload.length > 0 && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['content-type'] = out.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(out.status, headers);
    res.end(payload);
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const faultResponse = (fault: Extract<Fault, { status: number }>): FakeResponse => {
    const headers: Record<string, string> = { ...(fault.headers ?? {}) };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    return { status: fault.status, body: fault.body ?? opts.errorBody(fault.status, http.STATUS_CODES[fault.status] ?? 'Injected fault'), headers };
  };

  const dispatch = async (req: FakeRequest, res: http.ServerResponse): Promise<void> => {
    const candidates = compiled.filter((r) => r.regex.test(req.path));
    if (candidates.length === 0) return send(res, req.call, json(404, opts.errorBody(404, `No route for ${req.method} ${req.path}`)));
    const hit = candidates.find((r) => r.method === req.method);
    if (hit === undefined) return send(res, req.call, json(405, opts.errorBody(405, `Method ${req.method} not allowed`)));
    const m = hit.regex.exec(req.path)!;
    const params: Record<string, string> = {};
    hit.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    req.call.route = hit.pattern;
    const routed: FakeRequest = { ...req, params };
    if (!hit.options.public && opts.authenticate) {
      const denied = opts.authenticate(routed);
      if (denied) return send(res, req.call, denied);
    }
    send(res, req.call, await hit.handler(routed));
  };

  const onRequest = (raw: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    raw.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    raw.on('end', () => {
      void handle(raw, res, Buffer.concat(chunks).toString('utf8'), size > MAX_BODY).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(opts.errorBody(500, e instanceof Error ? e.message : 'internal error')));
        }
      });
    });
  };

  const handle = async (raw: http.IncomingMessage, res: http.ServerResponse, rawBody: string, tooLarge: boolean): Promise<void> => {
    const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
    const headers = flatHeaders(raw.headers);
    const method = (raw.method ?? 'GET').toUpperCase();
    const parsed = parseBody(rawBody, headers['content-type'] ?? '');
    const call = calls.append({
      at: Date.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      rawBody,
      body: parsed.ok ? parsed.value : rawBody,
      idempotencyKey: headers['idempotency-key'] ?? headers['x-idempotency-key'],
    });
    const fault = faults.take({ method, path: url.pathname });
    if (fault) {
      if ('hang' in fault || 'drop' in fault) {
        const kind = 'hang' in fault ? 'hang' : 'drop';
        const after = ('hang' in fault ? fault.hang : fault.drop) === 'after';
        call.fault = after ? `${kind}-after` : kind;
        if (after) withheld.set(call, kind);
        else {
          if (kind === 'drop') raw.socket.destroy();
          return;
        }
      } else {
        call.fault = fault.status !== undefined ? `status:${fault.status}` : `delay:${fault.delayMs}`;
        if (fault.delayMs !== undefined) await sleep(fault.delayMs);
        if (fault.status !== undefined) return send(res, call, faultResponse(fault));
      }
    }
    if (tooLarge) return send(res, call, json(413, opts.errorBody(413, 'Request body too large')));
    if (!parsed.ok) return send(res, call, json(400, opts.errorBody(400, 'Malformed JSON body')));
    const req: FakeRequest = {
      method,
      path: url.pathname,
      query: call.query,
      headers,
      body: call.body,
      rawBody,
      params: {},
      call,
      effect: (resource) => call.effects.push(resource),
    };
    await dispatch(req, res);
  };

  const server = http.createServer(onRequest);
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    if (resetting) {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  const stopListening = async (mode: DownMode): Promise<void> => {
    if (mode === 'reset') {
      resetting = true;
      for (const s of sockets) s.resetAndDestroy();
      return;
    }
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  const startListening = async (): Promise<void> => {
    if (resetting) {
      resetting = false;
      return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await listen();
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  const faults = createFaultInjector({ stopListening, startListening });
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    calls,
    faults,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      faults.clear();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A fake's public handle: the server's plus its state. */
export function withState<S>(server: FakeServer, state: S): Fake<S> {
  return {
    get url() {
      return server.url;
    },
    get port() {
      return server.port;
    },
    calls: server.calls,
    faults: server.faults,
    close: () => server.close(),
    state,
  };
}

/** Pages `items` by offset/limit and reports whether more remain. */
export function page<T>(items: readonly T[], offset: number, limit: number): { items: T[]; next: number | undefined } {
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length < items.length ? offset + slice.length : undefined;
  return { items: slice, next };
}

/** A non-negative integer from a query parameter, else `fallback`. */
export function intParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
