/** The engine's writes, each inside the handler's transaction: outbox intents, ledger entries, domain events, findings. */
import type { DesiredFinding } from '../domain/desired-finding.ts';
import type { DomainEventType } from '../domain/domain-event.ts';
import type { FindingKind } from '../domain/finding.ts';
import { newId } from '../domain/ids.ts';
import type { OutboundAction } from '../domain/outbox-message.ts';
import { enqueue } from '../outbox/enqueue.ts';
import type { SyncTx } from './sync-context.ts';

export const SYNC_ACTOR = 'lockstep:sync';

/** Marks outbox payloads written by the engine, so that delivery outcomes come back to the right handler. */
export type SyncOrigin = 'saga' | 'grant' | 'elevation';

export async function send(
  s: SyncTx, connectorId: string, action: OutboundAction, idempotencyKey: string, origin: SyncOrigin, payload: Record<string, unknown>,
): Promise<boolean> {
  const out = await enqueue(s.tx, { connectorId, action, idempotencyKey, payload: { ...payload, origin } }, { clock: s.env.clock, random: s.env.random });
  if (out.inserted) s.enqueued += 1;
  return out.inserted;
}

export async function ledger(s: SyncTx, action: string, subject: string, data: Record<string, unknown>, actor = SYNC_ACTOR): Promise<void> {
  await s.tx.ledger.append({ at: s.now, actor, action, subject, data });
}

export async function emit(s: SyncTx, type: DomainEventType, subject: string, payload: Record<string, unknown>): Promise<void> {
  await s.tx.events.append({ type, subject, actor: SYNC_ACTOR, payload, occurredAt: s.now });
}

/** Opens or refreshes a finding a rule wants (kind, key), keeping an excepted one excepted until its expiry. */
export async function raiseFinding(s: SyncTx, d: DesiredFinding): Promise<void> {
  const prior = await s.tx.findings.getByKey(d.kind, d.key);
  const body = { kind: d.kind, key: d.key, severity: d.severity, subject: d.subject, summary: d.summary, evidence: d.evidence, tags: d.tags, lastSeenAt: s.now };
  if (!prior) {
    await s.tx.findings.upsert({ id: newId('finding', s.nowMs, s.env.random), ...body, status: 'open', firstSeenAt: s.now });
  } else if (prior.status === 'excepted' && prior.exceptionUntil !== undefined && prior.exceptionUntil > s.now) {
    await s.tx.findings.upsert({ ...prior, ...body, status: 'excepted' });
  } else {
    const reopened = prior.status !== 'open';
    await s.tx.findings.upsert({ ...prior, ...body, status: 'open', resolvedAt: undefined, exceptionUntil: undefined, ...(reopened ? { firstSeenAt: s.now } : {}) });
    if (!reopened) return;
  }
  await emit(s, 'finding.changed', `finding:${d.kind}:${d.key}`, { kind: d.kind, key: d.key, status: 'open', severity: d.severity });
}

/** Resolves the finding (kind, key) when it is open: its cause is gone. */
export async function resolveFinding(s: SyncTx, kind: FindingKind, key: string): Promise<void> {
  const prior = await s.tx.findings.getByKey(kind, key);
  if (!prior || prior.status !== 'open') return;
  await s.tx.findings.upsert({ ...prior, status: 'resolved', resolvedAt: s.now, lastSeenAt: s.now });
  await emit(s, 'finding.changed', `finding:${kind}:${key}`, { kind, key, status: 'resolved' });
}
