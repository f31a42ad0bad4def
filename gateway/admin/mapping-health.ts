/**
 * Mapping health: per connector the outbox by state (pending, dead letters), events naming it in the recent
 * window and when it last had one; its lag (inbox deliveries not processed yet, outbox messages not delivered
 * yet), its errors in the last 24 h with the newest reasons and the error rate, and a status with reasons. Per
 * mapping the same over the connectors it reads from and writes to (counts summed, ages the largest), with its
 * open `mapping-unresolved` findings. At the top, how far the sync engine is behind the domain event log. Ages are
 * in seconds from the injected clock; every figure is read from an index (see the store's mapping health methods).
 */
import { Router } from 'express';
import type {
  ConnectorHealth, HealthError, HealthErrors, HealthLag, MappingHealth, MappingHealthRow, SyncEngineLag,
} from '../../console/shared/api-types.ts';
import type { OutboxStatus } from '../domain/outbox-message.ts';
import type { InboxConnectorStats, OutboxBacklog, OutboxFailures } from '../store/store.ts';
import { SYNC_CURSOR } from '../sync/sync-engine.ts';
import type { AdminDeps } from './admin-deps.ts';
import { connectorVerdict, mappingVerdict, syncVerdict } from './health-status.ts';

/** How many of the newest domain events are counted (recentEvents, lastEventAt). */
export const HEALTH_WINDOW = 2000;
/** The time window of the error figures and the error rate. */
export const ERROR_WINDOW_HOURS = 24;

type Deps = Pick<AdminDeps, 'store' | 'connectors' | 'mappings' | 'clock'>;

function connectorOf(event: { subject: string; payload: Record<string, unknown> }): string | undefined {
  const c = event.payload['connectorId'];
  if (typeof c === 'string') return c;
  return event.subject.startsWith('connector:') ? event.subject.slice('connector:'.length) : undefined;
}

interface Raw {
  outbox: Partial<Record<OutboxStatus, number>>;
  recentEvents: number;
  lastEventAt?: string;
  inbox?: InboxConnectorStats;
  backlog?: OutboxBacklog;
  failed?: OutboxFailures;
  abandoned?: OutboxFailures;
}

const newest = <T extends { at: string }>(xs: readonly (T | undefined)[]): T | undefined =>
  xs.filter((x): x is T => x !== undefined).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))[0];
const largest = (xs: readonly (number | undefined)[]): number | undefined => {
  const ns = xs.filter((x): x is number => x !== undefined);
  return ns.length === 0 ? undefined : Math.max(...ns);
};
const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
const rate = (errors: number, handled: number) => (handled === 0 ? null : Math.round((errors / handled) * 1000) / 1000);

export async function mappingHealth(deps: Deps): Promise<MappingHealth> {
  const { store } = deps;
  const nowMs = deps.clock.now();
  const at = new Date(nowMs).toISOString();
  const since = new Date(nowMs - ERROR_WINDOW_HOURS * 3_600_000).toISOString();
  const ageOf = (iso: string | undefined) => (iso === undefined ? undefined : Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000)));

  const lastSeq = await store.events.lastSeq();
  const events = await store.events.readAfter(Math.max(0, lastSeq - HEALTH_WINDOW), HEALTH_WINDOW);
  const rows = new Map<string, Raw>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { outbox: {}, recentEvents: 0 }));
    return r;
  };
  for (const c of deps.connectors()) row(c.id);
  for (const s of await store.outbox.stats()) row(s.connectorId).outbox[s.status] = s.count;
  for (const s of await store.inbox.connectorStats(since)) row(s.connectorId).inbox = s;
  for (const b of await store.outbox.backlog(at)) row(b.connectorId).backlog = b;
  for (const f of await store.outbox.failures(since)) row(f.connectorId)[f.status] = f;
  for (const e of events) {
    const id = connectorOf(e);
    if (!id) continue;
    const r = row(id);
    r.recentEvents++;
    if (!r.lastEventAt || r.lastEventAt < e.occurredAt) r.lastEventAt = e.occurredAt;
  }

  const config = new Map(deps.connectors().map((c) => [c.id, c]));
  const connectors: ConnectorHealth[] = [];
  for (const [connectorId, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const deliveries = await store.outbox.deliveries(connectorId, since);
    const lag: HealthLag = {
      intakePending: r.inbox?.pending ?? 0, intakeOldestAgeSeconds: ageOf(r.inbox?.oldestPendingAt),
      outboundUndelivered: r.backlog?.undelivered ?? 0, outboundOldestAgeSeconds: ageOf(r.backlog?.oldestCreatedAt),
      outboundOldestDueAgeSeconds: ageOf(r.backlog?.oldestDueCreatedAt),
    };
    const inboxErrors = (r.inbox?.unrecognised ?? 0) + (r.inbox?.failed ?? 0);
    const outboxErrors = (r.failed?.since ?? 0) + (r.abandoned?.since ?? 0);
    const handled = inboxErrors + (r.inbox?.processed ?? 0) + outboxErrors + deliveries.count;
    const outboxError = (f: OutboxFailures | undefined): HealthError | undefined => (f ? { status: f.status, error: f.lastError, at: f.lastAt } : undefined);
    const errors: HealthErrors = {
      inboxUnrecognised: r.inbox?.unrecognised ?? 0, inboxFailed: r.inbox?.failed ?? 0, lastInboxError: r.inbox?.lastError,
      outboxFailed: r.failed?.count ?? 0, deadLetters: r.abandoned?.count ?? 0, lastOutboxError: newest([outboxError(r.failed), outboxError(r.abandoned)]),
      errors: inboxErrors + outboxErrors, handled, rate: rate(inboxErrors + outboxErrors, handled),
    };
    connectors.push({
      connectorId, kind: config.get(connectorId)?.kind, vendor: config.get(connectorId)?.vendor, outbox: r.outbox,
      pending: (r.outbox.queued ?? 0) + (r.outbox.sending ?? 0) + (r.outbox.failed ?? 0),
      deadLetters: r.outbox.abandoned ?? 0, recentEvents: r.recentEvents, lastEventAt: r.lastEventAt,
      lastDeliveredAt: deliveries.lastDeliveredAt, lag, errors, ...connectorVerdict(lag, errors, ERROR_WINDOW_HOURS),
    });
  }

  const byId = new Map(connectors.map((c) => [c.connectorId, c]));
  const unresolved = await store.findings.list({ kind: 'mapping-unresolved', status: 'open' }, { by: 'lastSeenAt', order: 'desc' }, { startIndex: 1, count: 200 });
  const mappings: MappingHealthRow[] = (deps.mappings.current()?.mappings ?? []).map((m) => {
    const ids = [...new Set([m.connector, ...m.targets.map((t) => t.connector)])];
    const cs = ids.map((id) => byId.get(id)).filter((c): c is ConnectorHealth => c !== undefined);
    const openFindings = unresolved.items.filter((f) => f.subject['mapping'] === m.name || ids.includes(f.subject['connectorId'] ?? '')).length;
    const errors = sum(cs, (c) => c.errors.errors);
    const handled = sum(cs, (c) => c.errors.handled);
    return {
      mapping: m.name, file: m.file, connectors: ids,
      pending: sum(cs, (c) => c.pending),
      deadLetters: sum(cs, (c) => c.deadLetters),
      recentEvents: sum(cs, (c) => c.recentEvents),
      lastEventAt: cs.map((c) => c.lastEventAt).filter((x): x is string => x !== undefined).sort().at(-1),
      lastDeliveredAt: cs.map((c) => c.lastDeliveredAt).filter((x): x is string => x !== undefined).sort().at(-1),
      openFindings,
      lag: {
        intakePending: sum(cs, (c) => c.lag.intakePending), intakeOldestAgeSeconds: largest(cs.map((c) => c.lag.intakeOldestAgeSeconds)),
        outboundUndelivered: sum(cs, (c) => c.lag.outboundUndelivered), outboundOldestAgeSeconds: largest(cs.map((c) => c.lag.outboundOldestAgeSeconds)),
        outboundOldestDueAgeSeconds: largest(cs.map((c) => c.lag.outboundOldestDueAgeSeconds)),
      },
      errors: {
        inboxUnrecognised: sum(cs, (c) => c.errors.inboxUnrecognised), inboxFailed: sum(cs, (c) => c.errors.inboxFailed),
        lastInboxError: newest(cs.map((c) => c.errors.lastInboxError)),
        outboxFailed: sum(cs, (c) => c.errors.outboxFailed), deadLetters: sum(cs, (c) => c.errors.deadLetters),
        lastOutboxError: newest(cs.map((c) => c.errors.lastOutboxError)),
        errors, handled, rate: rate(errors, handled),
      },
      ...mappingVerdict(openFindings, cs, ERROR_WINDOW_HOURS),
    };
  });

  const cursor = Number((await store.cursors.get(SYNC_CURSOR)) ?? '0');
  const behind = Math.max(0, lastSeq - cursor);
  const oldestUnconsumed = behind > 0 ? (await store.events.readAfter(cursor, 1))[0] : undefined;
  const oldestUnconsumedAgeSeconds = ageOf(oldestUnconsumed?.occurredAt);
  const syncEngine: SyncEngineLag = { lastSeq, cursor, behind, oldestUnconsumedAgeSeconds, ...syncVerdict(behind, oldestUnconsumedAgeSeconds) };

  return { at, connectors, mappings, window: events.length, errorWindow: { since, hours: ERROR_WINDOW_HOURS }, syncEngine };
}

export function createMappingHealthRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/mapping-health', async (_req, res) => {
    res.json(await mappingHealth(deps));
  });
  return router;
}
