import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Result } from '../../domain/result.ts';
import type { ConnectorError } from '../pam-connector.ts';
import type { HttpResponse, VendorHttp } from '../vendor-http.ts';

/** Outbound credentials, the same shapes as the configuration file's `outbound.auth` (secrets already resolved). */
export type OutboundAuth =
  | { readonly kind: 'cyberark-logon'; readonly username: string; readonly password: string; readonly method?: 'cyberark' | 'ldap' | 'radius' | 'windows'; readonly logonPath?: string }
  | { readonly kind: 'oauth2-client-credentials'; readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string; readonly scope?: string | undefined; readonly audience?: string | undefined }
  | { readonly kind: 'ps-auth'; readonly key: string; readonly runAs: string; readonly password?: string | undefined; readonly signInPath?: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** StrongDM API keys: every request signed as StrongDM's SDKs sign ({@link strongDmSignature}). */
  | { readonly kind: 'strongdm-signature'; readonly accessKey: string; readonly secret: string }
  | { readonly kind: 'none' };

/**
 * Credentials for each call. Session and token flows log on once, share the token between concurrent calls,
 * and log on again after `invalidate()` (the connector calls it on a 401) or when an OAuth2 token is near expiry.
 */
export interface AuthFlow {
  /** `request` is the call about to be made, with its body as sent (request-signing schemes sign it). */
  headers(request?: { readonly method: string; readonly path: string; readonly body?: string }): Promise<Result<Record<string, string>, ConnectorError>>;
  invalidate(): void;
}

export interface AuthFlowDeps {
  readonly http: VendorHttp;
  readonly clock: Clock;
}

type TokenFetch = () => Promise<Result<{ headers: Record<string, string>; expiresAt?: number }, ConnectorError>>;

const httpError = (what: string, res: HttpResponse): { ok: false; error: ConnectorError } => ({
  ok: false, error: { failure: { kind: 'http', status: res.status, retryAfter: headerValue(res, 'retry-after') }, message: `${what} failed with HTTP ${res.status}` },
});

function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cached(fetch: TokenFetch, clock: Clock): AuthFlow {
  let current: { headers: Record<string, string>; expiresAt?: number } | undefined;
  let inflight: ReturnType<TokenFetch> | undefined;
  return {
    async headers() {
      if (current && (current.expiresAt === undefined || clock.now() < current.expiresAt)) return { ok: true, value: current.headers };
      inflight ??= fetch().finally(() => {
        inflight = undefined;
      });
      const got = await inflight;
      if (!got.ok) return got;
      current = got.value;
      return { ok: true, value: got.value.headers };
    },
    invalidate() {
      current = undefined;
    },
  };
}

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/**
 * StrongDM's request signature as its SDKs compute it: a signing key derived from the base64-decoded API secret
 * and the UTC date, `HMAC(HMAC(secret, "YYYY-MM-DD"), "sdm_api_v1")`, then
 * `base64(HMAC(key, SHA-256(method + "\n" + body)))`. The SDKs sign the gRPC method name and the protobuf request;
 * over REST the method is `"<METHOD> <path>"` and the body is the JSON as sent ('' when none).
 */
export function strongDmSignature(secret: string, atMs: number, method: string, body: string): string {
  const key = hmac(hmac(Buffer.from(secret, 'base64'), new Date(atMs).toISOString().slice(0, 10)), 'sdm_api_v1');
  return hmac(key, createHash('sha256').update(`${method}\n${body}`).digest()).toString('base64');
}

const CYBERARK_METHOD = { cyberark: 'Cyberark', ldap: 'LDAP', radius: 'RADIUS', windows: 'Windows' } as const;

export function createAuthFlow(auth: OutboundAuth, deps: AuthFlowDeps): AuthFlow {
  switch (auth.kind) {
    case 'none':
      return { headers: async () => ({ ok: true, value: {} }), invalidate: () => undefined };
    case 'bearer':
      return { headers: async () => ({ ok: true, value: { authorization: `Bearer ${auth.token}` } }), invalidate: () => undefined };
    case 'strongdm-signature':
      return {
        headers: async (request) => ({
          ok: true,
          value: {
            'x-sdm-authentication': auth.accessKey,
            'x-sdm-signature': strongDmSignature(auth.secret, deps.clock.now(), `${(request?.method ?? 'GET').toUpperCase()} ${request?.path ?? '/'}`, request?.body ?? ''),
          },
        }),
        invalidate: () => undefined,
      };
    case 'basic': {
      const value = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      return { headers: async () => ({ ok: true, value: { authorization: value } }), invalidate: () => undefined };
    }
    case 'cyberark-logon':
      return cached(async () => {
        const path = auth.logonPath ?? `/PasswordVault/API/auth/${CYBERARK_METHOD[auth.method ?? 'cyberark']}/Logon`;
        const res = await deps.http.send({ method: 'POST', path, body: { username: auth.username, password: auth.password, concurrentSession: true } });
        if (!res.ok) return res;
        if (res.value.status !== 200) return httpError('CyberArk logon', res.value);
        const token = typeof res.value.body === 'string' ? res.value.body.replace(/^"|"$/g, '') : undefined;
        if (!token) return { ok: false, error: { failure: { kind: 'permanent', reason: 'logon answered without a token' }, message: 'CyberArk logon answered without a token' } };
        return { ok: true, value: { headers: { authorization: token } } };
      }, deps.clock);
    case 'oauth2-client-credentials':
      return cached(async () => {
        const form: Record<string, string> = { grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret };
        if (auth.scope) form.scope = auth.scope;
        if (auth.audience) form.audience = auth.audience;
        const res = await deps.http.send({ method: 'POST', path: auth.tokenUrl, form });
        if (!res.ok) return res;
        if (res.value.status !== 200) return httpError('OAuth2 token request', res.value);
        const body = res.value.body as { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
        if (typeof body?.access_token !== 'string') return { ok: false, error: { failure: { kind: 'permanent', reason: 'token response without access_token' }, message: 'OAuth2 token response without access_token' } };
        const lifetime = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
        return { ok: true, value: { headers: { authorization: `Bearer ${body.access_token}` }, expiresAt: deps.clock.now() + Math.max(0, lifetime - 30) * 1000 } };
      }, deps.clock);
    case 'ps-auth':
      return cached(async () => {
        const authorization = `PS-Auth key=${auth.key}; runas=${auth.runAs};${auth.password ? ` pwd=[${auth.password}];` : ''}`;
        const res = await deps.http.send({ method: 'POST', path: auth.signInPath ?? '/Auth/SignAppin', headers: { authorization } });
        if (!res.ok) return res;
        if (res.value.status !== 200) return httpError('BeyondTrust SignAppin', res.value);
        const setCookie = res.value.headers['set-cookie'];
        const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]).filter(Boolean);
        if (cookies.length === 0) return { ok: false, error: { failure: { kind: 'permanent', reason: 'SignAppin set no session cookie' }, message: 'BeyondTrust SignAppin set no session cookie' } };
        return { ok: true, value: { headers: { authorization, cookie: cookies.join('; ') } } };
      }, deps.clock);
  }
}
