/** SCIM Users as Lockstep identities: create, read, replace, patch, delete (tombstone), list. */
import { isId, newId } from '../domain/ids.ts';
import type { ConnectorId, IdentityId } from '../domain/ids.ts';
import { IDENTITY_KINDS } from '../domain/identity.ts';
import type { Identity, IdentityKind } from '../domain/identity.ts';
import type { Page, QuerySpec } from '../domain/query.ts';
import type { StoreTx } from '../store/store.ts';
import { UniqueViolation } from '../store/store.ts';
import { coerceResource } from './scim-coerce.ts';
import { VersionConflict, withRetry } from './scim-context.ts';
import { checkIfMatch, etagOf } from './scim-etag.ts';
import type { ScimContext, ScimOutcome } from './scim-context.ts';
import { ScimError } from './scim-error.ts';
import { recordEvent, recordLedger } from './scim-journal.ts';
import { applyPatch } from './scim-patch.ts';
import { PathResolver } from './scim-paths.ts';
import { ResourceReads } from './scim-reads.ts';
import { project, wants } from './scim-projection.ts';
import type { Projection } from './scim-projection.ts';
import { attributesOf, locationOf, sameAttributes, served, withMeta } from './scim-resource-meta.ts';
import { LOCKSTEP_USER_SCHEMA, userType } from './scim-schemas.ts';
import { endAssignments } from './scim-members.ts';

type Doc = Record<string, unknown>;
export const userResolver = new PathResolver(userType);

function fields(doc: Doc): Pick<Identity, 'userName' | 'externalId' | 'displayName' | 'kind' | 'owner' | 'active'> {
  const ext = (doc[LOCKSTEP_USER_SCHEMA] ?? {}) as Doc;
  const kind = typeof ext['kind'] === 'string' && (IDENTITY_KINDS as readonly string[]).includes(ext['kind']) ? ext['kind'] as IdentityKind : 'human';
  return {
    userName: doc['userName'] as string,
    externalId: doc['externalId'] as string | undefined,
    displayName: doc['displayName'] as string | undefined,
    kind,
    owner: typeof ext['owner'] === 'string' ? ext['owner'] : undefined,
    active: doc['active'] !== false,
  };
}

function uniqueness(e: unknown): never {
  if (e instanceof UniqueViolation) throw new ScimError(409, 'uniqueness', 'a User with this userName already exists');
  throw e;
}

export class UserService extends ResourceReads<Identity> {
  protected readonly type = 'User';

  protected async find(db: StoreTx, id: string): Promise<Identity | undefined> {
    return isId('identity', id) ? db.identities.get(id) : undefined;
  }

  protected query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Identity>> {
    return this.deps.store.identities.query(connectorId, spec);
  }

  async create(ctx: ScimContext, body: unknown): Promise<ScimOutcome> {
    const attrs = coerceResource(body, userResolver, 'create');
    if (attrs['active'] === undefined) attrs['active'] = true;
    const at = this.now();
    const id = newId('identity', this.deps.clock.now(), this.deps.random);
    const resource = withMeta(attrs, userResolver, { id, created: at, lastModified: at, version: 1, baseUrl: ctx.baseUrl });
    const identity: Identity = { id, connectorId: ctx.connectorId, ...fields(attrs), resource, version: 1, createdAt: at, updatedAt: at };
    await this.deps.store.transaction(async (tx) => {
      await tx.identities.insert(identity);
      await recordEvent(tx, ctx, at, 'identity.upserted', id, { identityId: id, userName: identity.userName, active: identity.active, kind: identity.kind, created: true });
    }).catch(uniqueness);
    return { status: 201, body: resource, location: (resource['meta'] as Doc)['location'] as string, etag: etagOf(1) };
  }

  /**
   * The served document: stored resource plus the read-only `groups` from active assignments (SailPoint
   * aggregates entitlements from it), skipped when the projection leaves it out.
   */
  async render(ctx: ScimContext, identity: Identity, projection: Projection): Promise<Doc> {
    const doc = served(identity.resource, ctx.baseUrl, '/Users');
    if (identity.deletedAt || !wants(projection, 'groups')) return project(doc, projection);
    const groups: Doc[] = [];
    for (const a of await this.deps.store.assignments.listByIdentity(identity.id, { activeOnly: true })) {
      const e = await this.deps.store.entitlements.get(a.entitlementId);
      if (!e || e.deletedAt) continue;
      groups.push({ value: e.id, display: e.displayName, $ref: locationOf(ctx.baseUrl, '/Groups', e.id), type: 'direct' });
    }
    if (groups.length === 0) return project(doc, projection);
    const { meta, ...rest } = doc;
    return project({ ...rest, groups, meta }, projection);
  }

  async replace(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): Promise<ScimOutcome> {
    const attrs = coerceResource(body, userResolver, 'replace');
    if (attrs['active'] === undefined) attrs['active'] = true;
    return this.write(ctx, id, ifMatch, {}, () => attrs);
  }

  /** PATCH answers 200 with the resource (Okta requires it), projected by `attributes`/`excludedAttributes`. */
  async patch(ctx: ScimContext, id: string, body: unknown, ifMatch?: string, projection: Projection = {}): Promise<ScimOutcome> {
    return this.write(ctx, id, ifMatch, projection, (current) => {
      const { doc } = applyPatch(body, attributesOf(current.resource), userResolver, { members: false });
      return coerceResource(doc, userResolver, 'replace');
    });
  }

  private async write(ctx: ScimContext, id: string, ifMatch: string | undefined, projection: Projection, next: (current: Identity) => Doc): Promise<ScimOutcome> {
    const saved = await withRetry(() => this.deps.store.transaction(async (tx) => {
      const current = await this.load(ctx, id, { tombstones: false }, tx);
      checkIfMatch(ifMatch, current.version);
      const attrs = next(current);
      if (sameAttributes(attrs, attributesOf(current.resource))) return current;
      const at = this.now();
      const version = current.version + 1;
      const resource = withMeta(attrs, userResolver, { id: current.id, created: current.createdAt, lastModified: at, version, baseUrl: ctx.baseUrl });
      const updated: Identity = { ...current, ...fields(attrs), resource, version, updatedAt: at };
      if (!(await tx.identities.update(updated, current.version).catch(uniqueness))) throw new VersionConflict();
      await recordEvent(tx, ctx, at, 'identity.upserted', current.id, { identityId: current.id, userName: updated.userName, active: updated.active, kind: updated.kind });
      if (current.active && !updated.active) {
        await recordEvent(tx, ctx, at, 'identity.deactivated', current.id, { identityId: current.id, userName: updated.userName });
        await recordLedger(tx, ctx, at, 'scim.identity.deactivated', current.id, { userName: updated.userName });
      }
      return updated;
    }));
    return { status: 200, body: await this.render(ctx, saved, projection), etag: etagOf(saved.version) };
  }

  async delete(ctx: ScimContext, id: string, ifMatch?: string): Promise<ScimOutcome> {
    await withRetry(() => this.deps.store.transaction(async (tx) => {
      const current = await this.load(ctx, id, { tombstones: false }, tx);
      checkIfMatch(ifMatch, current.version);
      const at = this.now();
      const version = current.version + 1;
      const attrs = { ...attributesOf(current.resource), active: false };
      const resource = withMeta(attrs, userResolver, { id: current.id, created: current.createdAt, lastModified: at, version, baseUrl: ctx.baseUrl });
      const tomb: Identity = { ...current, active: false, resource, version, updatedAt: at, deletedAt: at };
      if (!(await tx.identities.update(tomb, current.version))) throw new VersionConflict();
      const ended = await endAssignments(tx, ctx, at, await tx.assignments.listByIdentity(current.id as IdentityId, { activeOnly: true }));
      await recordEvent(tx, ctx, at, 'identity.deleted', current.id, { identityId: current.id, userName: current.userName, assignmentsEnded: ended });
      await recordLedger(tx, ctx, at, 'scim.identity.deleted', current.id, { userName: current.userName, assignmentsEnded: ended });
    }));
    return { status: 204 };
  }
}
