/**
 * IGA-side notification endpoint fake (PAM → IGA): a SCIM 2.0 service provider that records and applies
 * `PATCH /scim/v2/Users/{id}` (active=false) and `PATCH /scim/v2/Groups/{id}` (member add/remove, both the
 * `members[value eq "x"]` path form and the `value` list form), plus generic JSON webhooks at
 * `POST /hooks/{name}` and `POST /lockstep/events` (SailPoint event-trigger or custom callbacks; a repeated
 * `Idempotency-Key` is recorded but has no second effect), and SailPoint-style on-demand aggregation
 * (`POST /oauth/token` client credentials, `POST /{version}/sources/{id}/load-accounts` → 202 with a task;
 * the task shape is modelled). Bearer or Basic auth, as configured.
 */
import { json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';

export interface IgaUser {
  id: string;
  userName: string;
  active: boolean;
}

export interface IgaGroup {
  id: string;
  displayName: string;
  members: Set<string>;
}

export interface ReceivedWebhook {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export class IgaState {
  readonly users = new Map<string, IgaUser>();
  readonly groups = new Map<string, IgaGroup>();
  readonly webhooks: ReceivedWebhook[] = [];
  /** SailPoint on-demand aggregations requested, by source id. */
  readonly aggregations: { sourceId: string; disableOptimization: boolean }[] = [];
  /** When true, unknown ids answer 404; otherwise they are created on first PATCH. */
  strict = false;

  addUser(id: string, userName = id, active = true): IgaUser {
    const u = { id, userName, active };
    this.users.set(id, u);
    return u;
  }

  addGroup(id: string, displayName = id, members: string[] = []): IgaGroup {
    const g = { id, displayName, members: new Set(members) };
    this.groups.set(id, g);
    return g;
  }
}

export interface IgaFakeOptions {
  /** Accepted bearer tokens; default `['iga-token']`. */
  readonly bearerTokens?: readonly string[];
  /** Accepted basic credentials, in addition to bearer tokens. */
  readonly basic?: { readonly username: string; readonly password: string };
  readonly scimBase?: string;
  /** OAuth2 clients for the SailPoint-style `/oauth/token`; default `{ 'sailpoint-client': 'secret' }`. */
  readonly oauthClients?: Readonly<Record<string, string>>;
  readonly port?: number;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const scimError = (status: number, detail: string, scimType?: string): FakeResponse =>
  json(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail }, { 'content-type': 'application/scim+json' });

interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

function operations(body: unknown): PatchOperation[] | undefined {
  const b = body as { schemas?: unknown; Operations?: unknown } | undefined;
  if (!b || !Array.isArray(b.schemas) || !b.schemas.includes(PATCH_OP) || !Array.isArray(b.Operations)) return undefined;
  const ops = b.Operations as PatchOperation[];
  return ops.every((o) => typeof o?.op === 'string') ? ops.map((o) => ({ ...o, op: o.op.toLowerCase() })) : undefined;
}

const userView = (u: IgaUser) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: u.id, userName: u.userName, active: u.active });
const groupView = (g: IgaGroup) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: g.id, displayName: g.displayName, members: [...g.members].map((value) => ({ value })) });
const asBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);

export async function startIgaNotificationFake(opts: IgaFakeOptions = {}): Promise<Fake<IgaState>> {
  const state = new IgaState();
  const base = opts.scimBase ?? '/scim/v2';
  const bearer = new Set(opts.bearerTokens ?? ['iga-token']);
  const clients = new Map(Object.entries(opts.oauthClients ?? { 'sailpoint-client': 'secret' }));
  let tokenSeq = 0;
  const scimJson = (status: number, body: unknown) => json(status, body, { 'content-type': 'application/scim+json' });

  /** Records every delivery; a repeated `Idempotency-Key` is acknowledged without a second effect. */
  const seenKeys = new Set<string>();
  const receiveWebhook = (req: FakeRequest, name: string): FakeResponse => {
    state.webhooks.push({ name, headers: req.headers, body: req.body });
    const key = req.call.idempotencyKey;
    if (key === undefined || !seenKeys.has(key)) req.effect(`webhook:${name}`);
    if (key !== undefined) seenKeys.add(key);
    return json(200, { received: true });
  };

  const patchUser = (req: FakeRequest): FakeResponse => {
    const ops = operations(req.body);
    if (!ops) return scimError(400, 'Request is not a valid SCIM PatchOp', 'invalidSyntax');
    const id = req.params.id!;
    let u = state.users.get(id);
    if (!u) {
      if (state.strict) return scimError(404, `User ${id} not found`);
      u = state.addUser(id);
    }
    const before = u.active;
    for (const o of ops) {
      if (o.op !== 'replace' && o.op !== 'add') return scimError(400, `Unsupported op ${o.op} on User`, 'invalidValue');
      const active = o.path?.toLowerCase() === 'active' ? asBool(o.value) : o.path === undefined ? asBool((o.value as { active?: unknown } | undefined)?.active) : undefined;
      if (active === undefined) return scimError(400, `Unsupported patch ${JSON.stringify(o)}`, 'invalidPath');
      u.active = active;
    }
    if (u.active !== before) req.effect(`user:${id}`);
    return scimJson(200, userView(u));
  };

  const patchGroup = (req: FakeRequest): FakeResponse => {
    const ops = operations(req.body);
    if (!ops) return scimError(400, 'Request is not a valid SCIM PatchOp', 'invalidSyntax');
    const id = req.params.id!;
    let g = state.groups.get(id);
    if (!g) {
      if (state.strict) return scimError(404, `Group ${id} not found`);
      g = state.addGroup(id);
    }
    for (const o of ops) {
      const filtered = /^members\[value eq "([^"]+)"\]$/i.exec(o.path ?? '');
      const listed = o.path?.toLowerCase() === 'members' && Array.isArray(o.value) ? (o.value as { value?: unknown }[]).map((m) => String(m.value)) : undefined;
      const ids = filtered ? [filtered[1]!] : listed;
      if (!ids || (o.op !== 'add' && o.op !== 'remove')) return scimError(400, `Unsupported patch ${JSON.stringify(o)}`, 'invalidPath');
      for (const m of ids) {
        const changed = o.op === 'add' ? !g.members.has(m) && !!g.members.add(m) : g.members.delete(m);
        if (changed) req.effect(`group:${id}/member:${m}`);
      }
    }
    return scimJson(200, groupView(g));
  };

  const routes = [
    route('GET', `${base}/Users/:id`, (req) => {
      const u = state.users.get(req.params.id!);
      return u ? scimJson(200, userView(u)) : scimError(404, `User ${req.params.id} not found`);
    }),
    route('PATCH', `${base}/Users/:id`, patchUser),
    route('GET', `${base}/Groups/:id`, (req) => {
      const g = state.groups.get(req.params.id!);
      return g ? scimJson(200, groupView(g)) : scimError(404, `Group ${req.params.id} not found`);
    }),
    route('PATCH', `${base}/Groups/:id`, patchGroup),
    route('POST', '/hooks/:name', (req) => receiveWebhook(req, req.params.name!)),
    route('POST', '/lockstep/events', (req) => receiveWebhook(req, 'lockstep-events')),
    route('POST', '/oauth/token', (req) => {
      const b = (req.body ?? {}) as Record<string, string>;
      if (b.grant_type !== 'client_credentials' || !b.client_id || clients.get(b.client_id) !== b.client_secret) return json(401, { error: 'invalid_client' });
      tokenSeq += 1;
      const token = `iga-oauth-${tokenSeq}`;
      bearer.add(token);
      return json(200, { access_token: token, token_type: 'bearer', expires_in: 749 });
    }, { public: true }),
    route('POST', '/:version/sources/:sourceId/load-accounts', (req) => {
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const multipart = /name="disableOptimization"\r?\n\r?\ntrue/.test(req.rawBody);
      state.aggregations.push({ sourceId: req.params.sourceId!, disableOptimization: multipart || String(b.disableOptimization) === 'true' });
      req.effect(`source:${req.params.sourceId}/aggregation`);
      return json(202, { success: true, task: { id: `task-${state.aggregations.length}`, type: 'CLOUD_ACCOUNT_AGGREGATION', name: 'Cloud Account Aggregation', launched: new Date().toISOString(), completionStatus: null } });
    }),
  ];

  const server = await startFakeServer({
    name: 'iga',
    routes,
    port: opts.port,
    errorBody: (status, detail) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail }),
    authenticate: (req) => {
      const h = req.headers.authorization ?? '';
      const b = /^Bearer\s+(.+)$/i.exec(h)?.[1];
      if (b !== undefined && bearer.has(b)) return undefined;
      const basic = /^Basic\s+(.+)$/i.exec(h)?.[1];
      if (basic !== undefined && opts.basic && Buffer.from(basic, 'base64').toString('utf8') === `${opts.basic.username}:${opts.basic.password}`) return undefined;
      return scimError(401, 'Authorization failure');
    },
  });
  return withState(server, state);
}
