/**
 * BeyondTrust user-group membership: `POST|DELETE Users/{userID}/UserGroups/{groupID}` and
 * `GET UserGroups/{id}/Users`. The user may be given by id or by name (a new name joins the directory).
 * A second add is 409 (modelled).
 */
import { empty, json, route, type FakeRequest, type FakeResponse, type Route } from '../fake-server.ts';
import type { BeyondTrustState, UserGroup } from './beyondtrust-fake.ts';

export function userGroupRoutes(state: BeyondTrustState, base: string): Route[] {
  const resolve = (req: FakeRequest): { group: UserGroup; userId: number } | FakeResponse => {
    const group = state.userGroups.get(Number(req.params.groupId));
    if (!group) return json(404, `User group ${req.params.groupId} not found`);
    const raw = req.params.userId!;
    if (/^\d+$/.test(raw)) return state.userName(Number(raw)) === undefined ? json(404, `User ${raw} not found`) : { group, userId: Number(raw) };
    return { group, userId: state.userId(raw) };
  };
  const userView = (id: number) => ({ UserID: id, UserName: state.userName(id) ?? String(id), DomainName: null, FirstName: '', LastName: '', EmailAddress: null });
  return [
    route('GET', `${base}/UserGroups`, () => json(200, [...state.userGroups.values()].map((g) => ({ GroupID: g.GroupID, Name: g.Name, GroupType: 'BeyondInsight' })))),
    route('GET', `${base}/UserGroups/:groupId/Users`, (req) => {
      const g = state.userGroups.get(Number(req.params.groupId));
      return g ? json(200, [...g.members].map(userView)) : json(404, `User group ${req.params.groupId} not found`);
    }),
    route('POST', `${base}/Users/:userId/UserGroups/:groupId`, (req) => {
      const r = resolve(req);
      if ('status' in r) return r;
      if (r.group.members.has(r.userId)) return json(409, `User ${r.userId} is already a member of user group ${r.group.GroupID}`);
      r.group.members.add(r.userId);
      req.effect(`usergroup:${r.group.GroupID}/user:${state.userName(r.userId)}`);
      return json(201, userView(r.userId));
    }),
    route('DELETE', `${base}/Users/:userId/UserGroups/:groupId`, (req) => {
      const r = resolve(req);
      if ('status' in r) return r;
      if (!r.group.members.delete(r.userId)) return json(404, `User ${r.userId} is not a member of user group ${r.group.GroupID}`);
      req.effect(`usergroup:${r.group.GroupID}/user:${state.userName(r.userId)}`);
      return empty(200);
    }),
  ];
}
