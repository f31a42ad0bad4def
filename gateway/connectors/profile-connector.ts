import type { CompiledProfile } from '../../mappings/lib/compile-profile.ts';
import { type InventoryItem, interpretResponse, planRequest, type ResponseResult } from '../../mappings/lib/outbound-plan.ts';
import type { OutboundAction } from '../../mappings/lib/profile-schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { ConnectorId } from '../domain/ids.ts';
import type { OutboundAuth } from './auth/auth-flow.ts';
import { createAuthenticatedHttp } from './authenticated-http.ts';
import { ConnectorCallError, type ConnectorError, type ConnectorResult, type Done, type ElevationInput, type ObservedAccess, type PamConnector, type TargetRef } from './pam-connector.ts';

export interface ProfileConnectorOptions {
  readonly id: ConnectorId;
  readonly vendor: string;
  readonly profile: CompiledProfile;
  /** Connector parameters, overriding the profile's defaults (`$params`). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly baseUrl: string;
  readonly auth: OutboundAuth;
  readonly timeoutMs: number;
  readonly maxSockets?: number;
}

export interface ClosablePamConnector extends PamConnector {
  close(): void;
}

const permanent = (message: string): { ok: false; error: ConnectorError } => ({ ok: false, error: { failure: { kind: 'permanent', reason: message }, message } });

/** Profile auth names the vendor's paths; the configuration holds the credentials. */
export function withProfilePaths(auth: OutboundAuth, profile: CompiledProfile, baseUrl: string): OutboundAuth {
  const p = profile.doc.outbound?.auth;
  if (auth.kind === 'cyberark-logon' && p?.kind === 'cyberark-logon' && !auth.logonPath) return { ...auth, logonPath: p.path };
  if (auth.kind === 'ps-auth' && p?.kind === 'ps-auth' && !auth.signInPath) return { ...auth, signInPath: p.signInPath };
  if (auth.kind === 'oauth2-client-credentials' && p?.kind === 'oauth2-client-credentials') {
    return { ...auth, tokenUrl: auth.tokenUrl || new URL(p.tokenPath, baseUrl).href, ...(auth.scope || !p.scope ? {} : { scope: p.scope }) };
  }
  return auth;
}

function unixSeconds(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function targetInput(target: TargetRef): Record<string, unknown> {
  return { target: { kind: target.kind, ref: target.ref }, targetKind: target.kind, targetRef: target.ref };
}

/**
 * The one outbound connector: every vendor is a profile (request templates, success and already-done rules,
 * paging) plus an auth flow; this executes the planned requests over {@link createVendorHttp}, sends the
 * outbox idempotency key as `Idempotency-Key`, logs on again once on a 401, and classifies every outcome.
 */
export function createProfileConnector(options: ProfileConnectorOptions, deps: { readonly clock: Clock }): ClosablePamConnector {
  const auth = withProfilePaths(options.auth, options.profile, options.baseUrl);
  const http = createAuthenticatedHttp({ baseUrl: options.baseUrl, auth, timeoutMs: options.timeoutMs, maxSockets: options.maxSockets }, deps);

  async function execute(action: OutboundAction, input: Record<string, unknown>): Promise<ConnectorResult<ResponseResult>> {
    if (!options.profile.outbound?.actions[action]) return permanent(`${options.vendor} profile ${options.profile.name} does not support ${action}`);
    const plan = await planRequest(options.profile, action, input, options.params);
    if (!plan.ok) return permanent(plan.error);
    const p = plan.value;
    const headers: Record<string, string> = { ...p.headers };
    if (typeof input.idempotencyKey === 'string') headers['idempotency-key'] = input.idempotencyKey;
    const res = await http.send({
      method: p.method, path: p.path, query: p.query, headers,
      ...(p.bodyType === 'form' ? { form: p.body as Record<string, string> } : p.body !== undefined ? { body: p.body } : {}),
    });
    if (!res.ok) return res;
    const interpreted = await interpretResponse(options.profile, action, res.value.status, res.value.body, input, options.params);
    if (!interpreted.ok) return permanent(interpreted.error);
    const r = interpreted.value;
    if (r.outcome === 'done' || r.outcome === 'already-done') return { ok: true, value: r };
    const ra = res.value.headers['retry-after'];
    return {
      ok: false,
      error: {
        failure: { kind: 'http', status: r.status, retryAfter: Array.isArray(ra) ? ra[0] : ra },
        message: `${action} ${p.method} ${p.path.split('?')[0]} answered HTTP ${r.status}`,
      },
    };
  }

  /** Read-modify-write vendors (Vault group members): the profile's read-back extracts `members`. */
  const readsBeforeWrite = (options.profile.outbound?.actions['read-back'] ?? []).some((v) => v.extract.some(([k]) => k === 'members'));

  async function readBackRaw(target: TargetRef, principal: string): Promise<ConnectorResult<{ present: boolean; values: Readonly<Record<string, unknown>>; item?: InventoryItem | undefined }>> {
    const r = await execute('read-back', { ...targetInput(target), principal });
    if (!r.ok) {
      if (r.error.failure.kind === 'http' && r.error.failure.status === 404) return { ok: true, value: { present: false, values: {} } };
      return r;
    }
    const same = (i: InventoryItem) => i.principal.toLowerCase() === principal.toLowerCase();
    const item = r.value.items?.find(same);
    const present = r.value.outcome === 'done' && r.value.values.present !== false && !(r.value.items && !item);
    return { ok: true, value: { present, values: r.value.values, item } };
  }

  /** The vendor's id of a principal's access on a target, from the inventory (for revokes that need it). */
  async function externalIdOf(target: TargetRef, principal: string): Promise<ConnectorResult<string | undefined>> {
    try {
      for await (const page of inventory({ target })) {
        const hit = page.find((a) => a.principal.toLowerCase() === principal.toLowerCase());
        if (hit) return { ok: true, value: hit.externalId };
      }
      return { ok: true, value: undefined };
    } catch (e) {
      if (e instanceof ConnectorCallError) return { ok: false, error: e.error };
      throw e;
    }
  }

  async function* inventory(opts: { readonly target?: TargetRef; readonly pageSize?: number }): AsyncIterable<readonly ObservedAccess[]> {
    let cursor: unknown;
    const seen = new Set<string>();
    for (let pages = 0; pages < 100_000; pages++) {
      const r = await execute('list-inventory', { ...(opts.target ? targetInput(opts.target) : {}), cursor, pageSize: opts.pageSize });
      if (!r.ok) throw new ConnectorCallError(r.error);
      const items: ObservedAccess[] = (r.value.items ?? []).map((i) => ({ target: { kind: i.target.kind, ref: i.target.ref }, principal: i.principal, permissions: i.permissions, externalId: i.externalId }));
      if (items.length > 0) yield items;
      const next = r.value.next;
      if (next === undefined || next === null || items.length === 0) return;
      const key = JSON.stringify(next);
      if (seen.has(key)) return;
      seen.add(key);
      cursor = next;
    }
  }

  const done = (r: ConnectorResult<ResponseResult>): ConnectorResult<Done> => {
    if (!r.ok) return r;
    const externalId = r.value.values.externalId;
    return {
      ok: true,
      value: {
        alreadyDone: r.value.outcome === 'already-done',
        ...(externalId !== undefined && externalId !== null ? { externalId: String(externalId) } : {}),
        response: { ...r.value.values, status: r.value.status, outcome: r.value.outcome },
      },
    };
  };

  const elevation = (action: OutboundAction) => async (input: ElevationInput) => done(await execute(action, {
    externalId: input.externalRequestId, reason: input.reason, principal: input.principal,
    ...(input.target ? targetInput(input.target) : {}),
    expiresAt: input.validUntil, expiresAtEpoch: unixSeconds(input.validUntil), idempotencyKey: input.idempotencyKey,
  }));

  return {
    id: options.id,
    vendor: options.vendor,
    async checkHealth() {
      const started = deps.clock.now();
      const credentials = await http.authenticate();
      if (!credentials.ok) return credentials;
      // The profile's own health call when it has one (Teleport's ping), else a one-item inventory page.
      const action: OutboundAction = options.profile.outbound?.actions['check-health'] ? 'check-health' : 'list-inventory';
      const probe = action === 'check-health' ? {} : { pageSize: 1 };
      const plannable = options.profile.outbound?.actions[action] && (await planRequest(options.profile, action, probe, options.params)).ok;
      if (plannable) {
        const called = await execute(action, probe);
        if (!called.ok) return called;
      }
      return { ok: true, value: { latencyMs: deps.clock.now() - started } };
    },
    async grant(input) {
      const base = { ...targetInput(input.target), principal: input.principal, permissions: [...input.permissions], expiresAt: input.validUntil, expiresAtEpoch: unixSeconds(input.validUntil), idempotencyKey: input.idempotencyKey };
      if (!readsBeforeWrite) return done(await execute('grant', base));
      const current = await readBackRaw(input.target, input.principal);
      if (!current.ok) return current;
      if (current.value.present) return { ok: true, value: { alreadyDone: true, response: { outcome: 'already-done', readBack: true } } };
      return done(await execute('grant', { ...base, members: current.value.values.members }));
    },
    async revoke(input) {
      const base = { ...targetInput(input.target), principal: input.principal, externalId: input.externalId, idempotencyKey: input.idempotencyKey };
      if (readsBeforeWrite) {
        const current = await readBackRaw(input.target, input.principal);
        if (!current.ok) return current;
        if (!current.value.present) return { ok: true, value: { alreadyDone: true, response: { outcome: 'already-done', readBack: true } } };
        return done(await execute('revoke', { ...base, members: current.value.values.members }));
      }
      if (input.externalId === undefined && !(await planRequest(options.profile, 'revoke', base, options.params)).ok) {
        const found = await externalIdOf(input.target, input.principal);
        if (!found.ok) return found;
        if (found.value === undefined) return { ok: true, value: { alreadyDone: true, response: { outcome: 'already-done', inventory: true } } };
        return done(await execute('revoke', { ...base, externalId: found.value }));
      }
      return done(await execute('revoke', base));
    },
    async updatePermissions(input) {
      return done(await execute('update-permissions', {
        ...targetInput(input.target), principal: input.principal, permissions: [...input.permissions], externalId: input.externalId,
        expiresAt: input.validUntil, expiresAtEpoch: unixSeconds(input.validUntil), idempotencyKey: input.idempotencyKey,
      }));
    },
    async readBack(input) {
      const r = await readBackRaw(input.target, input.principal);
      if (!r.ok) return r;
      const { present, values, item } = r.value;
      const permissions = Array.isArray(values.permissions) ? values.permissions.map(String) : item?.permissions ?? [];
      return { ok: true, value: { present, ...(present ? { access: { target: input.target, principal: input.principal, permissions, externalId: item?.externalId } } : {}) } };
    },
    listInventory: (opts) => inventory(opts ?? {}),
    approveElevation: elevation('approve-elevation'),
    denyElevation: elevation('deny-elevation'),
    endElevation: elevation('end-elevation'),
    async notifyIga(input) {
      return done(await execute('notify-iga', { eventType: input.event, subject: input.subject, ...input.payload, idempotencyKey: input.idempotencyKey }));
    },
    close: () => http.close(),
  };
}
