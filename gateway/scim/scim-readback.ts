/**
 * Read-back surfaces for IGA aggregation: Okta Identity Governance's `/Entitlements` and `/Roles` (both list
 * this connector's entitlements), and the SCIM PAM extension's `/Containers` and `/ContainerPermissions`
 * (PAM reality as Lockstep knows it, from grants). PAM grants belong to no IGA connector: every SCIM token sees
 * them; a permission's `user.value` is an id only when the principal is a User of the caller's connector.
 */
import type { Entitlement } from '../domain/entitlement.ts';
import type { Grant } from '../domain/grant.ts';
import { targetKey } from '../domain/grant.ts';
import { isId } from '../domain/ids.ts';
import type { Page } from '../domain/query.ts';
import type { Store } from '../store/store.ts';
import type { ScimContext, ScimOutcome } from './scim-context.ts';
import { etagOf } from './scim-etag.ts';
import { notFound } from './scim-error.ts';
import { groupResolver } from './scim-groups.ts';
import { listResponse, parseList } from './scim-list.ts';
import type { ScimSettings } from './scim-context.ts';
import { locationOf } from './scim-resource-meta.ts';
import { OKTA_ENTITLEMENT_SCHEMA, OKTA_ROLE_SCHEMA, PAM_CONTAINER_SCHEMA, PAM_PERMISSION_SCHEMA } from './scim-schemas.ts';

type Kind = 'Entitlement' | 'Role';
const SCAN_PAGE = 500;

function entitlementDoc(e: Entitlement, kind: Kind, baseUrl: string): Record<string, unknown> {
  const endpoint = kind === 'Role' ? '/Roles' : '/Entitlements';
  return {
    schemas: [kind === 'Role' ? OKTA_ROLE_SCHEMA : OKTA_ENTITLEMENT_SCHEMA],
    id: e.id,
    displayName: e.displayName,
    type: e.governance.breakGlass ? 'break-glass' : e.governance.nonHuman ? 'non-human' : 'privileged',
    ...(e.governance.justification ? { description: e.governance.justification } : {}),
    meta: { resourceType: kind, created: e.createdAt, lastModified: e.updatedAt, location: locationOf(baseUrl, endpoint, e.id), version: etagOf(e.version) },
  };
}

async function allGrants(store: Store, activeOnly: boolean): Promise<Grant[]> {
  const out: Grant[] = [];
  for (let start = 1; ; start += SCAN_PAGE) {
    const page: Page<Grant> = await store.grants.list({ activeOnly }, { startIndex: start, count: SCAN_PAGE });
    out.push(...page.items);
    if (page.items.length < SCAN_PAGE || out.length >= page.totalResults) return out;
  }
}

const containerId = (g: Grant): string => Buffer.from(targetKey(g.target), 'utf8').toString('base64url');

function containerDoc(g: Grant, baseUrl: string): Record<string, unknown> {
  const id = containerId(g);
  return {
    schemas: [PAM_CONTAINER_SCHEMA], id, name: g.target.ref, displayName: g.target.ref,
    containerType: g.target.kind, connector: g.target.connectorId,
    meta: { resourceType: 'Container', location: locationOf(baseUrl, '/Containers', id) },
  };
}

function paged(items: readonly Record<string, unknown>[], startIndex: number, count: number): Record<string, unknown> {
  return listResponse(items.length, startIndex, items.slice(startIndex - 1, startIndex - 1 + count));
}

export class ReadBackService {
  constructor(private readonly deps: { store: Store; settings: ScimSettings }) {}

  async listEntitlements(ctx: ScimContext, kind: Kind, query: Record<string, unknown>): Promise<ScimOutcome> {
    const params = parseList(query, groupResolver, this.deps.settings);
    const page = await this.deps.store.entitlements.query(ctx.connectorId, { ...params.spec, includeDeleted: false });
    const items = params.spec.page.count === 0 ? [] : page.items.map((e) => entitlementDoc(e, kind, ctx.baseUrl));
    return { status: 200, body: listResponse(page.totalResults, params.spec.page.startIndex, items) };
  }

  async getEntitlement(ctx: ScimContext, kind: Kind, id: string): Promise<ScimOutcome> {
    const e = isId('entitlement', id) ? await this.deps.store.entitlements.get(id) : undefined;
    if (!e || e.connectorId !== ctx.connectorId || e.deletedAt) throw notFound(`${kind} ${id}`);
    return { status: 200, body: entitlementDoc(e, kind, ctx.baseUrl), etag: etagOf(e.version) };
  }

  private async containers(baseUrl: string): Promise<Record<string, unknown>[]> {
    const seen = new Map<string, Record<string, unknown>>();
    for (const g of await allGrants(this.deps.store, false)) {
      const id = containerId(g);
      if (!seen.has(id)) seen.set(id, containerDoc(g, baseUrl));
    }
    return [...seen.values()].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
  }

  async listContainers(ctx: ScimContext, startIndex: number, count: number): Promise<ScimOutcome> {
    return { status: 200, body: paged(await this.containers(ctx.baseUrl), startIndex, count) };
  }

  async getContainer(ctx: ScimContext, id: string): Promise<ScimOutcome> {
    const found = (await this.containers(ctx.baseUrl)).find((c) => c['id'] === id);
    if (!found) throw notFound(`Container ${id}`);
    return { status: 200, body: found };
  }

  private async permissionDoc(ctx: ScimContext, g: Grant): Promise<Record<string, unknown>> {
    const cid = containerId(g);
    let userId: string | undefined;
    if (g.assignmentId) {
      const a = await this.deps.store.assignments.get(g.assignmentId);
      if (a && a.connectorId === ctx.connectorId) userId = a.identityId;
    }
    if (!userId) userId = (await this.deps.store.identities.getByUserName(ctx.connectorId, g.principal))?.id;
    return {
      schemas: [PAM_PERMISSION_SCHEMA],
      id: g.id,
      container: { value: cid, display: g.target.ref, $ref: locationOf(ctx.baseUrl, '/Containers', cid) },
      user: { ...(userId ? { value: userId, $ref: locationOf(ctx.baseUrl, '/Users', userId) } : {}), display: g.principal },
      rights: g.permissions,
      mode: g.mode,
      ...(g.windowEnd ? { windowEnd: g.windowEnd } : {}),
      source: g.source,
      meta: { resourceType: 'ContainerPermission', lastModified: g.updatedAt, location: locationOf(ctx.baseUrl, '/ContainerPermissions', g.id) },
    };
  }

  async listPermissions(ctx: ScimContext, startIndex: number, count: number): Promise<ScimOutcome> {
    const page = await this.deps.store.grants.list({ activeOnly: true }, { startIndex, count });
    const items: Record<string, unknown>[] = [];
    if (count > 0) for (const g of page.items) items.push(await this.permissionDoc(ctx, g));
    return { status: 200, body: listResponse(page.totalResults, startIndex, items) };
  }

  async getPermission(ctx: ScimContext, id: string): Promise<ScimOutcome> {
    const g = isId('grant', id) ? await this.deps.store.grants.get(id) : undefined;
    if (!g || g.status !== 'active') throw notFound(`ContainerPermission ${id}`);
    return { status: 200, body: await this.permissionDoc(ctx, g) };
  }
}
