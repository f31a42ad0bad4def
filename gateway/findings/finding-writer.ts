/**
 * Writes a desired finding set to the store: the pure `reconcileFindings` decides (open, refresh, reopen, keep
 * excepted, exception expired, resolve), this writes each change in the caller's transaction with a
 * `finding.changed` domain event and a ledger entry whenever a finding's status changes. A refresh (same status,
 * new lastSeenAt) is written without event or ledger entry, so a periodic pass does not flood either.
 *
 * The sync engine's per-event helpers (`gateway/sync/sync-writes.ts`: `raiseFinding`/`resolveFinding`) cover
 * one finding at a time; this covers a set with a scope (a full pass resolves what no rule wants any more).
 */
import type { DesiredFinding } from '../domain/desired-finding.ts';
import type { Finding, FindingKind } from '../domain/finding.ts';
import { type FindingChanges, type ReconcileScope, reconcileFindings } from '../domain/finding-reconcile.ts';
import type { FindingId } from '../domain/ids.ts';
import type { StoreTx } from '../store/store.ts';

export const FINDINGS_ACTOR = 'lockstep:reconcile';

export interface FindingWriteCounts {
  opened: number;
  reopened: number;
  refreshed: number;
  resolved: number;
  /** Excepted findings whose exception ran out while the cause is still there. */
  exceptionExpired: number;
}

export const emptyCounts = (): FindingWriteCounts => ({ opened: 0, reopened: 0, refreshed: 0, resolved: 0, exceptionExpired: 0 });

export function addCounts(into: FindingWriteCounts, more: FindingWriteCounts): FindingWriteCounts {
  into.opened += more.opened;
  into.reopened += more.reopened;
  into.refreshed += more.refreshed;
  into.resolved += more.resolved;
  into.exceptionExpired += more.exceptionExpired;
  return into;
}

/** What one stored change was, judged against the finding before it. */
function changeOf(prior: Finding | undefined, next: Finding): keyof FindingWriteCounts {
  if (!prior) return 'opened';
  if (next.status === 'resolved') return 'resolved';
  if (prior.status === 'resolved') return 'reopened';
  if (prior.status === 'excepted' && next.status === 'open') return 'exceptionExpired';
  return 'refreshed';
}

/** Writes computed changes (from `reconcileFindings`), given the existing findings they were computed from. */
export async function writeFindingChanges(
  tx: StoreTx, existing: readonly Finding[], changes: FindingChanges, opts: { now: string; actor?: string },
): Promise<FindingWriteCounts> {
  const actor = opts.actor ?? FINDINGS_ACTOR;
  const before = new Map(existing.map((f) => [`${f.kind}|${f.key}`, f]));
  const counts = emptyCounts();
  for (const next of [...changes.upserts, ...changes.resolutions]) {
    const prior = before.get(`${next.kind}|${next.key}`);
    const change = changeOf(prior, next);
    counts[change] += 1;
    await tx.findings.upsert(next);
    if (change === 'refreshed') continue;
    const stored = prior ? next : ((await tx.findings.getByKey(next.kind, next.key)) ?? next);
    await tx.events.append({
      type: 'finding.changed', subject: `finding:${next.kind}:${next.key}`, actor,
      payload: { findingId: stored.id, kind: next.kind, key: next.key, status: next.status, severity: next.severity, change },
      occurredAt: opts.now,
    });
    await tx.ledger.append({
      at: opts.now, actor, action: `finding.${change === 'exceptionExpired' ? 'exception-expired' : change}`, subject: stored.id,
      data: { kind: next.kind, key: next.key, severity: next.severity, summary: next.summary, status: next.status, subject: next.subject },
    });
  }
  return counts;
}

/**
 * Brings the stored findings of a scope in line with what the rules want now, in the caller's transaction:
 * `existing` are the stored findings the scope covers (any status), `desired` what the rules produced.
 */
export async function applyDesiredFindings(
  tx: StoreTx, existing: readonly Finding[], desired: readonly DesiredFinding[],
  opts: { now: string; newId: () => FindingId; scope?: ReconcileScope; actor?: string },
): Promise<FindingWriteCounts> {
  const changes = reconcileFindings(existing, desired, opts.now, opts.newId, opts.scope ?? {});
  return writeFindingChanges(tx, existing, changes, opts);
}

/** Every stored finding of these kinds that is open or excepted (what a full pass may refresh or resolve). */
export async function readLiveFindings(
  tx: Pick<StoreTx, 'findings'>, kinds: readonly FindingKind[], subject?: Readonly<Record<string, string>>,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const PAGE = 500;
  for (const kind of kinds) {
    for (const status of ['open', 'excepted'] as const) {
      for (let startIndex = 1; ; startIndex += PAGE) {
        const page = await tx.findings.list({ kind, status, ...(subject ? { subject } : {}) }, { by: 'firstSeenAt', order: 'asc' }, { startIndex, count: PAGE });
        out.push(...page.items);
        if (page.items.length < PAGE) break;
      }
    }
  }
  return out;
}
