import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/domain/clock.ts';
import { isoDurationMs, startEntraPimFake, type EntraPimState, type RoleAssignmentInstance } from './entra/entra-pim-fake.ts';
import type { Fake } from './fake-server.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = new ManualClock(T0);
const BASE = '/v1.0/roleManagement/directory';
const ROLE = '62e90394-69f5-4237-9190-012177145e10';
let pim: Fake<EntraPimState>;
let token: string;

const graph = (path: string, init: RequestInit = {}) =>
  fetch(path.startsWith('http') ? path : `${pim.url}${BASE}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const schedule = (body: Record<string, unknown>) => graph('/roleAssignmentScheduleRequests', { method: 'POST', body: JSON.stringify({ roleDefinitionId: ROLE, directoryScopeId: '/', ...body }) });

beforeEach(async () => {
  clock = new ManualClock(T0);
  pim = await startEntraPimFake({ clock, tokenTtlSeconds: 3599 });
  const res = await fetch(`${pim.url}/tenant-1/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'lockstep-app', client_secret: 'secret', scope: 'https://graph.microsoft.com/.default' }).toString(),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterEach(() => pim.close());

describe('Entra PIM fake', () => {
  it('issues client-credential tokens, refuses bad secrets and expired tokens', async () => {
    const bad = await fetch(`${pim.url}/t/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=lockstep-app&client_secret=x&scope=https://graph.microsoft.com/.default' });
    expect(bad.status).toBe(401);
    expect((await graph('/roleAssignmentScheduleInstances')).status).toBe(200);
    clock.advance(3600_000);
    const expired = await graph('/roleAssignmentScheduleInstances');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('adminAssign then adminRemove, with Graph error codes on repeats', async () => {
    const res = await schedule({ action: 'adminAssign', principalId: 'bob', justification: 'IGA approval', scheduleInfo: { startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'noExpiration' } }, ticketInfo: { ticketNumber: 'CHG-1', ticketSystem: 'SNOW' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ action: 'adminAssign', status: 'Provisioned', ticketInfo: { ticketNumber: 'CHG-1' } });
    const again = await schedule({ action: 'adminAssign', principalId: 'bob' });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: 'RoleAssignmentExists' } });
    expect((await schedule({ action: 'adminRemove', principalId: 'bob' })).status).toBe(201);
    const gone = await schedule({ action: 'adminRemove', principalId: 'bob' });
    expect(await gone.json()).toMatchObject({ error: { code: 'RoleAssignmentDoesNotExist' } });
    expect(pim.state.activeInstances()).toEqual([]);
  });

  it('selfActivate needs eligibility and a justification, and ends after its duration', async () => {
    expect((await schedule({ action: 'selfActivate', principalId: 'bob', justification: 'INC-1', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT30M' } } })).status).toBe(400);
    pim.state.addEligibility('bob', ROLE);
    const noReason = await schedule({ action: 'selfActivate', principalId: 'bob', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT30M' } } });
    expect(await noReason.json()).toMatchObject({ error: { code: 'RoleAssignmentRequestPolicyValidationFailed' } });
    expect((await schedule({ action: 'selfActivate', principalId: 'bob', justification: 'INC-1', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT30M' } } })).status).toBe(201);
    expect(pim.state.activeInstances()[0]).toMatchObject({ assignmentType: 'Activated', endDateTime: '2026-01-01T00:30:00.000Z' });
    clock.advance(31 * 60_000);
    expect(pim.state.activeInstances()).toEqual([]);
  });

  it('makes a principal eligible through roleEligibilityScheduleRequests, lists roleEligibilitySchedules, then lets it activate', async () => {
    const eligible = (body: Record<string, unknown>) => graph('/roleEligibilityScheduleRequests', { method: 'POST', body: JSON.stringify({ roleDefinitionId: ROLE, directoryScopeId: '/', ...body }) });
    expect((await eligible({ action: 'adminAssign', principalId: 'carol', justification: 'IGA' })).status).toBe(201);
    const dup = await eligible({ action: 'adminAssign', principalId: 'carol' });
    expect(await dup.json()).toMatchObject({ error: { code: 'RoleAssignmentExists' } });
    const list = (await (await graph(`/roleEligibilitySchedules?$filter=${encodeURIComponent("principalId eq 'carol' and roleDefinitionId eq '" + ROLE + "'")}`)).json()) as { value: unknown[] };
    expect(list.value).toEqual([expect.objectContaining({ principalId: 'carol', roleDefinitionId: ROLE, directoryScopeId: '/', status: 'Provisioned' })]);
    expect((await graph(`/roleEligibilitySchedules?$filter=${encodeURIComponent('nonsense')}`)).status).toBe(400);
    expect((await schedule({ action: 'selfActivate', principalId: 'carol', justification: 'INC-3', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } } })).status).toBe(201);
    expect((await eligible({ action: 'adminRemove', principalId: 'carol' })).status).toBe(201);
    const gone = await eligible({ action: 'adminRemove', principalId: 'carol' });
    expect(await gone.json()).toMatchObject({ error: { code: 'RoleAssignmentDoesNotExist' } });
    expect(((await (await graph('/roleEligibilitySchedules')).json()) as { value: unknown[] }).value).toEqual([]);
  });

  it('filters instances by principalId and pages with @odata.nextLink', async () => {
    for (const p of ['bob', 'carol']) for (const r of ['r1', 'r2', 'r3']) await schedule({ action: 'adminAssign', principalId: p, roleDefinitionId: r });
    const seen: RoleAssignmentInstance[] = [];
    let next: string | undefined = `/roleAssignmentScheduleInstances?$filter=${encodeURIComponent("principalId eq 'bob'")}&$top=2`;
    let pages = 0;
    while (next) {
      const body = (await (await graph(next)).json()) as { value: RoleAssignmentInstance[]; '@odata.nextLink'?: string };
      if (body['@odata.nextLink']) expect(body['@odata.nextLink']).toContain('$skiptoken=');
      seen.push(...body.value);
      next = body['@odata.nextLink'];
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(next).toBeUndefined();
    expect(seen.map((i) => `${i.principalId}:${i.roleDefinitionId}`)).toEqual(['bob:r1', 'bob:r2', 'bob:r3']);
    expect((await graph(`/roleAssignmentScheduleInstances?$filter=${encodeURIComponent('startswith(principalId,1)')}`)).status).toBe(400);
  });

  it('holds activations that need approval until an approver reviews the step', async () => {
    pim.state.addEligibility('bob', ROLE);
    pim.state.approvalRequired.add(ROLE);
    const body = { action: 'selfActivate', principalId: 'bob', justification: 'INC-2', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } } };
    const res = await schedule(body);
    const r = (await res.json()) as { status: string; approvalId: string };
    expect(r.status).toBe('PendingApproval');
    expect(pim.state.activeInstances()).toEqual([]);
    expect(await (await schedule(body)).json()).toMatchObject({ error: { code: 'PendingRoleAssignmentRequest' } });
    const approval = (await (await graph(`/roleAssignmentApprovals/${r.approvalId}`)).json()) as { steps: { id: string; status: string }[] };
    expect(approval.steps[0]!.status).toBe('InProgress');
    const step = `/roleAssignmentApprovals/${r.approvalId}/steps/${approval.steps[0]!.id}`;
    expect((await graph(step, { method: 'PATCH', body: JSON.stringify({ reviewResult: 'Approve', justification: 'matches assignment' }) })).status).toBe(204);
    expect(pim.state.activeInstances()).toMatchObject([{ principalId: 'bob', assignmentType: 'Activated', endDateTime: '2026-01-01T01:00:00.000Z' }]);
    expect((await graph(step, { method: 'PATCH', body: JSON.stringify({ reviewResult: 'Deny' }) })).status).toBe(400);
  });

  it('also serves the token endpoint without a tenant segment', async () => {
    const res = await fetch(`${pim.url}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=lockstep-app&client_secret=secret&scope=https://graph.microsoft.com/.default' });
    expect(res.status).toBe(200);
  });

  it('parses ISO 8601 durations', () => {
    expect(isoDurationMs('PT30M')).toBe(30 * 60_000);
    expect(isoDurationMs('P1DT2H')).toBe(26 * 3600_000);
    expect(isoDurationMs('PT')).toBeUndefined();
    expect(isoDurationMs('30m')).toBeUndefined();
  });
});
