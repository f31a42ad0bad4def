/**
 * The console API as the Electron main process calls it: `got` against the gateway's admin API, with the admin
 * token held here (never in the renderer). Live events are read from the SSE stream and resumed after a drop.
 */
import type { Got } from 'got';
import { type ApiErrorBody, type ConsoleEvent, ConsoleApiError } from '../shared/api-types.ts';
import { CONSOLE_METHODS, type ConsoleApi, type ConsoleMethod } from '../shared/console-api.ts';
import { API_BASE, requestFor } from '../shared/routes.ts';
import { createSseParser } from '../shared/sse-parser.ts';

export interface GatewayClientDeps {
  readonly got: Got;
  /** Gateway URL, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly reconnectMs?: number;
}

export function createGatewayClient(deps: GatewayClientDeps): ConsoleApi {
  const base = `${deps.baseUrl.replace(/\/$/, '')}${API_BASE}`;
  const headers = { authorization: `Bearer ${deps.token}`, accept: 'application/json' };

  async function call(method: ConsoleMethod, args: readonly unknown[]): Promise<unknown> {
    const req = requestFor(method, args);
    const res = await deps.got(`${base}${req.path}`, {
      method: req.method, headers, throwHttpErrors: false, retry: { limit: 0 }, timeout: { request: 30_000 },
      ...(req.body === undefined ? {} : { json: req.body }),
    });
    const parsed: unknown = res.body ? JSON.parse(res.body) : undefined;
    if (res.statusCode >= 400) {
      const body = (parsed as { error?: ApiErrorBody } | undefined)?.error ?? { code: 'http_error', message: `HTTP ${res.statusCode}` };
      throw new ConsoleApiError(res.statusCode, body);
    }
    return parsed;
  }

  function subscribe(onEvent: (event: ConsoleEvent) => void): () => void {
    let stopped = false;
    let lastId: string | undefined;
    let current: { destroy(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const connect = () => {
      if (stopped) return;
      const stream = deps.got.stream(`${base}/events`, {
        headers: { ...headers, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        retry: { limit: 0 },
      });
      current = stream;
      const feed = createSseParser((m) => {
        if (m.id) lastId = m.id;
        if (m.event === 'domain') onEvent(JSON.parse(m.data) as ConsoleEvent);
      });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => feed(chunk));
      const again = () => {
        if (stopped) return;
        clearTimeout(timer);
        timer = setTimeout(connect, deps.reconnectMs ?? 2000);
      };
      stream.on('error', again);
      stream.on('end', again);
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      current?.destroy();
    };
  }

  const api = Object.fromEntries(CONSOLE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  return { ...api, subscribe } as unknown as ConsoleApi;
}
