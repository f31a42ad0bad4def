import { desiredFinding, type DesiredFinding } from './desired-finding.ts';
import { reviewDueAt, type Entitlement } from './entitlement.ts';
import type { Severity } from './finding.ts';
import { addDays, daysBetween, earliest, isBefore } from './iso-time.ts';

const live = (e: Entitlement): boolean => e.deletedAt === undefined;
const weighty = (e: Entitlement): boolean => e.governance.riskTier === 'high' || e.governance.riskTier === 'critical';

/** An entitlement nobody is accountable for cannot be reviewed or offboarded properly. */
export function entitlementWithoutOwner(entitlement: Entitlement): DesiredFinding | undefined {
  if (!live(entitlement) || entitlement.governance.owner) return undefined;
  return desiredFinding(
    'entitlement-without-owner', entitlement.id, weighty(entitlement) ? 'high' : 'medium',
    { entitlementId: entitlement.id, connectorId: entitlement.connectorId },
    `Entitlement "${entitlement.displayName}" has no accountable owner`,
    { displayName: entitlement.displayName, riskTier: entitlement.governance.riskTier ?? null },
    { nonHuman: entitlement.governance.nonHuman },
  );
}

/** When the entitlement's next review is due: its cadence, or the mapping's `requireReviewWithinDays`, the earlier. */
export function reviewDue(entitlement: Entitlement, requireReviewWithinDays?: number): string | undefined {
  const from = entitlement.governance.lastCertifiedAt ?? entitlement.createdAt;
  return earliest(
    reviewDueAt(entitlement.governance, entitlement.createdAt),
    requireReviewWithinDays !== undefined ? addDays(from, requireReviewWithinDays) : undefined,
  );
}

/** A missed review leaves access in place without anyone having confirmed it is still needed. */
export function reviewOverdue(entitlement: Entitlement, now: string, requireReviewWithinDays?: number): DesiredFinding | undefined {
  if (!live(entitlement)) return undefined;
  const due = reviewDue(entitlement, requireReviewWithinDays);
  if (due === undefined || isBefore(now, due)) return undefined;
  const daysLate = daysBetween(due, now);
  const severity: Severity = weighty(entitlement) || daysLate > 30 ? 'high' : 'medium';
  return desiredFinding(
    'review-overdue', entitlement.id, severity,
    { entitlementId: entitlement.id, connectorId: entitlement.connectorId },
    `Review of "${entitlement.displayName}" is ${daysLate} day(s) overdue`,
    { dueAt: due, daysLate, lastCertifiedAt: entitlement.governance.lastCertifiedAt ?? null, reviewCadenceDays: entitlement.governance.reviewCadenceDays ?? null },
    { nonHuman: entitlement.governance.nonHuman },
  );
}
