import http from 'node:http';
import https from 'node:https';
import got, { RequestError } from 'got';
import type { Result } from '../domain/result.ts';
import type { ConnectorError } from './pam-connector.ts';

/** A request as a vendor profile plans it: a path under the connector's base URL. */
export interface HttpRequestPlan {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** JSON body (objects, arrays, strings), or a form body when `form` is set. */
  readonly body?: unknown;
  readonly form?: Readonly<Record<string, string>> | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  readonly body: unknown;
}

export interface VendorHttpOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Other origins this connector may call (an OAuth2 token endpoint on another host). */
  readonly extraOrigins?: readonly string[];
  readonly maxSockets?: number;
}

export interface VendorHttp {
  readonly origin: string;
  send(plan: HttpRequestPlan): Promise<Result<HttpResponse, ConnectorError>>;
  close(): void;
}

const permanent = (message: string): { ok: false; error: ConnectorError } => ({ ok: false, error: { failure: { kind: 'permanent', reason: message }, message } });

/** The absolute URL of a plan's path: absolute URLs stay as they are, others go under the base URL. */
export function joinUrl(baseUrl: string, path: string): URL {
  return /^[a-z][a-z0-9+.-]*:/i.test(path) ? new URL(path) : new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}

/** Builds the absolute URL for a plan; refuses any origin other than the connector's own (and its extra ones). */
export function resolveUrl(baseUrl: string, path: string, allowed: ReadonlySet<string>): Result<URL, string> {
  let url: URL;
  try {
    url = joinUrl(baseUrl, path);
  } catch {
    return { ok: false, error: `invalid URL path ${JSON.stringify(path)}` };
  }
  if (!allowed.has(url.origin)) return { ok: false, error: `refused: ${url.origin} is not this connector's configured host` };
  return { ok: true, value: url };
}

function parse(text: string, contentType: string | undefined): unknown {
  if (text.length === 0) return '';
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * HTTP to one vendor with `got`: keep-alive, a per-request timeout, no automatic retries (the outbox retries),
 * no redirects (a 3xx is a permanent failure), and only to the configured origin.
 */
export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const origin = new URL(options.baseUrl).origin;
  const allowed = new Set([origin, ...(options.extraOrigins ?? []).map((o) => new URL(o).origin)]);
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agent = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  return {
    origin,
    async send(plan) {
      const url = resolveUrl(options.baseUrl, plan.path, allowed);
      if (!url.ok) return permanent(url.error);
      const searchParams: Record<string, string> = {};
      for (const [k, v] of Object.entries(plan.query ?? {})) if (v !== undefined) searchParams[k] = String(v);
      try {
        const res = await got(url.value, {
          method: plan.method.toUpperCase() as 'GET',
          searchParams,
          headers: { accept: 'application/json', ...plan.headers },
          ...(plan.form ? { form: plan.form } : plan.body !== undefined ? { json: plan.body } : {}),
          throwHttpErrors: false,
          followRedirect: false,
          retry: { limit: 0 },
          timeout: { request: options.timeoutMs },
          agent,
          responseType: 'text',
        });
        if (res.statusCode >= 300 && res.statusCode < 400) return permanent(`refused redirect (HTTP ${res.statusCode}) from ${plan.method} ${url.value.pathname}`);
        return { ok: true, value: { status: res.statusCode, headers: res.headers, body: parse(res.body, res.headers['content-type']) } };
      } catch (e) {
        const code = e instanceof RequestError ? e.code : undefined;
        const where = `${plan.method} ${url.value.pathname}`;
        if (code === 'ETIMEDOUT') return { ok: false, error: { failure: { kind: 'timeout' }, message: `timed out after ${options.timeoutMs} ms: ${where}` } };
        if (e instanceof RequestError) return { ok: false, error: { failure: { kind: 'network' }, message: `${code ?? 'network error'}: ${where}` } };
        throw e;
      }
    },
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}
