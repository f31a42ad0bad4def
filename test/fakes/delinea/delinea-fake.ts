/**
 * Delinea Secret Server REST fake: OAuth2 `/SecretServer/oauth2/token` (also `/oauth2/token` and the
 * Delinea Platform's `/identity/api/oauth2/token/xpmplatform`; password, client credentials and refresh
 * grants), secret permissions (create, list with `skip`/`take` paging envelope, get, update of the access role,
 * delete), secrets with check-in. MODELLED: 400 "already has permissions" for a principal that already holds one on
 * the secret (Secret Server answers business-rule failures with 400), the `{errorCode, message}` error body, check-in
 * of a secret that is not checked out answering 200 with no change, and `PUT secret-permissions/{id}` (Update Secret
 * Permission: body `{id, secretId, secretAccessRoleName}`, answered with the permission; 404 for an unknown id, 400
 * when the body names another permission or secret or no valid role; setting the role it has changes nothing).
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { intParam, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';

export const SECRET_ACCESS_ROLES = ['List', 'View', 'Edit', 'Owner'] as const;
export type SecretAccessRole = (typeof SECRET_ACCESS_ROLES)[number];

export interface SecretPermission {
  id: number;
  secretId: number;
  secretAccessRoleId: number;
  secretAccessRoleName: SecretAccessRole;
  userId: number | null;
  userName: string | null;
  groupId: number | null;
  groupName: string | null;
  knownAs: string;
  domainName: string | null;
}

export interface Secret {
  id: number;
  name: string;
  folderId: number;
  secretTemplateName: string;
  checkOutEnabled: boolean;
  checkedOut: boolean;
  checkOutUserName: string | null;
  active: boolean;
}

export class DelineaState {
  readonly users = new Map<string, string>();
  readonly clients = new Map<string, string>();
  readonly tokens = new Map<string, { subject: string; expiresAt: number; refresh: string }>();
  readonly secrets = new Map<number, Secret>();
  readonly permissions = new Map<number, SecretPermission>();
  private nextPermissionId = 1;

  addSecret(s: Partial<Secret> & { id: number }): Secret {
    const secret: Secret = { name: `secret-${s.id}`, folderId: -1, secretTemplateName: 'Password', checkOutEnabled: true, checkedOut: false, checkOutUserName: null, active: true, ...s };
    this.secrets.set(secret.id, secret);
    return secret;
  }

  checkOut(secretId: number, userName: string): void {
    const s = this.secrets.get(secretId) ?? this.addSecret({ id: secretId });
    s.checkedOut = true;
    s.checkOutUserName = userName;
  }

  /** Seeds or writes a permission (no call-log effect). */
  addPermission(p: { secretId: number; role: SecretAccessRole; userName?: string; groupName?: string }): SecretPermission {
    const perm: SecretPermission = {
      id: this.nextPermissionId++,
      secretId: p.secretId,
      secretAccessRoleId: SECRET_ACCESS_ROLES.indexOf(p.role) + 1,
      secretAccessRoleName: p.role,
      userId: p.userName ? hashId(p.userName) : null,
      userName: p.userName ?? null,
      groupId: p.groupName ? hashId(p.groupName) : null,
      groupName: p.groupName ?? null,
      knownAs: p.userName ?? p.groupName ?? '',
      domainName: null,
    };
    this.permissions.set(perm.id, perm);
    return perm;
  }

  permissionsOf(secretId: number): SecretPermission[] {
    return [...this.permissions.values()].filter((p) => p.secretId === secretId);
  }

  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }
}

function hashId(name: string): number {
  let h = 0;
  for (const c of name.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) % 100_000;
  return h + 1;
}

export interface DelineaFakeOptions {
  readonly clock?: Clock;
  readonly tokenTtlSeconds?: number;
  /** default `{ lockstep: 'secret' }` for the password grant */
  readonly users?: Readonly<Record<string, string>>;
  /** default `{ 'lockstep-client': 'secret' }` for the client credentials grant */
  readonly clients?: Readonly<Record<string, string>>;
  readonly port?: number;
}

const API = '/SecretServer/api/v1';
const ssError = (status: number, errorCode: string, message: string): FakeResponse => json(status, { errorCode, message });

function pagingEnvelope<T>(all: readonly T[], skip: number, take: number, filter: Record<string, string>) {
  const records = all.slice(skip, skip + take);
  const pageCount = Math.max(1, Math.ceil(all.length / take));
  return {
    success: true,
    severity: 'None',
    filter,
    skip,
    take,
    total: all.length,
    pageCount,
    currentPage: Math.floor(skip / take) + 1,
    batchCount: pageCount,
    prevSkip: Math.max(0, skip - take),
    nextSkip: skip + take,
    hasPrev: skip > 0,
    hasNext: skip + take < all.length,
    records,
    sortBy: [],
  };
}

export async function startDelineaFake(opts: DelineaFakeOptions = {}): Promise<Fake<DelineaState>> {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.tokenTtlSeconds ?? 1200;
  const state = new DelineaState();
  for (const [u, p] of Object.entries(opts.users ?? { lockstep: 'secret' })) state.users.set(u.toLowerCase(), p);
  for (const [c, s] of Object.entries(opts.clients ?? { 'lockstep-client': 'secret' })) state.clients.set(c, s);
  let seq = 0;
  const issue = (subject: string) => {
    seq += 1;
    const access = `ss-access-${seq}`;
    const refresh = `ss-refresh-${seq}`;
    state.tokens.set(access, { subject, expiresAt: clock.now() + ttl * 1000, refresh });
    return json(200, { access_token: access, token_type: 'bearer', expires_in: ttl, refresh_token: refresh });
  };

  const token = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type === 'password' && b.username && state.users.get(b.username.toLowerCase()) === b.password) return issue(b.username);
    if (b.grant_type === 'client_credentials' && b.client_id && state.clients.get(b.client_id) === b.client_secret) return issue(b.client_id);
    if (b.grant_type === 'refresh_token') {
      const found = [...state.tokens.entries()].find(([, t]) => t.refresh === b.refresh_token);
      if (found) {
        state.tokens.delete(found[0]);
        return issue(found[1].subject);
      }
    }
    return json(400, { error: 'invalid_grant', error_description: 'The credentials are invalid' });
  };

  const secretOr404 = (id: string | undefined): Secret | FakeResponse =>
    state.secrets.get(Number(id)) ?? ssError(404, 'API_SecretNotFound', `Secret ${id} was not found.`);

  const routes = [
    route('POST', '/oauth2/token', token, { public: true }),
    route('POST', '/SecretServer/oauth2/token', token, { public: true }),
    route('POST', '/identity/api/oauth2/token/xpmplatform', token, { public: true }),
    route('GET', `${API}/secret-permissions`, (req) => {
      const secretId = Object.entries(req.query).find(([k]) => k.toLowerCase() === 'filter.secretid')?.[1];
      const all = [...state.permissions.values()].filter((p) => secretId === undefined || p.secretId === Number(secretId));
      const filter: Record<string, string> = secretId === undefined ? {} : { secretId };
      return json(200, pagingEnvelope(all, intParam(req.query.skip, 0), Math.max(1, intParam(req.query.take, 10)), filter));
    }),
    route('GET', `${API}/secret-permissions/:id`, (req) => {
      const p = state.permissions.get(Number(req.params.id));
      return p ? json(200, p) : ssError(404, 'API_SecretPermissionNotFound', `Secret permission ${req.params.id} was not found.`);
    }),
    route('POST', `${API}/secret-permissions`, (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (!Number.isInteger(b.secretId)) return ssError(400, 'API_InvalidRequest', 'secretId is required.');
      const secret = secretOr404(String(b.secretId));
      if ('status' in secret) return secret;
      const role = b.secretAccessRoleName as SecretAccessRole;
      if (!SECRET_ACCESS_ROLES.includes(role)) return ssError(400, 'API_InvalidRequest', 'secretAccessRoleName must be List, View, Edit or Owner.');
      const userName = typeof b.userName === 'string' && b.userName !== '' ? b.userName : undefined;
      const groupName = typeof b.groupName === 'string' && b.groupName !== '' ? b.groupName : undefined;
      if ((userName === undefined) === (groupName === undefined)) return ssError(400, 'API_InvalidRequest', 'Exactly one of userName or groupName is required.');
      const principal = (userName ?? groupName)!.toLowerCase();
      const dup = state.permissionsOf(secret.id).find((p) => (p.userName ?? p.groupName ?? '').toLowerCase() === principal);
      if (dup) return ssError(400, 'API_DuplicateSecretPermission', `${dup.knownAs} already has permissions on secret ${secret.id} (permission ${dup.id}).`);
      const perm = state.addPermission({ secretId: secret.id, role, userName, groupName });
      req.effect(`secret:${secret.id}/principal:${principal}`);
      return json(200, perm);
    }),
    route('PUT', `${API}/secret-permissions/:id`, (req) => {
      const p = state.permissions.get(Number(req.params.id));
      if (!p) return ssError(404, 'API_SecretPermissionNotFound', `Secret permission ${req.params.id} was not found.`);
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.id !== undefined && b.id !== p.id) return ssError(400, 'API_InvalidRequest', `id ${String(b.id)} does not match secret permission ${p.id}.`);
      if (!Number.isInteger(b.secretId)) return ssError(400, 'API_InvalidRequest', 'secretId is required.');
      if (b.secretId !== p.secretId) return ssError(400, 'API_InvalidRequest', `Secret permission ${p.id} is not on secret ${String(b.secretId)}.`);
      const role = b.secretAccessRoleName as SecretAccessRole;
      if (!SECRET_ACCESS_ROLES.includes(role)) return ssError(400, 'API_InvalidRequest', 'secretAccessRoleName must be List, View, Edit or Owner.');
      // Like create (400 "already") and delete (404), an update that changes nothing has no effect.
      if (p.secretAccessRoleName !== role) {
        p.secretAccessRoleName = role;
        p.secretAccessRoleId = SECRET_ACCESS_ROLES.indexOf(role) + 1;
        req.effect(`secret:${p.secretId}/principal:${p.knownAs.toLowerCase()}`);
      }
      return json(200, p);
    }),
    route('DELETE', `${API}/secret-permissions/:id`, (req) => {
      const p = state.permissions.get(Number(req.params.id));
      if (!p) return ssError(404, 'API_SecretPermissionNotFound', `Secret permission ${req.params.id} was not found.`);
      state.permissions.delete(p.id);
      req.effect(`secret:${p.secretId}/principal:${p.knownAs.toLowerCase()}`);
      return json(200, { id: p.id, objectType: 'SecretPermission', responseCodes: [] });
    }),
    route('GET', `${API}/secrets`, (req) => {
      const all = [...state.secrets.values()];
      return json(200, pagingEnvelope(all, intParam(req.query.skip, 0), Math.max(1, intParam(req.query.take, 10)), {}));
    }),
    route('GET', `${API}/secrets/:id/summary`, (req) => {
      const s = secretOr404(req.params.id);
      return 'status' in s ? s : json(200, s);
    }),
    route('POST', `${API}/secrets/:id/check-in`, (req) => {
      const s = secretOr404(req.params.id);
      if ('status' in s) return s;
      if (s.checkedOut) {
        s.checkedOut = false;
        s.checkOutUserName = null;
        req.effect(`secret:${s.id}/checkout`);
      }
      return json(200, s);
    }),
  ];

  const server = await startFakeServer({
    name: 'delinea',
    routes,
    port: opts.port,
    errorBody: (status, message) => ({ errorCode: status >= 500 ? 'API_InternalError' : 'API_Error', message }),
    authenticate: (req) => {
      const raw = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const t = state.tokens.get(raw);
      return !t || t.expiresAt <= clock.now() ? ssError(401, 'API_AuthenticationFailed', 'Authentication failed.') : undefined;
    },
  });
  return withState(server, state);
}
