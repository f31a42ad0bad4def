/**
 * CyberArk JIT and session routes: accounts, `grantAdministrativeAccess` / `RevokeAdministrativeAccess`
 * (access goes to the logged-on caller), dual-control `IncomingRequests/{id}/Confirm|Reject`, and
 * `LiveSessions` with terminate. List envelopes follow the PVWA v10+ shapes; conflict codes are modelled.
 */
import { empty, json, route, type FakeRequest, type FakeResponse, type Route } from '../fake-server.ts';
import type { Account, CyberArkState } from './cyberark-state.ts';

export interface JitRouteDeps {
  readonly state: CyberArkState;
  readonly base: string;
  /** The user the request's token belongs to. */
  readonly userOf: (req: FakeRequest) => string;
  /** How long a JIT administrative grant lasts (ms), default one hour as CyberArk's platform default. */
  readonly jitDurationMs?: number;
}

const err = (status: number, code: string, message: string): FakeResponse => json(status, { ErrorCode: code, ErrorMessage: message });

function accountView(a: Account) {
  return {
    id: a.id,
    name: a.name,
    address: a.address,
    userName: a.userName,
    platformId: a.platformId,
    safeName: a.safeName,
    secretType: 'password',
    secretManagement: { automaticManagementEnabled: true },
  };
}

export function jitRoutes(deps: JitRouteDeps): Route[] {
  const { state, base } = deps;
  const jitMs = deps.jitDurationMs ?? 60 * 60_000;
  const account = (req: FakeRequest): Account | FakeResponse =>
    state.accounts.get(req.params.id!) ?? err(404, 'PASWS165E', `Account ${req.params.id} was not found.`);

  const decide = (verdict: 'Confirmed' | 'Rejected') => (req: FakeRequest): FakeResponse => {
    const r = state.incomingRequests.get(req.params.id!);
    if (!r) return err(404, 'PASWS188E', `Request ${req.params.id} was not found.`);
    const reason = ((req.body ?? {}) as { Reason?: unknown }).Reason;
    if (r.Status === verdict) return json(200, {});
    if (r.Status !== 'Pending') return err(409, 'PASWS189E', `Request ${r.RequestID} was already ${r.Status.toLowerCase()}.`);
    r.Status = verdict;
    r.StatusTitle = verdict === 'Confirmed' ? 'Confirmed' : 'Rejected';
    if (verdict === 'Confirmed') r.ConfirmReason = typeof reason === 'string' ? reason : '';
    else r.RejectReason = typeof reason === 'string' ? reason : '';
    r.ConfirmedBy = deps.userOf(req);
    req.effect(`request:${r.RequestID}`);
    return json(200, {});
  };

  return [
    route('GET', `${base}/Accounts`, (req) => {
      const filter = /safeName eq (.+)$/i.exec(req.query.filter ?? '');
      const all = [...state.accounts.values()].filter((a) => !filter || a.safeName.toLowerCase() === filter[1]!.trim().toLowerCase());
      return json(200, { value: all.map(accountView), count: all.length });
    }),
    route('GET', `${base}/Accounts/:id`, (req) => {
      const a = account(req);
      return 'status' in a ? a : json(200, accountView(a));
    }),
    route('POST', `${base}/Accounts/:id/grantAdministrativeAccess`, (req) => {
      const a = account(req);
      if ('status' in a) return a;
      const user = deps.userOf(req);
      const held = state.adminAccessHolders(a.id).includes(user);
      if (!held) {
        a.adminAccess.set(user, state.now() + jitMs);
        req.effect(`account:${a.id}/admin:${user.toLowerCase()}`);
      }
      return json(200, {});
    }),
    route('POST', `${base}/Accounts/:id/RevokeAdministrativeAccess`, (req) => {
      const a = account(req);
      if ('status' in a) return a;
      const user = deps.userOf(req);
      if (a.adminAccess.delete(user)) req.effect(`account:${a.id}/admin:${user.toLowerCase()}`);
      return json(200, {});
    }),
    route('GET', `${base}/IncomingRequests`, (req) => {
      const onlyWaiting = (req.query.onlywaiting ?? req.query.onlyWaiting ?? 'false').toLowerCase() === 'true';
      const all = [...state.incomingRequests.values()].filter((r) => !onlyWaiting || r.Status === 'Pending');
      return json(200, { IncomingRequests: all, Total: all.length });
    }),
    route('GET', `${base}/IncomingRequests/:id`, (req) => {
      const r = state.incomingRequests.get(req.params.id!);
      return r ? json(200, r) : err(404, 'PASWS188E', `Request ${req.params.id} was not found.`);
    }),
    route('POST', `${base}/IncomingRequests/:id/Confirm`, decide('Confirmed')),
    route('POST', `${base}/IncomingRequests/:id/Reject`, decide('Rejected')),
    route('GET', `${base}/LiveSessions`, () => {
      const live = [...state.liveSessions.values()].filter((s) => !s.Terminated);
      return json(200, { LiveSessions: live, Total: live.length });
    }),
    route('POST', `${base}/LiveSessions/:id/Terminate`, (req) => {
      const s = state.liveSessions.get(req.params.id!);
      if (!s) return err(404, 'PSMWS002E', `Live session ${req.params.id} was not found.`);
      if (!s.Terminated) {
        s.Terminated = true;
        req.effect(`session:${s.SessionID}`);
      }
      return empty(200);
    }),
  ];
}
