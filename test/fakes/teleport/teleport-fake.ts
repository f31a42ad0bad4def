/**
 * Teleport access-request API fake.
 *
 * MODELLED, NOT VERIFIED: Teleport's real API is gRPC over mTLS (what the access plugins use). This is a
 * REST rendering of the same operations, with Bearer auth: list/get/create access requests, set state
 * APPROVED/DENIED with a reason (`PUT .../state`, or `POST .../approve|deny`; a resolved request cannot
 * change again: 409), locks (POST creates, PUT upserts as UpsertLock does, DELETE removes),
 * the audit log as pages of `{events, lastKey}` (as SearchEvents returns events and a start key; `startKey` in,
 * `lastKey` out, the position after the page, so it stays put when nothing is new), and Teleport's proxy ping
 * `GET /webapi/ping` (`{cluster_name, server_version, min_client_version, auth, proxy}`), which the bridge passes
 * through behind its bearer token like every other route (Teleport's proxy answers it without credentials).
 * Every request change also appends the matching audit event, so a poller sees real history.
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { empty, intParam, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';
import { accessRequestCreateEvent, accessRequestUpdateEvent, type TeleportAuditEvent } from './teleport-events.ts';

export type TeleportRequestState = 'PENDING' | 'APPROVED' | 'DENIED';

export interface TeleportAccessRequest {
  id: string;
  user: string;
  roles: string[];
  state: TeleportRequestState;
  reason: string;
  created: string;
  expires: string;
  resolve_reason: string;
  reviewer: string;
}

export interface TeleportLock {
  name: string;
  target: { user?: string; role?: string; login?: string; access_request?: string };
  message: string;
  expires: string | null;
  created_by: string;
}

export class TeleportState {
  readonly tokens = new Set<string>();
  readonly requests = new Map<string, TeleportAccessRequest>();
  readonly locks = new Map<string, TeleportLock>();
  readonly events: TeleportAuditEvent[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** Creates a PENDING request as a user would (`tsh request create`), and its audit event. */
  addRequest(r: { user: string; roles: string[]; reason?: string; ttlMinutes?: number; id?: string }): TeleportAccessRequest {
    this.seq += 1;
    const now = this.clock.now();
    const req: TeleportAccessRequest = {
      id: r.id ?? `0000000${this.seq}-req0-4000-8000-${String(this.seq).padStart(12, '0')}`,
      user: r.user,
      roles: r.roles,
      state: 'PENDING',
      reason: r.reason ?? '',
      created: new Date(now).toISOString(),
      expires: new Date(now + (r.ttlMinutes ?? 60) * 60_000).toISOString(),
      resolve_reason: '',
      reviewer: '',
    };
    this.requests.set(req.id, req);
    this.events.push(accessRequestCreateEvent({ id: req.id, user: req.user, roles: req.roles, reason: req.reason, time: req.created }));
    return req;
  }

  /** Appends an audit event (session events, for instance) for pollers to read. */
  appendEvent(e: TeleportAuditEvent): void {
    this.events.push(e);
  }

  now(): number {
    return this.clock.now();
  }

  lockedUsers(): string[] {
    const now = this.clock.now();
    return [...this.locks.values()].filter((l) => l.target.user && (l.expires === null || Date.parse(l.expires) > now)).map((l) => l.target.user!);
  }
}

export interface TeleportFakeOptions {
  readonly clock?: Clock;
  /** default `['teleport-token']` */
  readonly tokens?: readonly string[];
  readonly port?: number;
  /** default `teleport.example.test` */
  readonly clusterName?: string;
}

const tpError = (status: number, message: string): FakeResponse => json(status, { error: { message } });

export async function startTeleportFake(opts: TeleportFakeOptions = {}): Promise<Fake<TeleportState>> {
  const clock = opts.clock ?? systemClock;
  const state = new TeleportState(clock);
  for (const t of opts.tokens ?? ['teleport-token']) state.tokens.add(t);
  const requestOr404 = (req: FakeRequest): TeleportAccessRequest | FakeResponse =>
    state.requests.get(req.params.id!) ?? tpError(404, `access request "${req.params.id}" not found`);

  const resolve = (req: FakeRequest, wanted: unknown, reason: unknown, reviewer: unknown): FakeResponse => {
    const r = requestOr404(req);
    if ('status' in r) return r;
    if (wanted !== 'APPROVED' && wanted !== 'DENIED') return tpError(400, 'state must be APPROVED or DENIED');
    if (r.state === wanted) return json(200, r);
    if (r.state !== 'PENDING') return tpError(409, `access request "${r.id}" has already been ${r.state.toLowerCase()}`);
    r.state = wanted;
    r.resolve_reason = typeof reason === 'string' ? reason : '';
    r.reviewer = typeof reviewer === 'string' ? reviewer : 'lockstep';
    state.events.push(accessRequestUpdateEvent({ id: r.id, state: wanted, updatedBy: r.reviewer, user: r.user, roles: r.roles, reason: r.resolve_reason, time: new Date(clock.now()).toISOString() }));
    req.effect(`request:${r.id}`);
    return json(200, r);
  };

  /** Locks: POST creates (409 on a taken name), PUT upserts as Teleport's UpsertLock does (name derived from the target). */
  const writeLock = (upsert: boolean) => (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as { name?: unknown; target?: TeleportLock['target']; message?: unknown; expires?: unknown };
    const t = b.target ?? {};
    if (!t.user && !t.role && !t.login && !t.access_request) return tpError(400, 'lock target is empty');
    const derived = `lockstep-${Object.entries(t).map(([k, v]) => `${k}-${String(v)}`).join('-')}`;
    const name = typeof b.name === 'string' && b.name !== '' ? b.name : upsert ? derived : `lock-${state.locks.size + 1}`;
    const existing = state.locks.get(name);
    if (existing && !upsert) return tpError(409, `lock "${name}" already exists`);
    const lock: TeleportLock = { name, target: t, message: typeof b.message === 'string' ? b.message : '', expires: typeof b.expires === 'string' && b.expires !== '' ? b.expires : null, created_by: 'lockstep' };
    state.locks.set(name, lock);
    if (!existing || JSON.stringify(existing) !== JSON.stringify(lock)) req.effect(`lock:${name}`);
    return json(existing ? 200 : 201, lock);
  };

  const routes = [
    route('GET', '/webapi/ping', () => json(200, {
      cluster_name: opts.clusterName ?? 'teleport.example.test',
      server_version: '17.4.8',
      min_client_version: '16.0.0-aa',
      auth: { type: 'local', second_factor: 'otp', preferred_local_mfa: 'otp', local: { name: '' }, private_key_policy: 'none', device_trust_disabled: true, has_motd: false },
      proxy: { ssh: { listen_addr: '0.0.0.0:3023', public_addr: 'teleport.example.test:443' }, tls_routing_enabled: true },
    })),
    route('GET', '/v1/access-requests', (req) => {
      const wanted = req.query.state?.toUpperCase();
      return json(200, { items: [...state.requests.values()].filter((r) => wanted === undefined || r.state === wanted) });
    }),
    route('POST', '/v1/access-requests', (req) => {
      const b = (req.body ?? {}) as { user?: unknown; roles?: unknown; reason?: unknown };
      if (typeof b.user !== 'string' || !Array.isArray(b.roles) || b.roles.length === 0) return tpError(400, 'user and roles are required');
      const r = state.addRequest({ user: b.user, roles: b.roles.map(String), reason: typeof b.reason === 'string' ? b.reason : '' });
      req.effect(`request:${r.id}`);
      return json(201, r);
    }),
    route('GET', '/v1/access-requests/:id', (req) => {
      const r = requestOr404(req);
      return 'status' in r ? r : json(200, r);
    }),
    route('PUT', '/v1/access-requests/:id/state', (req) => {
      const b = (req.body ?? {}) as { state?: unknown; reason?: unknown; reviewer?: unknown };
      return resolve(req, b.state, b.reason, b.reviewer);
    }),
    route('POST', '/v1/access-requests/:id/approve', (req) => resolve(req, 'APPROVED', (req.body as { reason?: unknown } | undefined)?.reason, undefined)),
    route('POST', '/v1/access-requests/:id/deny', (req) => resolve(req, 'DENIED', (req.body as { reason?: unknown } | undefined)?.reason, undefined)),
    route('GET', '/v1/locks', () => json(200, { items: [...state.locks.values()] })),
    route('POST', '/v1/locks', writeLock(false)),
    route('PUT', '/v1/locks', writeLock(true)),
    route('DELETE', '/v1/locks/:name', (req) => {
      if (!state.locks.delete(req.params.name!)) return tpError(404, `lock "${req.params.name}" not found`);
      req.effect(`lock:${req.params.name}`);
      return empty(204);
    }),
    route('GET', '/v1/events', (req) => {
      const start = intParam(req.query.startKey, 0);
      const limit = Math.max(1, Math.min(intParam(req.query.limit, 100), 1000));
      const types = req.query.eventTypes?.split(',').filter((s) => s !== '');
      const slice = state.events.slice(start, start + limit);
      return json(200, { events: types ? slice.filter((e) => types.includes(e.event)) : slice, lastKey: String(start + slice.length) });
    }),
  ];

  const server = await startFakeServer({
    name: 'teleport',
    routes,
    port: opts.port,
    errorBody: (_status, message) => ({ error: { message } }),
    authenticate: (req) => {
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      return state.tokens.has(token) ? undefined : tpError(401, 'access denied');
    },
  });
  return withState(server, state);
}
