/**
 * Order of the messages of one access path (connector + target + principal): grants, revokes and permission
 * updates. A grant or a revoke states the whole path (there, or not there); an `update-permissions` adjusts a path
 * that exists. So:
 * - a grant or revoke supersedes every older message of its path (grant, revoke or update);
 * - an update supersedes older updates only, and is superseded by any newer message (a later revoke removes the path
 *   it would update; a later grant states the path anew, its permissions with it; a later update restates them);
 * - an update waits for the grant written before it until that grant is settled (sent before it, it would find no
 *   path: 404, a dead letter), and is not sent at all after a revoke written before it (unless that revoke ended as
 *   a dead letter, so the path is still there): it is settled as superseded by that revoke.
 * A stale message whose retry or lease comes due after a newer change was written is thus never sent over it.
 *
 * Two cursors per path in `store.cursors`, written with the message in its transaction: `outbox.path:<pathKey>`,
 * the newest grant or revoke (the path's head), and `outbox.path-last:<pathKey>`, the newest message of any of the
 * three. Each message carries its `pathKey` and the id of the message it followed (`follows`: the newest one of
 * any kind when it was written). Appenders lock the head (`cursors.lock`) before reading either cursor, so two
 * transactions appending to one path (the sync engine and the reconciler) take turns and each message follows the
 * one committed before it. The store port is unchanged.
 */
import type { OutboundAction, OutboxMessage } from '../domain/outbox-message.ts';
import type { OutboxId } from '../domain/ids.ts';
import type { StoreTx } from '../store/store.ts';

/** Actions that state the whole path: each supersedes everything older on it. */
const STATES_PATH: ReadonlySet<OutboundAction> = new Set<OutboundAction>(['grant', 'revoke']);
const UPDATE: OutboundAction = 'update-permissions';
const HEAD = 'outbox.path:';
const LAST = 'outbox.path-last:';
/** Older messages looked at for a live claim before a newer one is sent (each superseded one is settled on its claim). */
const FOLLOW_LIMIT = 8;
/** An update behind a grant that is due but not claimed yet looks again after this long. */
const RECHECK_MS = 1_000;

const isOrdered = (action: OutboundAction): boolean => STATES_PATH.has(action) || action === UPDATE;

/** `<connector>/<kind>/<ref>|<principal>` for a grant, revoke or update whose payload names target and principal. */
export function pathKeyOf(connectorId: string, action: OutboundAction, payload: Record<string, unknown>): string | undefined {
  if (!isOrdered(action)) return undefined;
  const t = payload['target'] as { kind?: unknown; ref?: unknown } | undefined;
  const principal = payload['principal'];
  if (typeof t?.kind !== 'string' || typeof t.ref !== 'string' || typeof principal !== 'string' || principal.length === 0) return undefined;
  return `${connectorId}/${t.kind}/${t.ref}|${principal}`;
}

/** The cursor naming the path's newest grant or revoke. */
export const headName = (pathKey: string): string => `${HEAD}${pathKey}`;
/** The cursor naming the path's newest message of any ordered action (grant, revoke, update). */
export const lastName = (pathKey: string): string => `${LAST}${pathKey}`;

/**
 * The payload to write for a new message: its path key and the path's current newest message. Locks the path's
 * head first (held until the transaction ends), so that a concurrent appender of the same path reads what this
 * transaction commits.
 */
export async function orderedPayload(tx: StoreTx, connectorId: string, action: OutboundAction, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const pathKey = pathKeyOf(connectorId, action, payload);
  if (!pathKey) return payload;
  const head = await tx.cursors.lock(headName(pathKey));
  // No `last` cursor: nothing was written to the path since before updates were ordered; the head is the newest.
  const follows = (await tx.cursors.get(lastName(pathKey))) ?? head;
  return { ...payload, pathKey, ...(follows ? { follows } : {}) };
}

/** After the insert: the message is the path's newest (and its head when it is a grant or revoke). */
export async function recordHead(tx: StoreTx, action: OutboundAction, payload: Record<string, unknown>, id: OutboxId): Promise<void> {
  const pathKey = payload['pathKey'];
  if (typeof pathKey !== 'string') return;
  if (STATES_PATH.has(action)) await tx.cursors.set(headName(pathKey), id);
  await tx.cursors.set(lastName(pathKey), id);
}

/**
 * The message of its path that overtook this one, if any: for a grant or revoke the newest grant or revoke when it
 * is not this one; for an update the newest message of any kind when it is not this one.
 */
export async function newerOnPath(store: Pick<StoreTx, 'cursors'>, message: Pick<OutboxMessage, 'id' | 'connectorId' | 'action' | 'payload'>): Promise<string | undefined> {
  const pathKey = pathKeyOf(message.connectorId, message.action, message.payload);
  if (!pathKey) return undefined;
  const newest = await store.cursors.get(message.action === UPDATE ? lastName(pathKey) : headName(pathKey));
  return newest && newest !== message.id ? newest : undefined;
}

export type PathVerdict =
  | { readonly kind: 'send' }
  | { readonly kind: 'superseded'; readonly by: string }
  | { readonly kind: 'defer'; readonly until: string; readonly behind: string };

/**
 * Before sending a claimed message: superseded when a newer message for its path overtook it (and an update also
 * after an unfailed revoke written before it); deferred while an older one is still `sending` under a live lease
 * (held by another process, or by a killed one until its lease ends), and an update also while the grant written
 * before it is not settled.
 */
export async function pathVerdict(store: StoreTx, message: OutboxMessage, now: string): Promise<PathVerdict> {
  const pathKey = pathKeyOf(message.connectorId, message.action, message.payload);
  if (!pathKey) return { kind: 'send' };
  const newer = await newerOnPath(store, message);
  if (newer) return { kind: 'superseded', by: newer };
  if (message.action === UPDATE) {
    const verdict = await afterHead(store, pathKey, now);
    if (verdict) return verdict;
  }
  let follows = message.payload['follows'];
  for (let i = 0; i < FOLLOW_LIMIT && typeof follows === 'string'; i++) {
    const older = await store.outbox.get(follows as OutboxId);
    if (!older) break;
    if (older.status === 'sending' && older.claimedUntil !== undefined && older.claimedUntil > now) {
      return { kind: 'defer', until: older.claimedUntil, behind: older.id };
    }
    follows = older.payload['follows'];
  }
  return { kind: 'send' };
}

/**
 * An update that nothing overtook acts on the path its head (the newest grant or revoke, written before it) leaves:
 * after a revoke that did not fail for good there is no path to update; a grant not settled yet must go first.
 */
async function afterHead(store: StoreTx, pathKey: string, now: string): Promise<PathVerdict | undefined> {
  const headId = await store.cursors.get(headName(pathKey));
  const head = headId ? await store.outbox.get(headId as OutboxId) : undefined;
  if (!head) return undefined;
  if (head.action === 'revoke') return head.status === 'abandoned' ? undefined : { kind: 'superseded', by: head.id };
  if (head.status === 'delivered' || head.status === 'abandoned') return undefined;
  const due = head.status === 'sending' ? head.claimedUntil : head.nextAttemptAt;
  const recheck = new Date(Date.parse(now) + RECHECK_MS).toISOString();
  return { kind: 'defer', until: due !== undefined && due > now ? due : recheck, behind: head.id };
}
