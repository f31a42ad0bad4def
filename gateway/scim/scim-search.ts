/** Root `POST /.search` (RFC 7644 §3.4.3): one filter over Users then Groups, paged across both. */
import type { ResourceService, ScimContext, ScimOutcome, ScimSettings } from './scim-context.ts';
import { ScimError, badFilter } from './scim-error.ts';
import type { GroupService } from './scim-groups.ts';
import { groupResolver } from './scim-groups.ts';
import { listResponse, parseList } from './scim-list.ts';
import type { UserService } from './scim-users.ts';
import { userResolver } from './scim-users.ts';

type Body = { Resources: unknown[]; totalResults: number };

function tryParse(source: Record<string, unknown>, resolver: typeof userResolver, settings: ScimSettings) {
  try {
    return parseList(source, resolver, settings);
  } catch (e) {
    if (e instanceof ScimError && e.scimType === 'invalidFilter' && /unknown attribute/.test(e.detail)) return undefined;
    throw e;
  }
}

export async function rootSearch(
  ctx: ScimContext, source: Record<string, unknown>, services: { users: UserService; groups: GroupService }, settings: ScimSettings,
): Promise<ScimOutcome> {
  const users = tryParse(source, userResolver, settings);
  const groups = tryParse(source, groupResolver, settings);
  if (!users && !groups) throw badFilter('the filter names attributes that neither Users nor Groups have');
  const first = users ?? groups!;
  const { startIndex, count } = first.spec.page;
  const resources: unknown[] = [];
  let total = 0;
  let skip = startIndex - 1;
  for (const [params, service] of [[users, services.users], [groups, services.groups]] as const) {
    if (!params) continue;
    const want = Math.max(0, count - resources.length);
    const page = { startIndex: skip + 1, count: want };
    const out = await (service as ResourceService).list(ctx, { ...params, spec: { ...params.spec, page } });
    const body = out.body as Body;
    total += body.totalResults;
    resources.push(...body.Resources);
    skip = Math.max(0, skip - body.totalResults);
  }
  return { status: 200, body: listResponse(total, startIndex, resources) };
}
