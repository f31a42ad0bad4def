/** SCIM Groups as Lockstep entitlements; members are the entitlement's active assignments. */
import type { Entitlement, Governance, RiskTier } from '../domain/entitlement.ts';
import { isId, newId } from '../domain/ids.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { Page, QuerySpec } from '../domain/query.ts';
import type { StoreTx } from '../store/store.ts';
import { UniqueViolation } from '../store/store.ts';
import { coerceResource } from './scim-coerce.ts';
import { VersionConflict, withRetry } from './scim-context.ts';
import { checkIfMatch, etagOf } from './scim-etag.ts';
import type { ScimContext, ScimOutcome } from './scim-context.ts';
import { ScimError } from './scim-error.ts';
import { recordEvent, recordLedger } from './scim-journal.ts';
import { MemberWriter, endAssignments, readMembers, usageOf } from './scim-members.ts';
import type { MemberChanges } from './scim-members.ts';
import { applyPatch } from './scim-patch.ts';
import type { MemberOp } from './scim-patch.ts';
import { PathResolver } from './scim-paths.ts';
import { ResourceReads } from './scim-reads.ts';
import { project, wants } from './scim-projection.ts';
import type { Projection } from './scim-projection.ts';
import { attributesOf, sameAttributes, served, withMeta } from './scim-resource-meta.ts';
import { LOCKSTEP_GROUP_SCHEMA, groupType } from './scim-schemas.ts';

type Doc = Record<string, unknown>;
export const groupResolver = new PathResolver(groupType);

function governanceOf(doc: Doc): Governance {
  const ext = (doc[LOCKSTEP_GROUP_SCHEMA] ?? {}) as Doc;
  return {
    owner: ext['owner'] as string | undefined,
    justification: ext['justification'] as string | undefined,
    reviewCadenceDays: ext['reviewCadenceDays'] as number | undefined,
    lastCertifiedAt: ext['lastCertified'] as string | undefined,
    riskTier: ext['riskTier'] as RiskTier | undefined,
    jitMaxMinutes: ext['jitMaxMinutes'] as number | undefined,
    breakGlass: ext['breakGlass'] === true,
    nonHuman: ext['nonHuman'] === true,
  };
}

/**
 * Splits `members` off the coerced attributes (they become assignments, never part of the document) and
 * stamps the read-only governance `active: true` (false only on tombstones), so delta readers can filter on it.
 */
function splitMembers(attrs: Doc): { attrs: Doc; members?: string[] } {
  const { members, ...other } = attrs;
  const rest = { ...other, [LOCKSTEP_GROUP_SCHEMA]: { ...((other[LOCKSTEP_GROUP_SCHEMA] ?? {}) as Doc), active: true } };
  if (members === undefined) return { attrs: rest };
  return { attrs: rest, members: (members as Doc[]).map((m) => m['value']).filter((v): v is string => typeof v === 'string') };
}

export class GroupService extends ResourceReads<Entitlement> {
  protected readonly type = 'Group';

  protected async find(db: StoreTx, id: string): Promise<Entitlement | undefined> {
    return isId('entitlement', id) ? db.entitlements.get(id) : undefined;
  }

  protected query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<Entitlement>> {
    return this.deps.store.entitlements.query(connectorId, spec);
  }

  /** The served document: stored resource, members from assignments (when asked for), usage. */
  async render(ctx: ScimContext, e: Entitlement, projection: Projection, tx?: StoreTx): Promise<Doc> {
    const db = tx ?? this.deps.store;
    const all = await db.assignments.listByEntitlement(e.id);
    const doc = served(e.resource, ctx.baseUrl, '/Groups');
    const ext = { ...((doc[LOCKSTEP_GROUP_SCHEMA] ?? {}) as Doc), ...usageOf(all) };
    const { meta, ...rest } = doc;
    const out: Doc = { ...rest, [LOCKSTEP_GROUP_SCHEMA]: ext, meta };
    if (wants(projection, 'members') && !e.deletedAt) {
      const active = all.filter((a) => a.status === 'active');
      out['members'] = await readMembers(db, ctx.baseUrl, active);
    }
    return project(out, projection);
  }

  async create(ctx: ScimContext, body: unknown): Promise<ScimOutcome> {
    const { attrs, members } = splitMembers(coerceResource(body, groupResolver, 'create'));
    const at = this.now();
    const nowMs = this.deps.clock.now();
    const id = newId('entitlement', nowMs, this.deps.random);
    const resource = withMeta(attrs, groupResolver, { id, created: at, lastModified: at, version: 1, baseUrl: ctx.baseUrl });
    const entitlement: Entitlement = {
      id, connectorId: ctx.connectorId, externalId: attrs['externalId'] as string | undefined, displayName: attrs['displayName'] as string,
      governance: governanceOf(attrs), resource, version: 1, createdAt: at, updatedAt: at,
    };
    const body2 = await this.deps.store.transaction(async (tx) => {
      await tx.entitlements.insert(entitlement).catch(uniqueness);
      await recordEvent(tx, ctx, at, 'entitlement.upserted', id, { entitlementId: id, displayName: entitlement.displayName, created: true });
      if (members && members.length > 0) await new MemberWriter(tx, ctx, id, at, nowMs, this.deps.random).add(members);
      return this.render(ctx, entitlement, {}, tx);
    });
    return { status: 201, body: body2, location: (resource['meta'] as Doc)['location'] as string, etag: etagOf(1) };
  }

  /** PUT: `members` present sets the membership exactly; absent leaves it unchanged (no silent mass revocation). */
  async replace(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): Promise<ScimOutcome> {
    const { attrs, members } = splitMembers(coerceResource(body, groupResolver, 'replace'));
    const ops: MemberOp[] = members ? [{ kind: 'set', ids: members }] : [];
    return this.write(ctx, id, ifMatch, undefined, () => ({ attrs, ops }));
  }

  /** PATCH answers 204 (as Okta and Entra expect for Groups) unless the client asked for attributes. */
  async patch(ctx: ScimContext, id: string, body: unknown, ifMatch: string | undefined, projection?: Projection): Promise<ScimOutcome> {
    return this.write(ctx, id, ifMatch, projection, (current) => {
      const { doc, memberOps } = applyPatch(body, attributesOf(current.resource), groupResolver, { members: true });
      return { attrs: splitMembers(coerceResource(doc, groupResolver, 'replace')).attrs, ops: memberOps };
    });
  }

  private async write(
    ctx: ScimContext, id: string, ifMatch: string | undefined, projection: Projection | undefined,
    next: (current: Entitlement) => { attrs: Doc; ops: readonly MemberOp[] },
  ): Promise<ScimOutcome> {
    const saved = await withRetry(() => this.deps.store.transaction(async (tx) => {
      const current = await this.load(ctx, id, { tombstones: false }, tx);
      checkIfMatch(ifMatch, current.version);
      const { attrs, ops } = next(current);
      const at = this.now();
      const writer = new MemberWriter(tx, ctx, current.id, at, this.deps.clock.now(), this.deps.random);
      await writer.apply(ops);
      const changes: MemberChanges = writer.changes;
      const attrsChanged = !sameAttributes(attrs, attributesOf(current.resource));
      if (!attrsChanged && changes.added.length === 0 && changes.removed.length === 0) return current;
      const version = current.version + 1;
      const resource = withMeta(attrs, groupResolver, { id: current.id, created: current.createdAt, lastModified: at, version, baseUrl: ctx.baseUrl });
      const updated: Entitlement = {
        ...current, externalId: attrs['externalId'] as string | undefined, displayName: attrs['displayName'] as string,
        governance: governanceOf(attrs), resource, version, updatedAt: at,
      };
      if (!(await tx.entitlements.update(updated, current.version).catch(uniqueness))) throw new VersionConflict();
      if (attrsChanged) await recordEvent(tx, ctx, at, 'entitlement.upserted', current.id, { entitlementId: current.id, displayName: updated.displayName });
      return updated;
    }));
    if (projection && !projection.include && !projection.exclude) return { status: 204, etag: etagOf(saved.version) };
    return { status: 200, body: await this.render(ctx, saved, projection ?? {}), etag: etagOf(saved.version) };
  }

  async delete(ctx: ScimContext, id: string, ifMatch?: string): Promise<ScimOutcome> {
    await withRetry(() => this.deps.store.transaction(async (tx) => {
      const current = await this.load(ctx, id, { tombstones: false }, tx);
      checkIfMatch(ifMatch, current.version);
      const at = this.now();
      const version = current.version + 1;
      const attrs = attributesOf(current.resource);
      attrs[LOCKSTEP_GROUP_SCHEMA] = { ...((attrs[LOCKSTEP_GROUP_SCHEMA] ?? {}) as Doc), active: false };
      const resource = withMeta(attrs, groupResolver, { id: current.id, created: current.createdAt, lastModified: at, version, baseUrl: ctx.baseUrl });
      if (!(await tx.entitlements.update({ ...current, resource, version, updatedAt: at, deletedAt: at }, current.version))) throw new VersionConflict();
      const ended = await endAssignments(tx, ctx, at, await tx.assignments.listByEntitlement(current.id, { activeOnly: true }));
      await recordEvent(tx, ctx, at, 'entitlement.deleted', current.id, { entitlementId: current.id, displayName: current.displayName, assignmentsEnded: ended });
      await recordLedger(tx, ctx, at, 'scim.entitlement.deleted', current.id, { displayName: current.displayName, assignmentsEnded: ended });
    }));
    return { status: 204 };
  }
}

function uniqueness(e: unknown): never {
  if (e instanceof UniqueViolation) throw new ScimError(409, 'uniqueness', `a Group with this ${e.constraint.split('.').pop() ?? 'value'} already exists`);
  throw e;
}
