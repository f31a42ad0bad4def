/**
 * CyberArk PVWA REST fake: logon (session token in `Authorization`), safes and safe members with paging (add,
 * update — permissions given are set, others kept — and delete),
 * JIT administrative access, dual-control requests, live sessions, and the ISP audit stream for pollers.
 * Error bodies are `{ErrorCode, ErrorMessage}` as PVWA answers; the specific codes are modelled, not verified.
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { empty, intParam, json, page, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';
import { CyberArkState, SAFE_PERMISSIONS, type Safe, type SafeMember } from './cyberark-state.ts';
import { jitRoutes } from './cyberark-jit-routes.ts';
import { auditRoutes, CyberArkAuditLog } from './cyberark-audit-api.ts';

export interface CyberArkFakeOptions {
  readonly clock?: Clock;
  /** How long a logon token lives (ms); after that calls answer 401 and the client must log on again. */
  readonly tokenTtlMs?: number;
  /** Seed users (username → password); default `{ lockstep: 'secret' }`. */
  readonly users?: Readonly<Record<string, string>>;
  /** OAuth2 client for the Privilege Cloud platform token; default `{ clientId: 'lockstep', clientSecret: 'secret' }`. */
  readonly platformClient?: { readonly clientId: string; readonly clientSecret: string };
  readonly port?: number;
}

export interface CyberArkFakeState extends CyberArkState {
  readonly audit: CyberArkAuditLog;
}

export const cyberArkError = (status: number, code: string, message: string): FakeResponse => json(status, { ErrorCode: code, ErrorMessage: message });

const BASE = '/PasswordVault/api';

function memberView(safe: Safe, m: SafeMember, nowMs: number) {
  return {
    safeUrlId: safe.safeUrlId,
    safeName: safe.safeName,
    safeNumber: safe.safeNumber,
    memberId: m.memberId,
    memberName: m.memberName,
    memberType: m.memberType,
    membershipExpirationDate: m.membershipExpirationDate,
    isExpiredMembershipEnable: m.membershipExpirationDate !== null && m.membershipExpirationDate * 1000 <= nowMs,
    isPredefinedUser: false,
    isReadOnly: false,
    permissions: { ...m.permissions },
  };
}

function safeView(s: Safe) {
  return {
    safeUrlId: s.safeUrlId,
    safeName: s.safeName,
    safeNumber: s.safeNumber,
    description: s.description,
    location: s.location,
    creationTime: s.creationTime,
    olacEnabled: false,
    managingCPM: '',
    numberOfVersionsRetention: null,
    numberOfDaysRetention: 7,
    autoPurgeEnabled: false,
  };
}

function parsePermissions(raw: unknown): Partial<Record<string, boolean>> | undefined {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(SAFE_PERMISSIONS as readonly string[]).includes(k) || typeof v !== 'boolean') return undefined;
    out[k] = v;
  }
  return out;
}

function parseExpiry(raw: unknown): number | null | undefined {
  if (raw === undefined || raw === null) return null;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : undefined;
}

export async function startCyberArkFake(opts: CyberArkFakeOptions = {}): Promise<Fake<CyberArkFakeState>> {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.tokenTtlMs ?? 20 * 60_000;
  const platformClient = opts.platformClient ?? { clientId: 'lockstep', clientSecret: 'secret' };
  const state = Object.assign(new CyberArkState(clock), { audit: new CyberArkAuditLog(clock) }) as CyberArkFakeState;
  for (const [u, p] of Object.entries(opts.users ?? { lockstep: 'secret' })) state.addUser(u, p);
  let tokenSeq = 0;
  const issue = (user: string): string => {
    tokenSeq += 1;
    const token = Buffer.from(`cyberark-session-${tokenSeq}-${user}`).toString('base64');
    state.tokens.set(token, { user, expiresAt: clock.now() + ttl });
    return token;
  };
  const userOf = (req: FakeRequest): string => {
    const raw = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    return state.tokens.get(raw)?.user ?? '';
  };

  const safeOr404 = (req: FakeRequest): Safe | FakeResponse =>
    state.safe(req.params.safeUrlId!) ?? cyberArkError(404, 'SFWS0007E', `Safe [${req.params.safeUrlId}] has been deleted or does not exist.`);

  const routes = [
    route('POST', `${BASE}/auth/Cyberark/Logon`, (req) => {
      const b = (req.body ?? {}) as { username?: unknown; password?: unknown };
      const user = typeof b.username === 'string' ? b.username : '';
      if (user === '' || state.users.get(user.toLowerCase()) !== b.password) {
        return cyberArkError(403, 'ITATS127E', `Authentication failure for User [${user}].`);
      }
      return json(200, issue(user));
    }, { public: true }),
    route('POST', `${BASE}/auth/Logoff`, (req) => {
      state.tokens.delete((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
      return json(200, {});
    }),
    route('POST', '/oauth2/platformtoken', (req) => {
      const b = (req.body ?? {}) as Record<string, string>;
      if (b.grant_type !== 'client_credentials' || b.client_id !== platformClient.clientId || b.client_secret !== platformClient.clientSecret) {
        return json(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
      }
      return json(200, { access_token: issue(b.client_id), token_type: 'Bearer', expires_in: Math.floor(ttl / 1000) });
    }, { public: true }),

    route('GET', `${BASE}/Safes`, (req) => {
      const search = (req.query.search ?? '').toLowerCase();
      const all = [...state.safes.values()].filter((s) => s.safeName.toLowerCase().includes(search));
      const offset = intParam(req.query.offset, 0);
      const limit = Math.min(intParam(req.query.limit, 25), 1000);
      const p = page(all, offset, limit);
      const next = p.next === undefined ? undefined : `api/Safes?offset=${p.next}&limit=${limit}${search ? `&search=${encodeURIComponent(search)}` : ''}`;
      return json(200, { value: p.items.map(safeView), count: all.length, ...(next ? { nextLink: next } : {}) });
    }),
    route('GET', `${BASE}/Safes/:safeUrlId`, (req) => {
      const safe = safeOr404(req);
      return 'status' in safe ? safe : json(200, safeView(safe));
    }),
    route('GET', `${BASE}/Safes/:safeUrlId/Members`, (req) => {
      const safe = safeOr404(req);
      if ('status' in safe) return safe;
      const search = (req.query.search ?? '').toLowerCase();
      const all = [...safe.members.values()].filter((m) => m.memberName.toLowerCase().includes(search));
      const offset = intParam(req.query.offset, 0);
      const limit = Math.min(intParam(req.query.limit, 25), 1000);
      const p = page(all, offset, limit);
      const searchPart = search ? `&search=${encodeURIComponent(search)}` : '';
      const next = p.next === undefined ? undefined : `api/Safes/${encodeURIComponent(safe.safeUrlId)}/Members?offset=${p.next}&limit=${limit}${searchPart}`;
      return json(200, { value: p.items.map((m) => memberView(safe, m, clock.now())), count: all.length, ...(next ? { nextLink: next } : {}) });
    }),
    route('GET', `${BASE}/Safes/:safeUrlId/Members/:memberName`, (req) => {
      const safe = safeOr404(req);
      if ('status' in safe) return safe;
      const m = safe.members.get(req.params.memberName!.toLowerCase());
      return m ? json(200, memberView(safe, m, clock.now())) : cyberArkError(404, 'CAWS00001E', `User or Group [${req.params.memberName}] was not found in Safe [${safe.safeName}].`);
    }),
    route('POST', `${BASE}/Safes/:safeUrlId/Members`, (req) => {
      const safe = safeOr404(req);
      if ('status' in safe) return safe;
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.memberName !== 'string' || b.memberName === '') return cyberArkError(400, 'CAWS00001E', 'Input parameter for [memberName] is missing.');
      const permissions = parsePermissions(b.permissions);
      if (permissions === undefined) return cyberArkError(400, 'CAWS00001E', `Failed to add User or Group ${b.memberName}. Reason: Input parameter for [Permissions] value is invalid.`);
      const expiry = parseExpiry(b.membershipExpirationDate);
      if (expiry === undefined) return cyberArkError(400, 'CAWS00001E', 'Input parameter for [membershipExpirationDate] value is invalid.');
      if (state.knownPrincipals && !state.knownPrincipals.has(b.memberName.toLowerCase())) {
        return cyberArkError(404, 'CAWS00001E', `Failed to add User or Group ${b.memberName}. Reason: User or Group was not found.`);
      }
      if (safe.members.has(b.memberName.toLowerCase())) {
        return cyberArkError(409, 'SFWS0012E', `User [${b.memberName}] is already a member of Safe [${safe.safeName}].`);
      }
      const memberType = b.memberType === 'Group' || b.memberType === 'Role' ? b.memberType : 'User';
      const m = state.putMember(safe.safeName, {
        memberName: b.memberName,
        memberType,
        searchIn: typeof b.searchIn === 'string' ? b.searchIn : 'Vault',
        membershipExpirationDate: expiry,
        permissions,
      });
      req.effect(`safe:${safe.safeName}/member:${m.memberName.toLowerCase()}`);
      return json(201, memberView(safe, m, clock.now()));
    }),
    route('PUT', `${BASE}/Safes/:safeUrlId/Members/:memberName`, (req) => {
      const safe = safeOr404(req);
      if ('status' in safe) return safe;
      const m = safe.members.get(req.params.memberName!.toLowerCase());
      if (!m) return cyberArkError(404, 'CAWS00001E', `Failed to update User or Group ${req.params.memberName}. Reason: User or Group was not found.`);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const permissions = parsePermissions(b.permissions);
      const expiry = b.membershipExpirationDate === undefined ? m.membershipExpirationDate : parseExpiry(b.membershipExpirationDate);
      if (permissions === undefined || expiry === undefined) return cyberArkError(400, 'CAWS00001E', 'Input parameter value is invalid.');
      const next = { ...m.permissions, ...permissions };
      const changed = expiry !== m.membershipExpirationDate || Object.entries(next).some(([k, v]) => m.permissions[k as keyof typeof m.permissions] !== v);
      m.permissions = next;
      m.membershipExpirationDate = expiry;
      // Like add (409) and delete (404), a repeated update that changes nothing has no effect.
      if (changed) req.effect(`safe:${safe.safeName}/member:${m.memberName.toLowerCase()}`);
      return json(200, memberView(safe, m, clock.now()));
    }),
    route('DELETE', `${BASE}/Safes/:safeUrlId/Members/:memberName`, (req) => {
      const safe = safeOr404(req);
      if ('status' in safe) return safe;
      const key = req.params.memberName!.toLowerCase();
      if (!safe.members.delete(key)) {
        return cyberArkError(404, 'CAWS00001E', `Failed to delete User or Group ${req.params.memberName}. Reason: User or Group was not found.`);
      }
      req.effect(`safe:${safe.safeName}/member:${key}`);
      return empty(204);
    }),
    ...jitRoutes({ state, base: BASE, userOf }),
    ...auditRoutes({ log: state.audit }),
  ];

  const server = await startFakeServer({
    name: 'cyberark',
    routes,
    port: opts.port,
    errorBody: (status, message) => ({ ErrorCode: status >= 500 ? 'PASWS001E' : 'CAWS00001E', ErrorMessage: message }),
    authenticate: (req) => {
      const raw = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const t = state.tokens.get(raw);
      if (raw === '' || !t) return cyberArkError(401, 'PASWS006E', 'Your session has expired. Please log in again.');
      if (t.expiresAt <= clock.now()) return cyberArkError(401, 'PASWS006E', 'Your session has expired. Please log in again.');
      return undefined;
    },
  });
  return withState(server, state);
}
