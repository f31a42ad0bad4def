/**
 * Pure request planning for outbound actions: `planRequest` fills a profile's request template, and
 * `interpretResponse` classifies what came back and extracts values. The outbox executes the plan (adding the
 * connector's base URL and auth); nothing here does I/O.
 */
import type { TargetKind } from './canonical-event.ts';
import type { CompiledProfile, CompiledRequest } from './compile-profile.ts';
import type { Bindings } from './expression.ts';
import { all, allEntries, andThen, type MaybePromise } from './maybe.ts';
import type { OutboundAction } from './profile-schema.ts';
import { err, ok, type Result } from './result.ts';

export type PlanInput = Readonly<Record<string, unknown>>;

export interface PlannedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the connector's base URL, placeholders URL-encoded. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** `json` → send with got's `json:`, `form` → got's `form:` (fields are strings). */
  readonly bodyType?: 'json' | 'form' | undefined;
}

export interface InventoryItem {
  readonly principal: string;
  readonly target: { readonly kind: TargetKind; readonly ref: string };
  readonly permissions: readonly string[];
  readonly externalId?: string | undefined;
}

export interface ResponseResult {
  /** `done` and `already-done` are success (idempotent); `retryable` is 408/425/429/5xx; anything else `failed`. */
  readonly outcome: 'done' | 'already-done' | 'retryable' | 'failed';
  readonly status: number;
  readonly values: Readonly<Record<string, unknown>>;
  readonly items?: readonly InventoryItem[] | undefined;
  readonly next?: unknown;
  readonly reason?: string | undefined;
}

function bindingsFor(profile: CompiledProfile, input: PlanInput, params?: Readonly<Record<string, unknown>>): Bindings {
  return { input, params: { ...profile.params, ...params } };
}

/** The request variant of `action` for this input: the first whose `when` holds (or that has none). */
export async function requestOf(profile: CompiledProfile, action: OutboundAction, input: PlanInput, b: Bindings): Promise<Result<CompiledRequest, string>> {
  const variants = profile.outbound?.actions[action];
  if (!variants) return err(`profile "${profile.name}" has no outbound action "${action}"`);
  for (const v of variants) {
    if (!v.when || (await v.when.evaluate(input, b)) === true) return ok(v);
  }
  return err(`no variant of "${action}" in profile "${profile.name}" applies to this input`);
}

const text = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

function textRecord(entries: readonly (readonly [string, { evaluate: (i: unknown, b?: Bindings) => MaybePromise<unknown> }])[], input: unknown, b: Bindings): MaybePromise<Record<string, string>> {
  return andThen(allEntries(entries.map(([k, t]) => [k, t.evaluate(input, b)] as const)), (rec) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) if (v !== null && v !== '') out[k] = text(v);
    return out;
  });
}

/** Fills the request template of `action` for `input`; params override the profile's defaults. */
export async function planRequest(profile: CompiledProfile, action: OutboundAction, input: PlanInput, params?: Readonly<Record<string, unknown>>): Promise<Result<PlannedRequest, string>> {
  const b = bindingsFor(profile, input, params);
  try {
    const found = await requestOf(profile, action, input, b);
    if (!found.ok) return found;
    const req = found.value;
    const [path, query, headers, json, form] = await Promise.all([
      req.path.evaluate(input, b),
      textRecord(req.query, input, b),
      textRecord(req.headers, input, b),
      req.json?.evaluate(input, b),
      req.form ? textRecord(req.form, input, b) : undefined,
    ]);
    if (typeof path !== 'string') return err(`${action}: path ${req.path.source} has a placeholder with no value for this input`);
    const body = req.json ? json : form;
    return ok({ method: req.doc.method, path, query, headers, ...(body !== undefined ? { body, bodyType: req.json ? 'json' as const : 'form' as const } : {}) });
  } catch (e) {
    return err(`${action}: ${(e as Error).message}`);
  }
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

const RETRYABLE = new Set([408, 425, 429]);

function items(req: CompiledRequest, body: unknown, b: Bindings): MaybePromise<{ items: InventoryItem[]; next: unknown }> {
  const p = req.paging!;
  return andThen(all([p.items.evaluate(body, b), p.next?.evaluate(body, b)]), ([list, next]) => {
    const rows = list === undefined ? [] : Array.isArray(list) ? list : [list];
    return andThen(all(rows.map((row) => all([p.item.principal, p.item.ref, p.item.permissions, p.item.externalId].map((e) => e?.evaluate(row, b))))), (vals) => ({
      items: vals.flatMap(([principal, ref, perms, ext]) => (typeof principal === 'string' && principal !== '' && (typeof ref === 'string' || typeof ref === 'number')
        ? [{ principal, target: { kind: p.item.kind, ref: String(ref) }, permissions: Array.isArray(perms) ? perms.map(String) : typeof perms === 'string' ? [perms] : [], ...(ext !== undefined ? { externalId: String(ext) } : {}) }]
        : [])),
      next: next === null || next === '' ? undefined : next,
    }));
  });
}

/** Classifies a response and extracts its values (read-back membership, vendor ids, inventory pages). */
export async function interpretResponse(profile: CompiledProfile, action: OutboundAction, status: number, rawBody: unknown, input: PlanInput = {}, params?: Readonly<Record<string, unknown>>): Promise<Result<ResponseResult, string>> {
  const body = parseBody(rawBody);
  const b: Bindings = { ...bindingsFor(profile, input, params), status };
  try {
    const found = await requestOf(profile, action, input, b);
    if (!found.ok) return found;
    const req = found.value;
    const success = req.doc.success ? req.doc.success.includes(status) : status >= 200 && status < 300;
    let outcome: ResponseResult['outcome'] | undefined = success ? 'done' : undefined;
    if (!outcome) {
      for (const a of req.alreadyDone) {
        if (a.status === status && (!a.when || (await a.when.evaluate(body, b)) === true)) {
          outcome = 'already-done';
          break;
        }
      }
    }
    if (!outcome) {
      const retry = RETRYABLE.has(status) || status >= 500;
      return ok({ outcome: retry ? 'retryable' : 'failed', status, values: {}, reason: `HTTP ${status}` });
    }
    const values = await allEntries(req.extract.map(([k, e]) => [k, e.evaluate(body, b)] as const));
    const page = req.paging && outcome === 'done' ? await items(req, body, b) : undefined;
    return ok({ outcome, status, values, ...(page ? { items: page.items, next: page.next } : {}) });
  } catch (e) {
    return err(`${action}: ${(e as Error).message}`);
  }
}
