/**
 * `/Bulk` (RFC 7644 §3.7): operations run in order, each in its own transaction, `bulkId:` references
 * resolved in paths and data (also inside `members`), forward references deferred until their POST ran,
 * `failOnErrors` honoured.
 */
import type { Logger } from 'pino';
import type { ScimOutcome, ScimSettings } from './scim-context.ts';
import { ScimError, badSyntax, scimErrorBody } from './scim-error.ts';

export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkDispatch = (method: string, path: string, data: unknown, version: string | undefined) => Promise<ScimOutcome>;

interface BulkOp {
  readonly index: number;
  readonly method: string;
  readonly bulkId?: string;
  readonly path: string;
  readonly data: unknown;
  readonly version?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const REF = /^bulkId:(.+)$/;
const PATH_REF = /\/bulkId:([^/?#]+)/;

function refsIn(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === 'string') {
    const m = REF.exec(v);
    if (m) out.add(m[1]!);
  } else if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (isObject(v)) Object.values(v).forEach((x) => refsIn(x, out));
  return out;
}

function resolve(v: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') {
    const m = REF.exec(v);
    return m && ids.has(m[1]!) ? ids.get(m[1]!) : v;
  }
  if (Array.isArray(v)) return v.map((x) => resolve(x, ids));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, ids)]));
  return v;
}

function parseOps(body: unknown, settings: ScimSettings): { ops: BulkOp[]; failOnErrors: number } {
  if (!isObject(body)) throw badSyntax('the request body must be a JSON object');
  const schemas = body['schemas'];
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST))) throw badSyntax(`a bulk request must declare ${BULK_REQUEST}`);
  const raw = body['Operations'];
  if (!Array.isArray(raw)) throw badSyntax('a bulk request needs an "Operations" array');
  if (raw.length > settings.bulkMaxOperations) throw new ScimError(413, undefined, `more than ${settings.bulkMaxOperations} operations`);
  const foe = body['failOnErrors'];
  if (foe !== undefined && (typeof foe !== 'number' || !Number.isInteger(foe) || foe < 1)) throw badSyntax('"failOnErrors" must be a positive integer');
  const ops = raw.map((o, index): BulkOp => {
    if (!isObject(o) || typeof o['method'] !== 'string' || typeof o['path'] !== 'string') throw badSyntax(`operation ${index + 1} needs a method and a path`);
    const method = o['method'].toUpperCase();
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw badSyntax(`operation ${index + 1}: unknown method ${o['method']}`);
    const bulkId = typeof o['bulkId'] === 'string' ? o['bulkId'] : undefined;
    if (method === 'POST' && !bulkId) throw badSyntax(`operation ${index + 1}: POST needs a bulkId`);
    return { index, method, path: o['path'], data: o['data'], ...(bulkId ? { bulkId } : {}), ...(typeof o['version'] === 'string' ? { version: o['version'] } : {}) };
  });
  return { ops, failOnErrors: foe ?? Number.POSITIVE_INFINITY };
}

export async function runBulk(body: unknown, settings: ScimSettings, dispatch: BulkDispatch, logger: Logger): Promise<Record<string, unknown>> {
  const { ops, failOnErrors } = parseOps(body, settings);
  const declared = new Set(ops.map((o) => o.bulkId).filter((b): b is string => b !== undefined));
  const ids = new Map<string, string>();
  const failed = new Set<string>();
  const results = new Map<number, Record<string, unknown>>();
  let errors = 0;
  let pending = ops;
  const record = (op: BulkOp, status: number, extra: Record<string, unknown>): void => {
    results.set(op.index, { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), status: String(status), ...extra });
  };
  while (pending.length > 0 && errors < failOnErrors) {
    const next: BulkOp[] = [];
    let progressed = false;
    for (const op of pending) {
      if (errors >= failOnErrors) break;
      const refs = refsIn(op.data, new Set());
      const pathRef = PATH_REF.exec(op.path)?.[1];
      if (pathRef) refs.add(pathRef);
      const broken = [...refs].find((r) => !declared.has(r) || failed.has(r));
      const waiting = [...refs].some((r) => !ids.has(r));
      if (!broken && waiting) { next.push(op); continue; }
      progressed = true;
      try {
        if (broken) throw new ScimError(409, 'invalidValue', `bulkId "${broken}" is not defined or failed`);
        const path = pathRef ? op.path.replace(PATH_REF, `/${encodeURIComponent(ids.get(pathRef)!)}`) : op.path;
        const out = await dispatch(op.method, path, resolve(op.data, ids), op.version);
        const id = isObject(out.body) && typeof out.body['id'] === 'string' ? out.body['id'] : undefined;
        if (op.bulkId && id) ids.set(op.bulkId, id);
        record(op, out.status, { ...(out.location ? { location: out.location } : {}), ...(out.etag ? { version: out.etag } : {}) });
      } catch (e) {
        errors++;
        if (op.bulkId) failed.add(op.bulkId);
        const se = e instanceof ScimError ? e : new ScimError(500, undefined, 'internal error');
        if (!(e instanceof ScimError)) logger.error({ err: e, bulkOperation: op.index }, 'bulk operation failed unexpectedly');
        record(op, se.status, { response: scimErrorBody(se.status, se.scimType, se.detail) });
      }
    }
    if (!progressed) {
      for (const op of next) {
        errors++;
        record(op, 409, { response: scimErrorBody(409, 'invalidValue', 'circular bulkId references') });
      }
      break;
    }
    pending = next;
  }
  return { schemas: [BULK_RESPONSE], Operations: [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r) };
}
