/**
 * Order of the grant and revoke messages of one access path (connector + target + principal): a newer message
 * supersedes every older one, so a stale grant (or revoke) whose retry or lease comes due after the opposite
 * change was written is never sent over it.
 *
 * The newest message of each path is kept in `store.cursors` as `outbox.path:<pathKey>` (written with the message,
 * in its transaction); each message carries its `pathKey` and the id of the message it followed (`follows`).
 * The store port is unchanged.
 */
import type { OutboundAction, OutboxMessage } from '../domain/outbox-message.ts';
import type { OutboxId } from '../domain/ids.ts';
import type { StoreTx } from '../store/store.ts';

const ORDERED: ReadonlySet<OutboundAction> = new Set<OutboundAction>(['grant', 'revoke']);
const HEAD = 'outbox.path:';
/** Older messages looked at for a live claim before a newer one is sent (each superseded one is settled on its claim). */
const FOLLOW_LIMIT = 8;

/** `<connector>/<kind>/<ref>|<principal>` for a grant or revoke whose payload names target and principal. */
export function pathKeyOf(connectorId: string, action: OutboundAction, payload: Record<string, unknown>): string | undefined {
  if (!ORDERED.has(action)) return undefined;
  const t = payload['target'] as { kind?: unknown; ref?: unknown } | undefined;
  const principal = payload['principal'];
  if (typeof t?.kind !== 'string' || typeof t.ref !== 'string' || typeof principal !== 'string' || principal.length === 0) return undefined;
  return `${connectorId}/${t.kind}/${t.ref}|${principal}`;
}

export const headName = (pathKey: string): string => `${HEAD}${pathKey}`;

/** The payload to write for a new message: its path key and the path's current newest message. */
export async function orderedPayload(tx: StoreTx, connectorId: string, action: OutboundAction, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const pathKey = pathKeyOf(connectorId, action, payload);
  if (!pathKey) return payload;
  const follows = await tx.cursors.get(headName(pathKey));
  return { ...payload, pathKey, ...(follows ? { follows } : {}) };
}

/** After the insert: the message is the path's newest. */
export async function recordHead(tx: StoreTx, payload: Record<string, unknown>, id: OutboxId): Promise<void> {
  const pathKey = payload['pathKey'];
  if (typeof pathKey === 'string') await tx.cursors.set(headName(pathKey), id);
}

export type PathVerdict =
  | { readonly kind: 'send' }
  | { readonly kind: 'superseded'; readonly by: string }
  | { readonly kind: 'defer'; readonly until: string; readonly behind: string };

/**
 * Before sending a claimed message: superseded when a newer message for its path exists; deferred while an older
 * one is still `sending` under a live lease (held by another process, or by a killed one until its lease ends).
 */
export async function pathVerdict(store: StoreTx, message: OutboxMessage, now: string): Promise<PathVerdict> {
  const pathKey = pathKeyOf(message.connectorId, message.action, message.payload);
  if (!pathKey) return { kind: 'send' };
  const head = await store.cursors.get(headName(pathKey));
  if (head && head !== message.id) return { kind: 'superseded', by: head };
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
