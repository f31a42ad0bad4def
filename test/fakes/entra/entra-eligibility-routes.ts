/**
 * PIM eligibility (Graph v1.0): `GET roleEligibilitySchedules` (the eligible assignments, `$filter` on principalId,
 * roleDefinitionId, directoryScopeId with `eq`/`and`) and `POST roleEligibilityScheduleRequests` with `adminAssign`
 * / `adminRemove` (201 with the request; `RoleAssignmentExists` / `RoleAssignmentDoesNotExist` as for active
 * assignments, modelled). An eligible principal may then `selfActivate` the role.
 */
import { json, route, type FakeRequest, type FakeResponse, type Route } from '../fake-server.ts';
import type { EntraPimState } from './entra-pim-fake.ts';

const graphError = (status: number, code: string, message: string): FakeResponse => json(status, { error: { code, message } });
const FIELDS = ['principalId', 'roleDefinitionId', 'directoryScopeId'] as const;

function parseFilter(f: string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const clause of (f ?? '').split(/\s+and\s+/i).filter((c) => c.trim() !== '')) {
    const m = /^\s*(principalId|roleDefinitionId|directoryScopeId)\s+eq\s+'([^']*)'\s*$/.exec(clause);
    if (!m) return undefined;
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function eligibilityRoutes(deps: { readonly state: EntraPimState; readonly base: string }): Route[] {
  const { state, base } = deps;
  const schedules = () => [...state.eligibilities].map((key) => {
    const [principalId, roleDefinitionId, directoryScopeId] = key.split('|') as [string, string, string];
    return { id: Buffer.from(key).toString('base64url'), principalId, roleDefinitionId, directoryScopeId, appScopeId: null, memberType: 'Direct', status: 'Provisioned', scheduleInfo: { expiration: { type: 'noExpiration' } } };
  });
  return [
    route('GET', `${base}/roleEligibilitySchedules`, (req) => {
      const filter = parseFilter(req.query.$filter);
      if (!filter) return graphError(400, 'BadRequest', `Invalid filter clause: ${req.query.$filter}`);
      return json(200, { value: schedules().filter((s) => Object.entries(filter).every(([k, v]) => (s as Record<string, unknown>)[k] === v)) });
    }),
    route('POST', `${base}/roleEligibilityScheduleRequests`, (req: FakeRequest) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.action !== 'adminAssign' && b.action !== 'adminRemove') return graphError(400, 'InvalidActionType', `Action type '${String(b.action)}' is not supported.`);
      for (const f of FIELDS) if (typeof b[f] !== 'string' || b[f] === '') return graphError(400, 'InvalidRequest', `The property '${f}' is required.`);
      const key = FIELDS.map((f) => b[f] as string).join('|');
      const exists = state.eligibilities.has(key);
      if (b.action === 'adminAssign' && exists) return graphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
      if (b.action === 'adminRemove' && !exists) return graphError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      if (b.action === 'adminAssign') state.eligibilities.add(key);
      else state.eligibilities.delete(key);
      req.effect(`eligibility:${b.roleDefinitionId as string}/scope:${b.directoryScopeId as string}/principal:${b.principalId as string}`);
      const now = new Date(state.now()).toISOString();
      return json(201, {
        id: state.newId(), status: b.action === 'adminAssign' ? 'Provisioned' : 'Revoked', action: b.action,
        principalId: b.principalId, roleDefinitionId: b.roleDefinitionId, directoryScopeId: b.directoryScopeId, appScopeId: null,
        justification: typeof b.justification === 'string' ? b.justification : null, scheduleInfo: b.scheduleInfo ?? null,
        createdDateTime: now, completedDateTime: now, isValidationOnly: false,
      });
    }),
  ];
}
