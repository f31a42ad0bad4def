/**
 * StrongDM fake: activities to poll, account grants (resources) and account attachments (roles).
 *
 * MODELLED, NOT VERIFIED: StrongDM's real API is gRPC behind its SDKs. This REST rendering keeps the SDK's
 * services and shapes (`AccountGrants`, `AccountAttachments`, `Activities`: Create/Get/Delete/List with the SDK
 * filter syntax) and its authentication: every call carries `X-Sdm-Authentication: <API access key>` and
 * `X-Sdm-Signature`, computed as the SDKs compute it (`signStrongDmRequest`: a key derived from the base64 API
 * secret and the UTC date, over SHA-256 of "<METHOD> <path>\n<body>"; the SDKs sign the gRPC method and the
 * protobuf request instead). There are no bearer tokens. A wrong signature, date or key is 401.
 * Activities carry the SDK's fields (`id, verb, description, actor, entities, completedAt, ipAddress, userAgent`),
 * its verbs (`ActivityVerb…`) and entity types (`ActivityEntityType…`: `user`, `datasource` for a resource,
 * `access_request`, `role`; strongdm-sdk-go constants.go), and are paged by an opaque cursor (`cursor` or `after`)
 * that stays valid for resumption (`meta.nextCursor`, also top-level `nextCursor`). Grants `{id, accountId,
 * resourceId, startFrom, validUntil}` and attachments `{id, accountId, roleId}` take the SDK's filter syntax
 * (`accountid:a-1 resourceid:rs-2`) and answer 409 AlreadyExists / 404 NotFound. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { intParam, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';

/** The SDKs' `ActivityVerb…` constants for the activities the fake records (strongdm-sdk-go constants.go). */
export const STRONGDM_ACTIVITY_VERBS = {
  requested: 'access requested to resource',
  granted: 'access request to resource granted',
  grantedAutomatically: 'access request to resource granted automatically',
  denied: 'access request to resource denied',
  timedOut: 'access request to resource timed out',
  userSuspended: 'user suspended',
} as const;
export type StrongDmActivityKind = keyof typeof STRONGDM_ACTIVITY_VERBS;

/** The SDKs' `ActivityEntityType…` constants for the entities the fake's activities name. */
export const STRONGDM_ENTITY_TYPES = { user: 'user', resource: 'datasource', role: 'role', accessRequest: 'access_request' } as const;
export type StrongDmEntityType = (typeof STRONGDM_ENTITY_TYPES)[keyof typeof STRONGDM_ENTITY_TYPES];

export interface StrongDmActivity {
  id: string;
  verb: string;
  description: string;
  actor: { id: string; email: string };
  entities: { id: string; type: StrongDmEntityType; name: string; email?: string }[];
  completedAt: string;
  /** The SDK's `Activity.IPAddress` / `ip_address`: the IP the action was taken from. */
  ipAddress: string;
  userAgent: string;
}

export interface AccountGrant {
  id: string;
  accountId: string;
  resourceId: string;
  startFrom: string;
  validUntil: string | null;
}

export interface AccountAttachment {
  id: string;
  accountId: string;
  roleId: string;
}

/**
 * The signature StrongDM's SDKs send (Go `Client.Sign`): `key = HMAC(HMAC(base64decode(secret), "YYYY-MM-DD"),
 * "sdm_api_v1")` for the UTC date, then `base64(HMAC(key, SHA-256(method + "\n" + message)))`; here the method is
 * "<METHOD> <path>" and the message the raw JSON body.
 */
export function signStrongDmRequest(secret: string, method: string, path: string, body = '', atMs = Date.now()): string {
  const h = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();
  const key = h(h(Buffer.from(secret, 'base64'), new Date(atMs).toISOString().slice(0, 10)), 'sdm_api_v1');
  return h(key, createHash('sha256').update(`${method.toUpperCase()} ${path}\n${body}`).digest()).toString('base64');
}

export class StrongDmState {
  readonly keys = new Map<string, string>();
  readonly activities: StrongDmActivity[] = [];
  readonly grants = new Map<string, AccountGrant>();
  readonly attachments = new Map<string, AccountAttachment>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** Appends an activity of the given kind about `user` (and `resource`), as StrongDM records it. */
  appendActivity(kind: StrongDmActivityKind, f: { user: string; actor?: string; resource?: string; requestId?: string; at?: number }): StrongDmActivity {
    this.seq += 1;
    const actor = f.actor ?? f.user;
    const entities: StrongDmActivity['entities'] = [{ id: `a-${f.user}`, type: STRONGDM_ENTITY_TYPES.user, name: f.user, email: f.user }];
    if (f.resource) entities.push({ id: `rs-${f.resource}`, type: STRONGDM_ENTITY_TYPES.resource, name: f.resource });
    if (f.requestId) entities.push({ id: f.requestId, type: STRONGDM_ENTITY_TYPES.accessRequest, name: f.requestId });
    const a: StrongDmActivity = {
      id: `at-${String(this.seq).padStart(10, '0')}`,
      verb: STRONGDM_ACTIVITY_VERBS[kind],
      description: `${f.user} ${STRONGDM_ACTIVITY_VERBS[kind]}${f.resource ? ` ${f.resource}` : ''}`,
      actor: { id: `a-${actor}`, email: actor },
      entities,
      completedAt: new Date(f.at ?? this.clock.now()).toISOString(),
      ipAddress: '10.0.0.8',
      userAgent: 'sdm-cli/44.0.0',
    };
    this.activities.push(a);
    return a;
  }

  addGrant(g: Omit<AccountGrant, 'id'> & { id?: string }): AccountGrant {
    this.seq += 1;
    const grant: AccountGrant = { ...g, id: g.id ?? `ag-${String(this.seq).padStart(10, '0')}` };
    this.grants.set(grant.id, grant);
    return grant;
  }

  addAttachment(accountId: string, roleId: string): AccountAttachment {
    this.seq += 1;
    const a = { id: `aa-${String(this.seq).padStart(10, '0')}`, accountId, roleId };
    this.attachments.set(a.id, a);
    return a;
  }

  /** Grants in force now (started, not past validUntil). */
  activeGrants(): AccountGrant[] {
    const now = this.clock.now();
    return [...this.grants.values()].filter((g) => Date.parse(g.startFrom) <= now && (g.validUntil === null || Date.parse(g.validUntil) > now));
  }
}

export interface StrongDmFakeOptions {
  readonly clock?: Clock;
  /** API access key → secret key, default `{ 'sdm-access-key': 'sdm-secret' }` */
  readonly keys?: Readonly<Record<string, string>>;
  readonly port?: number;
}

const sdmError = (status: number, error: string, message: string): FakeResponse => json(status, { error, message });
const encodeCursor = (pos: number): string => Buffer.from(`pos:${pos}`).toString('base64url');
const decodeCursor = (c: string | undefined): number | undefined => {
  if (c === undefined || c === '') return 0;
  const m = /^pos:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

/** The SDK's filter syntax: space-separated `field:value` terms, field names case-insensitive. */
function parseFilter(f: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const term of (f ?? '').split(/\s+/).filter((t) => t !== '')) {
    const i = term.indexOf(':');
    if (i <= 0) return undefined;
    out[term.slice(0, i).toLowerCase()] = term.slice(i + 1);
  }
  return out;
}

const matchesFilter = (item: object, filter: Record<string, string>): boolean =>
  Object.entries(filter).every(([k, v]) => Object.entries(item).some(([ik, iv]) => ik.toLowerCase() === k && iv === v));

export async function startStrongDmFake(opts: StrongDmFakeOptions = {}): Promise<Fake<StrongDmState>> {
  const clock = opts.clock ?? systemClock;
  const state = new StrongDmState(clock);
  for (const [k, s] of Object.entries(opts.keys ?? { 'sdm-access-key': 'sdm-secret' })) state.keys.set(k, s);
  const rate = { limit: 1000, remaining: 999 };

  const listPage = <T extends object>(req: FakeRequest, all: readonly T[], key: string): FakeResponse => {
    const filter = parseFilter(req.query.filter);
    if (!filter) return sdmError(400, 'BadRequest', `invalid filter ${req.query.filter}`);
    const matching = all.filter((x) => matchesFilter(x, filter));
    const pos = decodeCursor(req.query.cursor);
    if (pos === undefined) return sdmError(400, 'BadRequest', 'invalid cursor');
    const limit = Math.max(1, Math.min(intParam(req.query.limit, 50), 500));
    const slice = matching.slice(pos, pos + limit);
    const more = pos + slice.length < matching.length;
    return json(200, { [key]: slice, meta: more ? { nextCursor: encodeCursor(pos + slice.length) } : {}, rateLimit: rate });
  };

  const createGrant = (req: FakeRequest): FakeResponse => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const b = (typeof raw.accountGrant === 'object' && raw.accountGrant !== null ? raw.accountGrant : raw) as Record<string, unknown>;
    if (typeof b.accountId !== 'string' || typeof b.resourceId !== 'string') return sdmError(400, 'BadRequest', 'accountId and resourceId are required');
    const startFrom = typeof b.startFrom === 'string' && b.startFrom !== '' ? b.startFrom : new Date(clock.now()).toISOString();
    const validUntil = typeof b.validUntil === 'string' && b.validUntil !== '' ? b.validUntil : null;
    if (Number.isNaN(Date.parse(startFrom)) || (validUntil !== null && Number.isNaN(Date.parse(validUntil)))) return sdmError(400, 'BadRequest', 'invalid timestamp');
    const dup = state.activeGrants().find((g) => g.accountId === b.accountId && g.resourceId === b.resourceId);
    if (dup) return sdmError(409, 'AlreadyExists', `account ${b.accountId} already has a grant (${dup.id}) to resource ${b.resourceId}`);
    const g = state.addGrant({ accountId: b.accountId, resourceId: b.resourceId, startFrom, validUntil });
    req.effect(`grant:${g.accountId}/${g.resourceId}`);
    return json(200, { accountGrant: g, meta: {}, rateLimit: rate });
  };

  const createAttachment = (req: FakeRequest): FakeResponse => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const b = (typeof raw.accountAttachment === 'object' && raw.accountAttachment !== null ? raw.accountAttachment : raw) as Record<string, unknown>;
    if (typeof b.accountId !== 'string' || typeof b.roleId !== 'string') return sdmError(400, 'BadRequest', 'accountId and roleId are required');
    const dup = [...state.attachments.values()].find((a) => a.accountId === b.accountId && a.roleId === b.roleId);
    if (dup) return sdmError(409, 'AlreadyExists', `account ${b.accountId} is already attached (${dup.id}) to role ${b.roleId}`);
    const a = state.addAttachment(b.accountId, b.roleId);
    req.effect(`attachment:${a.accountId}/${a.roleId}`);
    return json(200, { accountAttachment: a, meta: {}, rateLimit: rate });
  };

  const remove = <T extends { id: string }>(m: Map<string, T>, what: string, resource: (x: T) => string) => (req: FakeRequest): FakeResponse => {
    const x = m.get(req.params.id!);
    if (!x) return sdmError(404, 'NotFound', `${what} ${req.params.id} not found`);
    m.delete(x.id);
    req.effect(resource(x));
    return json(200, { meta: {}, rateLimit: rate });
  };
  const getOne = <T>(m: Map<string, T>, what: string, key: string) => (req: FakeRequest): FakeResponse => {
    const x = m.get(req.params.id!);
    return x ? json(200, { [key]: x, meta: {}, rateLimit: rate }) : sdmError(404, 'NotFound', `${what} ${req.params.id} not found`);
  };

  const routes = [
    route('GET', '/v1/activities', (req) => {
      const pos = decodeCursor(req.query.cursor ?? req.query.after);
      if (pos === undefined || pos > state.activities.length) return sdmError(400, 'BadRequest', 'invalid cursor');
      const limit = Math.max(1, Math.min(intParam(req.query.limit, 50), 500));
      const slice = state.activities.slice(pos, pos + limit);
      const next = encodeCursor(pos + slice.length);
      const hasMore = pos + slice.length < state.activities.length;
      return json(200, { activities: slice, meta: { nextCursor: next }, nextCursor: next, hasMore, rateLimit: rate });
    }),
  ];
  for (const base of ['/v1/account-grants', '/v1/accountgrants']) {
    routes.push(
      route('GET', base, (req) => listPage(req, [...state.grants.values()], 'accountGrants')),
      route('GET', `${base}/:id`, getOne(state.grants, 'account grant', 'accountGrant')),
      route('POST', base, createGrant),
      route('DELETE', `${base}/:id`, remove(state.grants, 'account grant', (g) => `grant:${g.accountId}/${g.resourceId}`)),
    );
  }
  for (const base of ['/v1/account-attachments', '/v1/accountattachments']) {
    routes.push(
      route('GET', base, (req) => listPage(req, [...state.attachments.values()], 'accountAttachments')),
      route('GET', `${base}/:id`, getOne(state.attachments, 'account attachment', 'accountAttachment')),
      route('POST', base, createAttachment),
      route('DELETE', `${base}/:id`, remove(state.attachments, 'account attachment', (a) => `attachment:${a.accountId}/${a.roleId}`)),
    );
  }

  const server = await startFakeServer({
    name: 'strongdm',
    routes,
    port: opts.port,
    errorBody: (status, message) => ({ error: status === 429 ? 'RateLimit' : status >= 500 ? 'Internal' : 'Error', message }),
    authenticate: (req) => {
      const secret = state.keys.get(req.headers['x-sdm-authentication'] ?? '');
      if (secret === undefined) return sdmError(401, 'Auth', 'unknown API access key');
      const given = Buffer.from(req.headers['x-sdm-signature'] ?? '');
      const now = clock.now();
      // The signing key is per UTC day; a day either side allows for clock skew around midnight.
      const ok = [now, now - 86_400_000, now + 86_400_000].some((at) => {
        const expected = Buffer.from(signStrongDmRequest(secret, req.method, req.path, req.rawBody, at));
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      return ok ? undefined : sdmError(401, 'Auth', 'invalid signature');
    },
  });
  return withState(server, state);
}
