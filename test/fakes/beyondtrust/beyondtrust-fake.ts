/**
 * BeyondTrust Password Safe public API v3 fake: `POST /Auth/SignAppin` with `PS-Auth key=..; runas=..;`
 * sets an `ASP.NET_SessionId` cookie that later calls must carry; access requests (create, list by
 * `status`, approve, deny/cancel, check in, terminate by managed account or user) and managed accounts for
 * inventory. Routes and bodies follow BeyondTrust's own .NET client; property names are matched
 * case-insensitively as .NET model binding does (`SystemID` or `SystemId`). The 409 on a second open
 * request for one account without `ConflictOption`, the 409 on a second check-in, and the plain-string
 * error bodies are modelled, not verified.
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { empty, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';
import { userGroupRoutes } from './beyondtrust-user-groups.ts';

export type BeyondTrustRequestStatus = 'Pending' | 'Approved' | 'Denied' | 'Released' | 'Expired';

export interface BeyondTrustRequest {
  RequestID: number;
  UserName: string;
  SystemID: number;
  AccountID: number;
  DurationMinutes: number;
  Reason: string;
  AccessType: 'View' | 'RDP' | 'SSH' | 'App';
  TicketSystemID: number | null;
  TicketNumber: string | null;
  Status: BeyondTrustRequestStatus;
  RequestReleaseDate: string | null;
  ApprovedDate: string | null;
  ExpiresDate: string;
  CreatedDate: string;
  CheckinReason?: string;
  DecisionReason?: string;
}

export interface ManagedAccount {
  SystemId: number;
  SystemName: string;
  AccountId: number;
  AccountName: string;
  DomainName: string | null;
}

export interface UserGroup {
  GroupID: number;
  Name: string;
  /** Member user ids. */
  members: Set<number>;
}

export class BeyondTrustState {
  readonly apiKeys = new Set<string>();
  /** runas users allowed to sign in (lower-cased name → UserId). */
  readonly users = new Map<string, number>();
  readonly sessions = new Map<string, { user: string; expiresAt: number }>();
  readonly requests = new Map<number, BeyondTrustRequest>();
  readonly managedAccounts: ManagedAccount[] = [];
  readonly userGroups = new Map<number, UserGroup>();
  /** Every user the fake knows (lower-cased name → UserID); runas users are among them. */
  readonly directory = new Map<string, number>();
  /** Requests are approved on creation unless set false (then they wait for `PUT /Requests/{id}/Approve`). */
  autoApprove = true;
  private nextRequestId = 1001;

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  /** The user's id, registering a new directory user for an unknown name. */
  userId(name: string): number {
    const key = name.toLowerCase();
    if (!this.directory.has(key)) this.directory.set(key, this.directory.size + 1);
    return this.directory.get(key)!;
  }

  userName(id: number): string | undefined {
    return [...this.directory].find(([, v]) => v === id)?.[0];
  }

  addUserGroup(groupId: number, name: string, members: readonly string[] = []): UserGroup {
    const g: UserGroup = { GroupID: groupId, Name: name, members: new Set(members.map((m) => this.userId(m))) };
    this.userGroups.set(groupId, g);
    return g;
  }

  groupMemberNames(groupId: number): string[] {
    return [...(this.userGroups.get(groupId)?.members ?? [])].map((id) => this.userName(id) ?? String(id));
  }

  newRequestId(): number {
    return this.nextRequestId++;
  }

  /** Requests that still hold access (approved or pending, not released, not past expiry). */
  openRequests(user?: string): BeyondTrustRequest[] {
    const now = this.clock.now();
    return [...this.requests.values()].filter((r) => {
      if (r.Status === 'Approved' && Date.parse(r.ExpiresDate) <= now) r.Status = 'Expired';
      return (r.Status === 'Approved' || r.Status === 'Pending') && (user === undefined || r.UserName.toLowerCase() === user.toLowerCase());
    });
  }

  expireSessions(): void {
    for (const s of this.sessions.values()) s.expiresAt = 0;
  }
}

export interface BeyondTrustFakeOptions {
  readonly clock?: Clock;
  /** default `['bt-api-key']` */
  readonly apiKeys?: readonly string[];
  /** default `['lockstep']` */
  readonly users?: readonly string[];
  readonly sessionTtlMs?: number;
  readonly port?: number;
}

const BASE = '/BeyondTrust/api/public/v3';
const ACCESS_TYPES = ['View', 'RDP', 'SSH', 'App'] as const;

const parsePsAuth = (h: string): { key?: string; runas?: string } => {
  if (!/^PS-Auth\s/i.test(h)) return {};
  const out: Record<string, string> = {};
  for (const part of h.replace(/^PS-Auth\s+/i, '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
  }
  return { key: out.key, runas: out.runas };
};

/** The body's properties keyed case-insensitively by their canonical names. */
function caseless(body: unknown): Record<string, unknown> {
  const names = ['SystemID', 'AccountID', 'DurationMinutes', 'Reason', 'AccessType', 'ConflictOption', 'TicketSystemID', 'TicketNumber'];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) out[names.find((n) => n.toLowerCase() === k.toLowerCase()) ?? k] = v;
  return out;
}

const cookieSession = (req: FakeRequest): string | undefined => /(?:^|;\s*)ASP\.NET_SessionId=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];

export async function startBeyondTrustFake(opts: BeyondTrustFakeOptions = {}): Promise<Fake<BeyondTrustState>> {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.sessionTtlMs ?? 20 * 60_000;
  const state = new BeyondTrustState(clock);
  for (const k of opts.apiKeys ?? ['bt-api-key']) state.apiKeys.add(k);
  for (const u of opts.users ?? ['lockstep']) state.users.set(u.toLowerCase(), state.userId(u));
  let sessionSeq = 0;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const userOf = (req: FakeRequest): string => state.sessions.get(cookieSession(req) ?? '')?.user ?? '';
  const terminate = (req: FakeRequest, which: (r: BeyondTrustRequest) => boolean): FakeResponse => {
    for (const r of state.openRequests().filter(which)) {
      r.Status = 'Released';
      r.RequestReleaseDate = iso(clock.now());
      r.CheckinReason = String(caseless(req.body).Reason ?? '');
      req.effect(`request:${r.RequestID}`);
    }
    return empty(204);
  };
  const requestOr404 = (req: FakeRequest): BeyondTrustRequest | FakeResponse =>
    state.requests.get(Number(req.params.id)) ?? json(404, `Request ${req.params.id} not found`);

  const routes = [
    route('POST', `${BASE}/Auth/SignAppin`, (req) => {
      const { key, runas } = parsePsAuth(req.headers.authorization ?? '');
      if (!key || !state.apiKeys.has(key) || !runas || !state.users.has(runas.toLowerCase())) return json(401, 'User not authenticated');
      sessionSeq += 1;
      const sid = `btsession${String(sessionSeq).padStart(6, '0')}`;
      state.sessions.set(sid, { user: runas, expiresAt: clock.now() + ttl });
      return json(200, { UserId: state.users.get(runas.toLowerCase()), SID: null, EmailAddress: `${runas}@example.test`, UserName: runas, Name: runas }, {
        'set-cookie': `ASP.NET_SessionId=${sid}; path=/; HttpOnly`,
      });
    }, { public: true }),
    route('POST', `${BASE}/Auth/Signout`, (req) => {
      state.sessions.delete(cookieSession(req) ?? '');
      return empty(200);
    }),
    route('GET', `${BASE}/ManagedAccounts`, () => json(200, state.managedAccounts)),
    ...userGroupRoutes(state, BASE),
    route('GET', `${BASE}/Requests`, (req) => {
      const status = (req.query.status ?? 'all').toLowerCase();
      const open = new Set(state.openRequests().map((r) => r.RequestID));
      const all = [...state.requests.values()].filter((r) =>
        status === 'all' ? true : status === 'active' ? open.has(r.RequestID) && r.Status === 'Approved' : status === 'pending' ? r.Status === 'Pending' : true,
      );
      return json(200, all);
    }),
    route('GET', `${BASE}/Requests/:id`, (req) => {
      const r = requestOr404(req);
      return 'RequestID' in r ? json(200, r) : r;
    }),
    route('POST', `${BASE}/Requests`, (req) => {
      const b = caseless(req.body);
      const user = userOf(req);
      if (!Number.isInteger(b.SystemID) || !Number.isInteger(b.AccountID)) return json(400, 'SystemID and AccountID are required');
      if (!Number.isInteger(b.DurationMinutes) || (b.DurationMinutes as number) < 1 || (b.DurationMinutes as number) > 10080) {
        return json(400, 'DurationMinutes must be between 1 and 10080');
      }
      const accessType = (b.AccessType ?? 'View') as BeyondTrustRequest['AccessType'];
      if (!ACCESS_TYPES.includes(accessType)) return json(400, `Invalid AccessType ${String(b.AccessType)}`);
      const conflict = state.openRequests(user).find((r) => r.SystemID === b.SystemID && r.AccountID === b.AccountID);
      if (conflict) {
        if (b.ConflictOption === 'reuse') return json(200, conflict.RequestID);
        return json(409, `An open request (${conflict.RequestID}) already exists for this account`);
      }
      const now = clock.now();
      const r: BeyondTrustRequest = {
        RequestID: state.newRequestId(),
        UserName: user,
        SystemID: b.SystemID as number,
        AccountID: b.AccountID as number,
        DurationMinutes: b.DurationMinutes as number,
        Reason: typeof b.Reason === 'string' ? b.Reason : '',
        AccessType: accessType,
        TicketSystemID: Number.isInteger(b.TicketSystemID) ? (b.TicketSystemID as number) : null,
        TicketNumber: typeof b.TicketNumber === 'string' ? b.TicketNumber : null,
        Status: state.autoApprove ? 'Approved' : 'Pending',
        RequestReleaseDate: null,
        ApprovedDate: state.autoApprove ? iso(now) : null,
        ExpiresDate: iso(now + (b.DurationMinutes as number) * 60_000),
        CreatedDate: iso(now),
      };
      state.requests.set(r.RequestID, r);
      req.effect(`request:${r.RequestID}`);
      return json(201, r.RequestID);
    }),
    ...(['Approve', 'Deny'] as const).map((verb) =>
      route('PUT', `${BASE}/Requests/:id/${verb}`, (req) => {
        const r = requestOr404(req);
        if (!('RequestID' in r)) return r;
        const open = r.Status === 'Pending' || (verb === 'Deny' && state.openRequests().includes(r));
        if (!open) return json(409, `Request ${r.RequestID} is not ${verb === 'Deny' ? 'pending or active' : 'pending'}`);
        r.Status = verb === 'Approve' ? 'Approved' : 'Denied';
        if (verb === 'Approve') r.ApprovedDate = iso(clock.now());
        r.DecisionReason = String(((req.body ?? {}) as { Reason?: unknown }).Reason ?? '');
        req.effect(`request:${r.RequestID}`);
        return empty(204);
      }),
    ),
    route('PUT', `${BASE}/Requests/:id/Checkin`, (req) => {
      const r = requestOr404(req);
      if (!('RequestID' in r)) return r;
      if (r.Status === 'Released') return json(409, `Request ${r.RequestID} has already been released`);
      r.Status = 'Released';
      r.RequestReleaseDate = iso(clock.now());
      r.CheckinReason = String(((req.body ?? {}) as { Reason?: unknown }).Reason ?? '');
      req.effect(`request:${r.RequestID}`);
      return empty(204);
    }),
    route('POST', `${BASE}/ManagedAccounts/:id/Requests/Terminate`, (req) => terminate(req, (r) => r.AccountID === Number(req.params.id))),
    route('POST', `${BASE}/Users/:id/Requests/Terminate`, (req) => terminate(req, (r) => state.users.get(r.UserName.toLowerCase()) === Number(req.params.id))),
  ];

  const server = await startFakeServer({
    name: 'beyondtrust',
    routes,
    port: opts.port,
    errorBody: (_status, message) => message,
    authenticate: (req) => {
      const s = state.sessions.get(cookieSession(req) ?? '');
      return !s || s.expiresAt <= clock.now() ? json(401, 'User not authenticated') : undefined;
    },
  });
  return withState(server, state);
}
