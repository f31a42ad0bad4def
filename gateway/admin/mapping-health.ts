/**
 * Mapping health from what the store can answer now: per connector the outbox by state (pending, dead
 * letters), events naming it in the recent window and when it last had one; per mapping the same, summed over
 * the connectors it reads from and writes to, with its open `mapping-unresolved` findings.
 */
import { Router } from 'express';
import type { ConnectorHealth, MappingHealth, MappingHealthRow } from '../../console/shared/api-types.ts';
import type { OutboxStatus } from '../domain/outbox-message.ts';
import type { Store } from '../store/store.ts';
import type { AdminDeps } from './admin-deps.ts';

/** How many of the newest domain events are counted. */
export const HEALTH_WINDOW = 2000;

function connectorOf(event: { subject: string; payload: Record<string, unknown> }): string | undefined {
  const c = event.payload['connectorId'];
  if (typeof c === 'string') return c;
  return event.subject.startsWith('connector:') ? event.subject.slice('connector:'.length) : undefined;
}

/** When the newest delivered message of a connector was delivered (its last successful outbound sync). */
async function lastDelivery(store: Store, connectorId: string, delivered: number): Promise<string | undefined> {
  if (delivered === 0) return undefined;
  const page = await store.outbox.list({ status: 'delivered', connectorId }, { startIndex: delivered, count: 1 });
  const m = page.items[0];
  return m?.deliveredAt ?? m?.updatedAt;
}

export async function mappingHealth(deps: Pick<AdminDeps, 'store' | 'connectors' | 'mappings'>): Promise<MappingHealth> {
  const { store } = deps;
  const lastSeq = await store.events.lastSeq();
  const events = await store.events.readAfter(Math.max(0, lastSeq - HEALTH_WINDOW), HEALTH_WINDOW);
  const rows = new Map<string, { outbox: Partial<Record<OutboxStatus, number>>; recentEvents: number; lastEventAt?: string }>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { outbox: {}, recentEvents: 0 }));
    return r;
  };
  for (const c of deps.connectors()) row(c.id);
  for (const s of await store.outbox.stats()) row(s.connectorId).outbox[s.status] = s.count;
  for (const e of events) {
    const id = connectorOf(e);
    if (!id) continue;
    const r = row(id);
    r.recentEvents++;
    if (!r.lastEventAt || r.lastEventAt < e.occurredAt) r.lastEventAt = e.occurredAt;
  }
  const config = new Map(deps.connectors().map((c) => [c.id, c]));
  const connectors: ConnectorHealth[] = await Promise.all([...rows].sort(([a], [b]) => a.localeCompare(b)).map(async ([connectorId, r]) => ({
    connectorId, kind: config.get(connectorId)?.kind, vendor: config.get(connectorId)?.vendor, outbox: r.outbox,
    pending: (r.outbox.queued ?? 0) + (r.outbox.sending ?? 0) + (r.outbox.failed ?? 0),
    deadLetters: r.outbox.abandoned ?? 0, recentEvents: r.recentEvents, lastEventAt: r.lastEventAt,
    lastDeliveredAt: await lastDelivery(store, connectorId, r.outbox.delivered ?? 0),
  })));
  const byId = new Map(connectors.map((c) => [c.connectorId, c]));
  const unresolved = await store.findings.list({ kind: 'mapping-unresolved', status: 'open' }, { by: 'lastSeenAt', order: 'desc' }, { startIndex: 1, count: 200 });
  const mappings: MappingHealthRow[] = (deps.mappings.current()?.mappings ?? []).map((m) => {
    const ids = [...new Set([m.connector, ...m.targets.map((t) => t.connector)])];
    const cs = ids.map((id) => byId.get(id)).filter((c): c is ConnectorHealth => c !== undefined);
    const last = cs.map((c) => c.lastEventAt).filter((x): x is string => x !== undefined).sort().at(-1);
    return {
      mapping: m.name, file: m.file, connectors: ids,
      pending: cs.reduce((n, c) => n + c.pending, 0),
      deadLetters: cs.reduce((n, c) => n + c.deadLetters, 0),
      recentEvents: cs.reduce((n, c) => n + c.recentEvents, 0),
      lastEventAt: last,
      openFindings: unresolved.items.filter((f) => f.subject['mapping'] === m.name || ids.includes(f.subject['connectorId'] ?? '')).length,
    };
  });
  return { connectors, mappings, window: events.length };
}

export function createMappingHealthRoutes(deps: Pick<AdminDeps, 'store' | 'connectors' | 'mappings'>): Router {
  const router = Router();
  router.get('/mapping-health', async (_req, res) => {
    res.json(await mappingHealth(deps));
  });
  return router;
}
