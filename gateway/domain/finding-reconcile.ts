import { findingIdentity, type DesiredFinding } from './desired-finding.ts';
import type { Finding, FindingKind } from './finding.ts';
import type { FindingId } from './ids.ts';
import { isBefore } from './iso-time.ts';
import { err, ok, type Result } from './result.ts';

export interface FindingChanges {
  /** New, reopened or refreshed findings to upsert by (kind, key). */
  readonly upserts: readonly Finding[];
  /** Findings whose cause is gone, now `resolved`. */
  readonly resolutions: readonly Finding[];
}

export interface ReconcileScope {
  /** Only existing findings of these kinds may be resolved (an incremental pass evaluated only these). */
  readonly kinds?: readonly FindingKind[] | undefined;
  /** Only existing findings for which this holds may be resolved (e.g. those about one subject). */
  readonly includes?: ((finding: Finding) => boolean) | undefined;
}

/**
 * Turns what the rules want now into changes to stored findings:
 * - wanted and unknown → a new open finding; wanted and resolved → reopened (first seen again now);
 * - wanted and open → refreshed (lastSeenAt, severity, summary, evidence, tags);
 * - wanted and excepted → stays excepted until `exceptionUntil`; once that has passed it is open again;
 * - not wanted, open or excepted, within scope → resolved.
 */
export function reconcileFindings(
  existing: readonly Finding[], desired: readonly DesiredFinding[], now: string, newId: () => FindingId, scope: ReconcileScope = {},
): FindingChanges {
  const byIdentity = new Map(existing.map((f) => [findingIdentity(f), f]));
  const wanted = new Set<string>();
  const upserts: Finding[] = [];
  for (const d of desired) {
    const id = findingIdentity(d);
    if (wanted.has(id)) continue;
    wanted.add(id);
    const prior = byIdentity.get(id);
    const body = { kind: d.kind, key: d.key, severity: d.severity, subject: d.subject, summary: d.summary, evidence: d.evidence, tags: d.tags, lastSeenAt: now };
    if (!prior) {
      upserts.push({ id: newId(), ...body, status: 'open', firstSeenAt: now });
    } else if (prior.status === 'resolved') {
      upserts.push({ ...prior, ...body, status: 'open', firstSeenAt: now, resolvedAt: undefined, exceptionUntil: undefined });
    } else if (prior.status === 'excepted' && prior.exceptionUntil !== undefined && isBefore(now, prior.exceptionUntil)) {
      upserts.push({ ...prior, ...body });
    } else if (prior.status === 'excepted') {
      upserts.push({ ...prior, ...body, status: 'open', exceptionUntil: undefined, evidence: { ...d.evidence, expiredException: prior.exceptionUntil ?? null } });
    } else {
      upserts.push({ ...prior, ...body });
    }
  }
  const kinds = scope.kinds ? new Set<string>(scope.kinds) : undefined;
  const resolutions: Finding[] = [];
  for (const f of existing) {
    if (f.status === 'resolved' || wanted.has(findingIdentity(f))) continue;
    if (kinds && !kinds.has(f.kind)) continue;
    if (scope.includes && !scope.includes(f)) continue;
    resolutions.push({ ...f, status: 'resolved', resolvedAt: now, exceptionUntil: undefined });
  }
  return { upserts, resolutions };
}

/** Accepts an open finding as a time-bounded exception; the owner and reason go to the ledger with it. */
export function exceptFinding(finding: Finding, exception: { owner: string; reason: string; until: string }, now: string): Result<Finding, readonly string[]> {
  const problems = exceptionProblems(exception, now);
  if (finding.status === 'resolved') problems.push('a resolved finding cannot be excepted');
  if (problems.length > 0) return err(problems);
  return ok({ ...finding, status: 'excepted', exceptionUntil: exception.until, lastSeenAt: now });
}

/** Every reason an exception is not acceptable: it needs an owner, a reason and an expiry in the future. */
export function exceptionProblems(exception: { owner?: string | undefined; reason?: string | undefined; until?: string | undefined }, now: string): string[] {
  const problems: string[] = [];
  if (!exception.owner?.trim()) problems.push('an exception needs an owner');
  if (!exception.reason?.trim()) problems.push('an exception needs a reason');
  if (!exception.until) problems.push('an exception needs an expiry');
  else if (Number.isNaN(Date.parse(exception.until))) problems.push(`exception expiry "${exception.until}" is not a date`);
  else if (!isBefore(now, exception.until)) problems.push(`exception expiry ${exception.until} is not in the future`);
  return problems;
}
