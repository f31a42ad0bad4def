import type { Clock } from '../domain/clock.ts';
import type { Result } from '../domain/result.ts';
import { type OutboundAuth, createAuthFlow } from './auth/auth-flow.ts';
import type { ConnectorError } from './pam-connector.ts';
import { type HttpRequestPlan, type HttpResponse, createVendorHttp, joinUrl } from './vendor-http.ts';

export interface AuthenticatedHttpOptions {
  readonly baseUrl: string;
  readonly auth: OutboundAuth;
  readonly timeoutMs: number;
  readonly maxSockets?: number;
}

/** Vendor HTTP with credentials added to every call and one fresh logon after a 401 (expired session or token). */
export interface AuthenticatedHttp {
  send(plan: HttpRequestPlan): Promise<Result<HttpResponse, ConnectorError>>;
  /** Logs on (or reuses the cached credentials) without calling anything else. */
  authenticate(): Promise<Result<unknown, ConnectorError>>;
  close(): void;
}

function pathOf(baseUrl: string, path: string): string {
  try {
    return joinUrl(baseUrl, path).pathname;
  } catch {
    return path;
  }
}

/** The body exactly as `got` will send it (JSON.stringify, or URLSearchParams for forms), for signing schemes. */
function bodyText(plan: HttpRequestPlan): string {
  if (plan.form) return new URLSearchParams(plan.form as Record<string, string>).toString();
  return plan.body === undefined ? '' : JSON.stringify(plan.body);
}

export function createAuthenticatedHttp(options: AuthenticatedHttpOptions, deps: { readonly clock: Clock }): AuthenticatedHttp {
  const http = createVendorHttp({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    extraOrigins: options.auth.kind === 'oauth2-client-credentials' ? [options.auth.tokenUrl] : [],
    maxSockets: options.maxSockets,
  });
  const auth = createAuthFlow(options.auth, { http, clock: deps.clock });
  return {
    async send(plan) {
      for (let attempt = 0; ; attempt++) {
        const credentials = await auth.headers({ method: plan.method, path: pathOf(options.baseUrl, plan.path), body: bodyText(plan) });
        if (!credentials.ok) return credentials;
        const res = await http.send({ ...plan, headers: { ...plan.headers, ...credentials.value } });
        if (res.ok && res.value.status === 401 && attempt === 0 && options.auth.kind !== 'none') {
          auth.invalidate();
          continue;
        }
        return res;
      }
    },
    authenticate: () => auth.headers({ method: 'GET', path: '/' }),
    close: () => http.close(),
  };
}
