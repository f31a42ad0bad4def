/**
 * Microsoft Entra PIM (Microsoft Graph v1.0) fake: the client-credentials token endpoint
 * `/{tenant}/oauth2/v2.0/token`, `roleAssignmentScheduleRequests` (adminAssign, adminRemove, selfActivate,
 * selfDeactivate, ...) that create or end `roleAssignmentScheduleInstances`, listed with a simple `$filter`
 * (`principalId eq '..'` [and `roleDefinitionId eq '..'`]) and `@odata.nextLink` paging. Error codes
 * `RoleAssignmentExists` / `RoleAssignmentDoesNotExist` follow Graph; the eligibility and justification
 * checks are a simplified model of PIM policy.
 */
import { systemClock, type Clock } from '../../../gateway/domain/clock.ts';
import { intParam, json, route, startFakeServer, withState, type Fake, type FakeRequest, type FakeResponse } from '../fake-server.ts';
import { approvalRoutes } from './entra-approval-routes.ts';
import { eligibilityRoutes } from './entra-eligibility-routes.ts';

export const PIM_ACTIONS = ['adminAssign', 'adminUpdate', 'adminRemove', 'adminExtend', 'adminRenew', 'selfActivate', 'selfDeactivate', 'selfExtend', 'selfRenew'] as const;
export type PimAction = (typeof PIM_ACTIONS)[number];

export interface RoleAssignmentInstance {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: null;
  startDateTime: string;
  endDateTime: string | null;
  memberType: 'Direct';
  assignmentType: 'Assigned' | 'Activated';
  roleAssignmentOriginId: string;
  roleAssignmentScheduleId: string;
}

export interface ScheduleRequest {
  id: string;
  status: 'Provisioned' | 'Revoked' | 'PendingApproval' | 'Denied';
  approvalId: string | null;
  action: PimAction;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  justification: string | null;
  scheduleInfo: unknown;
  ticketInfo: unknown;
  createdDateTime: string;
  completedDateTime: string | null;
  targetScheduleId: string;
}

export interface PimApproval {
  id: string;
  requestId: string;
  steps: { id: string; status: 'InProgress' | 'Completed'; reviewResult: 'NotReviewed' | 'Approve' | 'Deny'; justification: string | null; reviewedDateTime: string | null; displayName: string | null; assignedToMe: boolean }[];
}

export class EntraPimState {
  readonly clients = new Map<string, string>();
  readonly tokens = new Map<string, number>();
  readonly instances = new Map<string, RoleAssignmentInstance>();
  readonly requests: ScheduleRequest[] = [];
  /** `principalId|roleDefinitionId|directoryScopeId` keys of eligible assignments (for selfActivate). */
  readonly eligibilities = new Set<string>();
  /** PIM role setting: activation needs a justification. */
  requireJustification = true;
  /** Role definition ids whose activation needs an approver (PIM role setting). */
  readonly approvalRequired = new Set<string>();
  readonly approvals = new Map<string, PimApproval>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  newId(): string {
    this.seq += 1;
    return `00000000-0000-4000-8000-${String(this.seq).padStart(12, '0')}`;
  }

  addEligibility(principalId: string, roleDefinitionId: string, directoryScopeId = '/'): void {
    this.eligibilities.add(`${principalId}|${roleDefinitionId}|${directoryScopeId}`);
  }

  /** Instances in force now (expired ones are dropped, as PIM ends them). */
  activeInstances(): RoleAssignmentInstance[] {
    const now = this.clock.now();
    for (const [id, i] of this.instances) if (i.endDateTime !== null && Date.parse(i.endDateTime) <= now) this.instances.delete(id);
    return [...this.instances.values()];
  }

  /** Creates an assignment instance (assigned, or activated after approval). */
  instantiate(i: Pick<RoleAssignmentInstance, 'principalId' | 'roleDefinitionId' | 'directoryScopeId' | 'assignmentType' | 'endDateTime'>): RoleAssignmentInstance {
    const id = this.newId();
    const instance: RoleAssignmentInstance = {
      ...i, id, appScopeId: null, startDateTime: new Date(this.clock.now()).toISOString(), memberType: 'Direct', roleAssignmentOriginId: id, roleAssignmentScheduleId: id,
    };
    this.instances.set(id, instance);
    return instance;
  }

  find(principalId: string, roleDefinitionId: string, directoryScopeId: string, type: RoleAssignmentInstance['assignmentType']): RoleAssignmentInstance | undefined {
    return this.activeInstances().find((i) => i.principalId === principalId && i.roleDefinitionId === roleDefinitionId && i.directoryScopeId === directoryScopeId && i.assignmentType === type);
  }

  expireTokens(): void {
    for (const k of this.tokens.keys()) this.tokens.set(k, 0);
  }
}

export interface EntraPimFakeOptions {
  readonly clock?: Clock;
  /** default `{ 'lockstep-app': 'secret' }` */
  readonly clients?: Readonly<Record<string, string>>;
  readonly tokenTtlSeconds?: number;
  readonly port?: number;
}

const graphError = (status: number, code: string, message: string): FakeResponse => json(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': 'fake' } } });

/** ISO 8601 durations as PIM takes them (`PT30M`, `PT8H`, `P1D`), in ms; undefined when malformed. */
export function isoDurationMs(d: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) return undefined;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
}

export function scheduleEnd(scheduleInfo: unknown, start: number): string | null | undefined {
  const exp = (scheduleInfo as { expiration?: { type?: string; endDateTime?: string; duration?: string } } | undefined)?.expiration;
  if (!exp || exp.type === undefined || exp.type === 'noExpiration') return null;
  if (exp.type === 'afterDateTime' && exp.endDateTime && !Number.isNaN(Date.parse(exp.endDateTime))) return new Date(Date.parse(exp.endDateTime)).toISOString();
  if (exp.type === 'afterDuration' && exp.duration) {
    const ms = isoDurationMs(exp.duration);
    return ms === undefined ? undefined : new Date(start + ms).toISOString();
  }
  return undefined;
}

function parseFilter(f: string | undefined): Record<string, string> | undefined {
  if (f === undefined || f.trim() === '') return {};
  const out: Record<string, string> = {};
  for (const clause of f.split(/\s+and\s+/i)) {
    const m = /^\s*(principalId|roleDefinitionId|directoryScopeId|assignmentType)\s+eq\s+'([^']*)'\s*$/.exec(clause);
    if (!m) return undefined;
    out[m[1]!] = m[2]!;
  }
  return out;
}

export async function startEntraPimFake(opts: EntraPimFakeOptions = {}): Promise<Fake<EntraPimState>> {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.tokenTtlSeconds ?? 3599;
  const state = new EntraPimState(clock);
  for (const [c, s] of Object.entries(opts.clients ?? { 'lockstep-app': 'secret' })) state.clients.set(c, s);
  const BASE = '/v1.0/roleManagement/directory';
  let tokenSeq = 0;

  const createRequest = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const action = b.action as PimAction;
    if (!PIM_ACTIONS.includes(action)) return graphError(400, 'InvalidActionType', `Action type '${String(b.action)}' is not supported.`);
    for (const f of ['principalId', 'roleDefinitionId', 'directoryScopeId'] as const) {
      if (typeof b[f] !== 'string' || b[f] === '') return graphError(400, 'InvalidRequest', `The property '${f}' is required.`);
    }
    const [principalId, roleDefinitionId, directoryScopeId] = [b.principalId as string, b.roleDefinitionId as string, b.directoryScopeId as string];
    const now = clock.now();
    const end = scheduleEnd(b.scheduleInfo, now);
    if (end === undefined) return graphError(400, 'InvalidScheduleInfo', 'The schedule info is invalid.');
    const justification = typeof b.justification === 'string' ? b.justification : null;
    const type: RoleAssignmentInstance['assignmentType'] = action.startsWith('self') ? 'Activated' : 'Assigned';
    const existing = state.find(principalId, roleDefinitionId, directoryScopeId, type);
    const key = `${principalId}|${roleDefinitionId}|${directoryScopeId}`;
    let targetScheduleId = existing?.roleAssignmentScheduleId ?? state.newId();
    if (action === 'adminAssign' || action === 'selfActivate') {
      if (existing) return graphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
      if (action === 'selfActivate' && !state.eligibilities.has(key)) return graphError(400, 'RoleEligibilityScheduleDoesNotExist', 'The principal is not eligible for this role.');
      if (action === 'selfActivate' && state.requireJustification && !justification) {
        return graphError(400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["JustificationRule"]');
      }
      if (action === 'selfActivate' && state.approvalRequired.has(roleDefinitionId)) {
        const pending = state.requests.find((x) => x.status === 'PendingApproval' && x.principalId === principalId && x.roleDefinitionId === roleDefinitionId && x.directoryScopeId === directoryScopeId);
        if (pending) return graphError(400, 'PendingRoleAssignmentRequest', 'There is already an existing pending Role assignment request.');
        const r = pendingRequest({ principalId, roleDefinitionId, directoryScopeId, justification, scheduleInfo: b.scheduleInfo ?? null, ticketInfo: b.ticketInfo ?? null, now });
        req.effect(`approval:${r.approvalId}`);
        return json(201, { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity`, ...r, appScopeId: null, isValidationOnly: false });
      }
      targetScheduleId = state.instantiate({ principalId, roleDefinitionId, directoryScopeId, assignmentType: type, endDateTime: end }).id;
      req.effect(`role:${roleDefinitionId}/scope:${directoryScopeId}/principal:${principalId}`);
    } else if (action === 'adminRemove' || action === 'selfDeactivate') {
      if (!existing) return graphError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      state.instances.delete(existing.id);
      req.effect(`role:${roleDefinitionId}/scope:${directoryScopeId}/principal:${principalId}`);
    } else {
      if (!existing) return graphError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      existing.endDateTime = end;
      req.effect(`role:${roleDefinitionId}/scope:${directoryScopeId}/principal:${principalId}`);
    }
    const r: ScheduleRequest = {
      id: state.newId(),
      status: action === 'adminRemove' || action === 'selfDeactivate' ? 'Revoked' : 'Provisioned',
      action, principalId, roleDefinitionId, directoryScopeId, justification,
      scheduleInfo: b.scheduleInfo ?? null, ticketInfo: b.ticketInfo ?? null,
      createdDateTime: new Date(now).toISOString(), completedDateTime: new Date(now).toISOString(), targetScheduleId, approvalId: null,
    };
    state.requests.push(r);
    return json(201, { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity`, ...r, appScopeId: null, isValidationOnly: false });
  };

  const pendingRequest = (p: { principalId: string; roleDefinitionId: string; directoryScopeId: string; justification: string | null; scheduleInfo: unknown; ticketInfo: unknown; now: number }): ScheduleRequest => {
    const approvalId = state.newId();
    const r: ScheduleRequest = {
      id: state.newId(), status: 'PendingApproval', action: 'selfActivate', principalId: p.principalId, roleDefinitionId: p.roleDefinitionId,
      directoryScopeId: p.directoryScopeId, justification: p.justification, scheduleInfo: p.scheduleInfo, ticketInfo: p.ticketInfo,
      createdDateTime: new Date(p.now).toISOString(), completedDateTime: null, targetScheduleId: '', approvalId,
    };
    state.requests.push(r);
    state.approvals.set(approvalId, {
      id: approvalId, requestId: r.id,
      steps: [{ id: state.newId(), status: 'InProgress', reviewResult: 'NotReviewed', justification: null, reviewedDateTime: null, displayName: null, assignedToMe: true }],
    });
    return r;
  };

  const token = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'client_credentials' || !b.client_id || state.clients.get(b.client_id) !== b.client_secret) {
      return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
    }
    if (!b.scope?.endsWith('/.default')) return json(400, { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' });
    tokenSeq += 1;
    const issued = `eyJ0eXAiOiJKV1QifQ.fake-graph-token-${tokenSeq}.sig`;
    state.tokens.set(issued, clock.now() + ttl * 1000);
    return json(200, { token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: issued });
  };

  const routes = [
    route('POST', '/:tenant/oauth2/v2.0/token', token, { public: true }),
    route('POST', '/oauth2/v2.0/token', token, { public: true }),
    ...approvalRoutes({ state, base: BASE, scheduleEnd }),
    ...eligibilityRoutes({ state, base: BASE }),
    route('POST', `${BASE}/roleAssignmentScheduleRequests`, createRequest),
    route('GET', `${BASE}/roleAssignmentScheduleRequests`, () => json(200, { value: state.requests })),
    route('GET', `${BASE}/roleAssignmentScheduleRequests/:id`, (req) => {
      const r = state.requests.find((x) => x.id === req.params.id);
      return r ? json(200, r) : graphError(404, 'ResourceNotFound', `Resource '${req.params.id}' does not exist.`);
    }),
    route('GET', `${BASE}/roleAssignmentScheduleInstances`, (req) => {
      const filter = parseFilter(req.query.$filter);
      if (filter === undefined) return graphError(400, 'BadRequest', `Invalid filter clause: ${req.query.$filter}`);
      const all = state.activeInstances().filter((i) => Object.entries(filter).every(([k, v]) => (i as unknown as Record<string, string>)[k] === v));
      const top = Math.max(1, Math.min(intParam(req.query.$top, 100), 999));
      const skip = intParam(req.query.$skiptoken, 0);
      const value = all.slice(skip, skip + top);
      const next = skip + value.length < all.length ? skip + value.length : undefined;
      const params = [...(req.query.$filter ? [`$filter=${encodeURIComponent(req.query.$filter)}`] : []), `$top=${top}`, ...(next !== undefined ? [`$skiptoken=${next}`] : [])].join('&');
      return json(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleInstances',
        value,
        ...(next !== undefined ? { '@odata.nextLink': `${server.url}${BASE}/roleAssignmentScheduleInstances?${params}` } : {}),
      });
    }),
  ];

  const server = await startFakeServer({
    name: 'entra-pim',
    routes,
    port: opts.port,
    errorBody: (status, message) => ({ error: { code: status === 429 ? 'TooManyRequests' : status >= 500 ? 'ServiceUnavailable' : 'BadRequest', message } }),
    authenticate: (req) => {
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const exp = state.tokens.get(token);
      if (exp === undefined) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
      return exp <= clock.now() ? graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.') : undefined;
    },
  });
  return withState(server, state);
}
