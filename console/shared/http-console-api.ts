/**
 * The console API over HTTP with `fetch` (the browser build of the console, and tests). The admin token goes in
 * the `Authorization` header only, never in a URL or a cookie; live events are read by fetch streaming.
 */
import { type ApiErrorBody, type ConsoleEvent, ConsoleApiError } from './api-types.ts';
import { CONSOLE_METHODS, type ConsoleApi, type ConsoleMethod } from './console-api.ts';
import { API_BASE, requestFor } from './routes.ts';
import { createSseParser } from './sse-parser.ts';

export interface HttpConsoleApiOptions {
  /** Gateway origin, e.g. `http://127.0.0.1:8080`; empty for the page's own origin. */
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
  /** Wait before reconnecting the event stream. */
  readonly reconnectMs?: number;
  /** Called when the gateway refuses the token (401): the console goes back to its login screen. */
  readonly onUnauthorized?: () => void;
}

export function createHttpConsoleApi(opts: HttpConsoleApiOptions): ConsoleApi {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = `${opts.baseUrl.replace(/\/$/, '')}${API_BASE}`;
  const auth = { authorization: `Bearer ${opts.token}` };

  async function call(method: ConsoleMethod, args: readonly unknown[]): Promise<unknown> {
    const req = requestFor(method, args);
    const res = await doFetch(`${base}${req.path}`, {
      method: req.method,
      headers: { ...auth, accept: 'application/json', ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      if (res.status === 401) opts.onUnauthorized?.();
      const body = (parsed as { error?: ApiErrorBody } | undefined)?.error ?? { code: 'http_error', message: `HTTP ${res.status}` };
      throw new ConsoleApiError(res.status, body);
    }
    return parsed;
  }

  function subscribe(onEvent: (event: ConsoleEvent) => void): () => void {
    const controller = new AbortController();
    let lastId: string | undefined;
    const run = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          const res = await doFetch(`${base}/events`, {
            headers: { ...auth, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
            signal: controller.signal,
          });
          if (res.status === 401) {
            opts.onUnauthorized?.();
            return;
          }
          if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
          const feed = createSseParser((m) => {
            if (m.id) lastId = m.id;
            if (m.event === 'domain') onEvent(JSON.parse(m.data) as ConsoleEvent);
          });
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (let r = await reader.read(); !r.done; r = await reader.read()) feed(r.value);
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, opts.reconnectMs ?? 2000));
      }
    };
    void run();
    return () => controller.abort();
  }

  const api = Object.fromEntries(CONSOLE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  return { ...api, subscribe } as unknown as ConsoleApi;
}
