/**
 * Mixed SCIM and signed-webhook traffic for the crash harness. Each worker owns its users, groups and
 * memberships and runs its operations one after another, so the expected state of everything it touched is
 * known exactly — except where a request got no answer (the gateway was killed under it): that item is
 * "uncertain" until a later acknowledged request settles it. Acknowledged means a 2xx answer.
 */
import { standardWebhookHeaders } from '../../fakes/standard-webhooks.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LOCKSTEP_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group';

export interface TrafficTarget {
  /** The gateway's current URL; throws while it is down. */
  url(): string;
  /** Resolves when the gateway is up again (after a kill). */
  up(): Promise<void>;
  readonly scimToken: string;
  /** Webhook connector id and its Standard Webhooks secret; undefined when webhooks are not wired. */
  readonly webhook?: { readonly connector: string; readonly secret: string } | undefined;
}

export interface Pair {
  member: boolean;
  certain: boolean;
}

/** What the traffic acknowledged, for the state check. */
export interface TrafficRecord {
  readonly users: Map<string, string>; // userName -> id (acknowledged creates)
  readonly groups: Map<string, string>; // displayName -> id
  readonly pairs: Map<string, Pair>; // `${groupId}|${userId}`
  readonly webhookIds: Set<string>; // acknowledged webhook-id values
  readonly statuses: Map<number, number>;
  attempted: number;
  acknowledged: number;
  unanswered: number;
  rejected: number;
  duplicatesSent: number;
  /** Non-2xx answers other than 429, with what was asked (diagnostics). */
  readonly unexpected: string[];
}

export function newRecord(): TrafficRecord {
  return {
    users: new Map(), groups: new Map(), pairs: new Map(), webhookIds: new Set(), statuses: new Map(),
    attempted: 0, acknowledged: 0, unanswered: 0, rejected: 0, duplicatesSent: 0, unexpected: [],
  };
}

export const safeName = (worker: number, k: number): string => `S${worker}x${k}`;
export const groupName = (worker: number, k: number): string => `PAM-${safeName(worker, k)}-Users`;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
}

type Rng = () => number;

export interface WorkerOptions {
  readonly worker: number;
  readonly run: string;
  readonly target: TrafficTarget;
  readonly record: TrafficRecord;
  /** Total operations across all workers; each worker stops when the shared count reaches it. */
  readonly total: number;
  readonly rng: Rng;
  /** Called after every acknowledged request (the kill controller watches this). */
  readonly onAck?: () => void;
  readonly maxGroups: number;
}

async function send(target: TrafficTarget, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer | undefined> {
  let url: string;
  try {
    url = target.url();
  } catch {
    return undefined;
  }
  try {
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  } catch {
    return undefined;
  }
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  const { record, target, rng } = o;
  const scimHeaders = { authorization: `Bearer ${target.scimToken}`, 'content-type': 'application/scim+json' };
  const myUsers: string[] = [];
  const myGroups: string[] = [];
  let seq = 0;
  const sentWebhooks: string[] = [];

  /** One request; undefined when unanswered (then waits for the gateway to come back). */
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer | undefined> => {
    record.attempted += 1;
    const answer = await send(target, method, path, body, headers);
    if (answer === undefined) {
      record.unanswered += 1;
      await target.up();
      return undefined;
    }
    record.statuses.set(answer.status, (record.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 200 && answer.status < 300) {
      record.acknowledged += 1;
      o.onAck?.();
    } else if (answer.status !== 429) {
      record.rejected += 1;
      if (record.unexpected.length < 50) record.unexpected.push(`${method} ${path} -> ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
    }
    return answer;
  };

  const createUser = async (): Promise<void> => {
    const userName = `u${o.worker}-${o.run}-${seq++}`;
    const a = await call('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName, active: true, name: { givenName: 'U', familyName: userName } }, scimHeaders);
    if (a?.status === 201 && typeof a.body?.id === 'string') {
      record.users.set(userName, a.body.id);
      myUsers.push(a.body.id);
    }
  };

  const createGroup = async (): Promise<void> => {
    if (myGroups.length >= o.maxGroups) return;
    const displayName = groupName(o.worker, myGroups.length);
    const body = {
      schemas: [GROUP_SCHEMA, LOCKSTEP_GROUP_SCHEMA], displayName,
      [LOCKSTEP_GROUP_SCHEMA]: { owner: 'owner@example.com', justification: 'crash test', reviewCadenceDays: 90, lastCertified: new Date().toISOString() },
    };
    const a = await call('POST', '/scim/v2/Groups', body, scimHeaders);
    if (a?.status === 201 && typeof a.body?.id === 'string') {
      record.groups.set(displayName, a.body.id);
      myGroups.push(a.body.id);
    } else if (a === undefined || a.status === 409) {
      // The unanswered create may have happened: find it by name before using another slot.
      const found = await call('GET', `/scim/v2/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`, undefined, scimHeaders);
      const id = (found?.body?.Resources as { id: string }[] | undefined)?.[0]?.id;
      if (id) {
        record.groups.set(displayName, id);
        myGroups.push(id);
      }
    }
  };

  const patchMember = async (add: boolean): Promise<void> => {
    const g = myGroups[Math.floor(rng() * myGroups.length)]!;
    const u = myUsers[Math.floor(rng() * myUsers.length)]!;
    const key = `${g}|${u}`;
    const pair = record.pairs.get(key) ?? { member: false, certain: true };
    record.pairs.set(key, pair);
    const op = add
      ? { op: 'add', path: 'members', value: [{ value: u }] }
      : { op: 'remove', path: `members[value eq "${u}"]` };
    const a = await call('PATCH', `/scim/v2/Groups/${g}`, { schemas: [PATCH_SCHEMA], Operations: [op] }, scimHeaders);
    if (a === undefined) pair.certain = false;
    else if (a.status >= 200 && a.status < 300) {
      pair.member = add;
      pair.certain = true;
    }
  };

  const webhook = async (): Promise<void> => {
    const hook = target.webhook!;
    const duplicate = sentWebhooks.length > 0 && rng() < 0.1;
    const id = duplicate ? sentWebhooks[Math.floor(rng() * sentWebhooks.length)]! : `evt_${o.run}_${o.worker}_${seq++}`;
    if (duplicate) record.duplicatesSent += 1;
    const body = {
      type: 'session.started',
      timestamp: new Date().toISOString(),
      data: { principal: `u${o.worker}`, target: { kind: 'safe', ref: safeName(o.worker, 0) }, externalId: id },
    };
    const { headers, body: raw } = standardWebhookHeaders({ secret: hook.secret, id, body });
    const a = await call('POST', `/webhooks/${hook.connector}`, raw, headers);
    if (!duplicate) sentWebhooks.push(id);
    if (a && a.status >= 200 && a.status < 300) record.webhookIds.add(id);
  };

  while (myUsers.length < 3 && record.attempted < o.total * 2) await createUser();
  while (myGroups.length < 1 && record.attempted < o.total * 2) await createGroup();
  while (record.attempted < o.total) {
    const r = rng();
    if (r < 0.12) await createUser();
    else if (r < 0.17) await createGroup();
    else if (target.webhook !== undefined && r >= 0.75) await webhook();
    else await patchMember(rng() < 0.6);
  }
}
