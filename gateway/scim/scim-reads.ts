/**
 * The read side Users and Groups share: one stored resource of the calling connector (a tombstone only while it
 * is retained), GET with If-None-Match, and a list page. Each service says how it finds, queries and renders.
 * (The base of UserService and GroupService, which add their writes.)
 */
import type { ConnectorId } from '../domain/ids.ts';
import type { Page, QuerySpec } from '../domain/query.ts';
import type { StoreTx } from '../store/store.ts';
import type { ScimContext, ScimOutcome, ScimServiceDeps } from './scim-context.ts';
import { etagOf, ifNoneMatchHits } from './scim-etag.ts';
import { notFound } from './scim-error.ts';
import { listResponse } from './scim-list.ts';
import type { ListParams } from './scim-list.ts';
import type { Projection } from './scim-projection.ts';
import type { Tombstones } from './scim-tombstones.ts';

type Doc = Record<string, unknown>;

/** What the shared reads look at on a stored User or Group. */
export interface StoredResource {
  readonly connectorId: string;
  readonly version: number;
  readonly deletedAt?: string | undefined;
}

export abstract class ResourceReads<R extends StoredResource> {
  constructor(protected readonly deps: ScimServiceDeps & { readonly tombstones: Tombstones }) {}

  /** The SCIM resource type, as a 404 names it. */
  protected abstract readonly type: 'User' | 'Group';
  /** The stored resource with this id (undefined when `id` is not one of ours). */
  protected abstract find(db: StoreTx, id: string): Promise<R | undefined>;
  protected abstract query(connectorId: ConnectorId, spec: QuerySpec): Promise<Page<R>>;
  /** The served document of one resource, projected. */
  abstract render(ctx: ScimContext, resource: R, projection: Projection): Promise<Doc>;

  /** The clock's time, as resources and events record it. */
  protected now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** The resource of this connector with this id; tombstones only when `tombstones` (and still retained). */
  async load(ctx: ScimContext, id: string, opts: { tombstones: boolean }, tx?: StoreTx): Promise<R> {
    const found = await this.find(tx ?? this.deps.store, id);
    if (!found || found.connectorId !== ctx.connectorId) throw notFound(`${this.type} ${id}`);
    if (found.deletedAt && (!opts.tombstones || !this.deps.tombstones.retained(found.deletedAt))) throw notFound(`${this.type} ${id}`);
    return found;
  }

  async get(ctx: ScimContext, id: string, projection: Projection, ifNoneMatch?: string): Promise<ScimOutcome> {
    const found = await this.load(ctx, id, { tombstones: true });
    if (ifNoneMatchHits(ifNoneMatch, found.version)) return { status: 304, etag: etagOf(found.version) };
    return { status: 200, body: await this.render(ctx, found, projection), etag: etagOf(found.version) };
  }

  /** A page of the connector's resources; a delta list (with tombstones) purges the expired ones first. */
  async list(ctx: ScimContext, params: ListParams): Promise<ScimOutcome> {
    if (params.spec.includeDeleted) await this.deps.tombstones.purge();
    const page = await this.query(ctx.connectorId, params.spec);
    const resources: Doc[] = [];
    if (params.spec.page.count > 0) for (const r of page.items) resources.push(await this.render(ctx, r, params.projection));
    return { status: 200, body: listResponse(page.totalResults, params.spec.page.startIndex, resources) };
  }
}
