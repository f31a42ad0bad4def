/**
 * The SCIM 2.0 service provider as an express router (mounted by the gateway at `/scim/v2`). Own routes around
 * our schema definitions rather than scimmy-routers, whose defects (notes/scim.md) cost revocations.
 * Order per request: bearer auth → rate limit → body (size-limited JSON) → service → RFC 7644 answer.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { newId } from '../domain/ids.ts';
import type { StorageHealth } from '../observability/storage-health.ts';
import type { TokenUsage } from '../http/token-usage.ts';
import { REASON_TEXT, type StoreUnavailable } from '../store/store-unavailable.ts';
import { WWW_AUTHENTICATE, authenticate } from './scim-auth.ts';
import { runBulk } from './scim-bulk.ts';
import { defaultScimSettings } from './scim-context.ts';
import type { ResourceService, ScimContext, ScimOutcome, ScimServiceDeps, ScimSettings } from './scim-context.ts';
import { getResourceType, getSchema, listResourceTypes, listSchemas, serviceProviderConfig } from './scim-discovery.ts';
import { ScimError, badSyntax, notFound, scimErrorBody } from './scim-error.ts';
import { GroupService, groupResolver } from './scim-groups.ts';
import { parseList, parsePage, readParams } from './scim-list.ts';
import { parseProjection } from './scim-projection.ts';
import { RateLimiter } from './scim-rate-limit.ts';
import { ReadBackService } from './scim-readback.ts';
import { rootSearch } from './scim-search.ts';
import { Tombstones } from './scim-tombstones.ts';
import { UserService, userResolver } from './scim-users.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export interface ScimRouterDeps extends Omit<ScimServiceDeps, 'settings'> {
  readonly settings?: Partial<ScimSettings>;
  /** Absolute base URL of the SCIM service for this request; default from the Host header and mount path. */
  readonly baseUrl?: (req: Request) => string;
  /** Told about state store faults; they are answered 503 with `Retry-After` (without it: 500). */
  readonly storage?: StorageHealth | undefined;
  /** Records when each token was last used (throttled, off the request's path). */
  readonly tokenUsage?: TokenUsage | undefined;
}

type Handler = (ctx: ScimContext, req: Request) => Promise<ScimOutcome>;

function send(res: Response, out: ScimOutcome): void {
  if (out.etag) res.setHeader('ETag', out.etag);
  if (out.location) res.setHeader('Location', out.location);
  if (out.body === undefined) { res.status(out.status).end(); return; }
  res.status(out.status).setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.end(JSON.stringify(out.body));
}

function sendError(res: Response, status: number, scimType: ScimError['scimType'], detail: string): void {
  send(res, { status, body: scimErrorBody(status, scimType, detail) });
}

/** RFC 7644 form of "the store cannot take writes now": 503, no scimType. */
const unavailableError = (fault: StoreUnavailable): ScimError =>
  new ScimError(503, undefined, `${REASON_TEXT[fault.reason]}; nothing was changed, retry later`);

const header = (req: Request, name: string): string | undefined => req.get(name) ?? undefined;

export function createScimRouter(deps: ScimRouterDeps): Router {
  const settings: ScimSettings = { ...defaultScimSettings, ...deps.settings };
  const tombstones = new Tombstones({ store: deps.store, clock: deps.clock, logger: deps.logger, retentionDays: settings.tombstoneRetentionDays });
  const svc = { ...deps, settings, tombstones };
  const users = new UserService(svc);
  const groups = new GroupService(svc);
  const readBack = new ReadBackService(svc);
  const limiter = settings.rateLimit ? new RateLimiter(deps.clock, settings.rateLimit.capacity, settings.rateLimit.refillPerSecond) : undefined;
  const baseUrlOf = deps.baseUrl ?? ((req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`);
  const router = express.Router({ caseSensitive: false, strict: false });

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const auth = await authenticate(deps, req.get('authorization'));
      if (!auth.ok) {
        res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
        sendError(res, 401, undefined, auth.detail);
        return;
      }
      deps.tokenUsage?.scimTokenUsed(auth.token);
      if (limiter) {
        const d = limiter.take(auth.token.id);
        res.setHeader('x-rate-limit-limit', String(d.limit));
        res.setHeader('x-rate-limit-remaining', String(d.remaining));
        res.setHeader('x-rate-limit-reset', String(d.reset));
        if (!d.allowed) {
          res.setHeader('Retry-After', String(d.retryAfter));
          sendError(res, 429, undefined, 'too many requests for this token; retry later');
          return;
        }
      }
      const given = (req as { id?: unknown }).id;
      const requestId = typeof given === 'string' && given !== '' ? given : newId('request', deps.clock.now(), deps.random);
      if (requestId !== given) res.setHeader('x-request-id', requestId);
      const ctx: ScimContext = { connectorId: auth.token.connectorId, requestId, actor: `scim:${auth.token.connectorId}:${requestId}`, baseUrl: baseUrlOf(req) };
      res.locals['scim'] = ctx;
      next();
    } catch (e) {
      next(e);
    }
  });

  const jsonType = (): boolean => true;
  router.post('/Bulk', express.json({ limit: settings.bulkMaxPayloadBytes, type: jsonType }));
  router.use(express.json({ limit: settings.bodyLimitBytes, type: jsonType }));

  const h = (fn: Handler) => async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      send(res, await fn(res.locals['scim'] as ScimContext, req));
    } catch (e) {
      next(e);
    }
  };
  const q = (req: Request): Record<string, unknown> => req.query as Record<string, unknown>;
  const bodyOf = (req: Request): unknown => {
    const empty = req.body === undefined || (req.get('content-length') === '0' && !req.get('transfer-encoding'));
    if (empty) throw badSyntax('a JSON request body is required');
    return req.body;
  };
  const projectionOf = (req: Request, resolver: typeof userResolver) => {
    const p = readParams(q(req));
    return parseProjection(p['attributes'], p['excludedattributes'], resolver);
  };
  const searchBody = (req: Request): Record<string, unknown> => {
    const b = bodyOf(req);
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw badSyntax('a SearchRequest must be a JSON object');
    return b as Record<string, unknown>;
  };
  const notAllowed = h(async (_ctx, req) => { throw new ScimError(405, undefined, `${req.method} is not supported here`); });
  const paging = (req: Request): { startIndex: number; count: number } => parsePage(q(req), settings);

  router.route('/ServiceProviderConfig').get(h(async (ctx) => ({ status: 200, body: serviceProviderConfig(ctx.baseUrl, settings) }))).all(notAllowed);
  router.route('/ResourceTypes').get(h(async (ctx) => ({ status: 200, body: listResourceTypes(ctx.baseUrl) }))).all(notAllowed);
  router.get('/ResourceTypes/:id', h(async (ctx, req) => ({ status: 200, body: getResourceType(ctx.baseUrl, String(req.params['id'])) })));
  router.route('/Schemas').get(h(async (ctx) => ({ status: 200, body: listSchemas(ctx.baseUrl) }))).all(notAllowed);
  router.get('/Schemas/:id', h(async (ctx, req) => ({ status: 200, body: getSchema(ctx.baseUrl, String(req.params['id'])) })));

  for (const [path, service, resolver] of [['/Users', users, userResolver], ['/Groups', groups, groupResolver]] as const) {
    const s: ResourceService = service;
    router.route(path)
      .get(h((ctx, req) => s.list(ctx, parseList(q(req), resolver, settings))))
      .post(h((ctx, req) => s.create(ctx, bodyOf(req))))
      .all(notAllowed);
    router.route(`${path}/.search`)
      .post(h((ctx, req) => s.list(ctx, parseList(searchBody(req), resolver, settings))))
      .all(notAllowed);
    router.route(`${path}/:id`)
      .get(h((ctx, req) => s.get(ctx, String(req.params['id']), projectionOf(req, resolver), header(req, 'if-none-match'))))
      .put(h((ctx, req) => s.replace(ctx, String(req.params['id']), bodyOf(req), header(req, 'if-match'))))
      .patch(h((ctx, req) => s.patch(ctx, String(req.params['id']), bodyOf(req), header(req, 'if-match'), projectionOf(req, resolver))))
      .delete(h((ctx, req) => s.delete(ctx, String(req.params['id']), header(req, 'if-match'))))
      .all(notAllowed);
  }

  router.route('/.search').post(h((ctx, req) => rootSearch(ctx, searchBody(req), { users, groups }, settings))).all(notAllowed);

  router.route('/Bulk').post(h(async (ctx, req) => {
    const dispatch = async (method: string, path: string, data: unknown, version: string | undefined): Promise<ScimOutcome> => {
      const m = /^\/?(Users|Groups)(?:\/([^/?#]+))?\/?$/i.exec(path);
      if (!m) throw new ScimError(400, 'invalidPath', `unsupported bulk path "${path}"`);
      const s: ResourceService = m[1]!.toLowerCase() === 'users' ? users : groups;
      const id = m[2] ? decodeURIComponent(m[2]) : undefined;
      if (method === 'POST' && !id) return s.create(ctx, data);
      if (!id) throw new ScimError(400, 'invalidPath', `${method} needs a resource id in "${path}"`);
      if (method === 'PUT') return s.replace(ctx, id, data, version);
      if (method === 'PATCH') return s.patch(ctx, id, data, version, {});
      if (method === 'DELETE') return s.delete(ctx, id, version);
      throw new ScimError(400, 'invalidPath', `${method} is not allowed on "${path}"`);
    };
    const guarded = async (method: string, path: string, data: unknown, version: string | undefined): Promise<ScimOutcome> => {
      try {
        return await dispatch(method, path, data, version);
      } catch (e) {
        const fault = deps.storage?.report(e, { requestId: ctx.requestId, connectorId: ctx.connectorId, bulk: true });
        throw fault ? unavailableError(fault) : e;
      }
    };
    return { status: 200, body: await runBulk(bodyOf(req), settings, guarded, deps.logger) };
  })).all(notAllowed);

  for (const kind of ['Entitlement', 'Role'] as const) {
    router.get(`/${kind}s`, h((ctx, req) => readBack.listEntitlements(ctx, kind, q(req))));
    router.get(`/${kind}s/:id`, h((ctx, req) => readBack.getEntitlement(ctx, kind, String(req.params['id']))));
  }
  router.get('/Containers', h((ctx, req) => {
    const { startIndex, count } = paging(req);
    return readBack.listContainers(ctx, startIndex, count);
  }));
  router.get('/Containers/:id', h((ctx, req) => readBack.getContainer(ctx, String(req.params['id']))));
  router.get('/ContainerPermissions', h((ctx, req) => {
    const { startIndex, count } = paging(req);
    return readBack.listPermissions(ctx, startIndex, count);
  }));
  router.get('/ContainerPermissions/:id', h((ctx, req) => readBack.getPermission(ctx, String(req.params['id']))));

  router.all('/Me', h(async () => { throw new ScimError(501, undefined, '/Me is not supported: a token stands for an IGA connector, not a user'); }));
  router.use((req: Request, _res: Response, next: NextFunction) => next(notFound(`endpoint ${req.method} ${req.path}`)));

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ScimError) {
      sendError(res, err.status, err.scimType, err.detail);
      return;
    }
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') { sendError(res, 413, undefined, 'the request body is too large'); return; }
    if (e.type === 'entity.parse.failed') { sendError(res, 400, 'invalidSyntax', 'the request body is not valid JSON'); return; }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, 'invalidSyntax', 'the request could not be read');
      return;
    }
    const ctx = res.locals['scim'] as ScimContext | undefined;
    const fault = deps.storage?.report(err, { method: req.method, path: req.path, requestId: ctx?.requestId, connectorId: ctx?.connectorId });
    if (fault) {
      res.setHeader('Retry-After', String(deps.storage!.retryAfterSeconds));
      const se = unavailableError(fault);
      sendError(res, se.status, se.scimType, se.detail);
      return;
    }
    const log = (req as { log?: ScimRouterDeps['logger'] }).log ?? deps.logger;
    log.error({ err, method: req.method, path: req.path, requestId: ctx?.requestId, connectorId: ctx?.connectorId }, 'SCIM request failed');
    sendError(res, 500, undefined, 'internal error');
  });

  return router;
}
