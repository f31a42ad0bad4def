import type { Assignment } from './assignment.ts';
import type { Conflict } from './conflict.ts';
import type { Elevation } from './elevation.ts';
import type { Entitlement } from './entitlement.ts';
import type { Finding } from './finding.ts';
import { targetKey } from './grant.ts';
import type { Identity } from './identity.ts';
import { isBefore } from './iso-time.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import type { Revocation } from './revocation.ts';
import type { SessionEvidence } from './session-evidence.ts';

/** Flat rows of an evidence pack: what JSON, CSV and HTML all show. `null` where a fact is absent. */
type Cell = string | number | boolean | null;

export interface EntitlementRow {
  readonly id: string; readonly displayName: string; readonly connectorId: string; readonly owner: string | null;
  readonly riskTier: string | null; readonly reviewCadenceDays: number | null; readonly lastCertifiedAt: string | null;
  readonly reviewDueAt: string | null; readonly reviewOverdue: boolean; readonly jitMaxMinutes: number | null;
  readonly breakGlass: boolean; readonly nonHuman: boolean; readonly deletedAt: string | null; readonly tags: readonly string[];
}

export interface AssignmentRow {
  readonly id: string; readonly entitlementId: string; readonly entitlement: string | null; readonly identityId: string;
  readonly userName: string | null; readonly identityKind: string | null; readonly approver: string | null;
  readonly approvedAt: string; readonly expiresAt: string | null; readonly ticket: string | null; readonly status: string;
  readonly endedAt: string | null; readonly endedBy: string | null; readonly lastUsedAt: string | null;
  readonly sessionCount: number; readonly recommendation: string | null; readonly recommendationReason: string | null;
}

export interface ElevationRow {
  readonly id: string; readonly principal: string; readonly identityId: string | null; readonly target: string;
  readonly requestedAt: string; readonly requestedMinutes: number; readonly justification: string | null;
  readonly outcome: 'allow' | 'deny'; readonly breakGlass: boolean; readonly reasons: readonly string[];
  readonly entitlementId: string | null; readonly assignmentId: string | null; readonly windowEnd: string | null;
  readonly status: string; readonly endedAt: string | null;
}

export interface SessionRow {
  readonly id: string; readonly kind: string; readonly connectorId: string; readonly externalId: string; readonly principal: string;
  readonly identityId: string | null; readonly target: string | null; readonly interactive: boolean; readonly startedAt: string;
  readonly endedAt: string | null; readonly elevationId: string | null; readonly assignmentId: string | null;
}

export interface RevocationRow {
  readonly id: string; readonly cause: string; readonly direction: string; readonly status: string; readonly requestedBy: string;
  readonly identityId: string | null; readonly assignmentId: string | null; readonly createdAt: string; readonly verifiedAt: string | null;
  readonly steps: readonly string[];
}

export interface FindingRow {
  readonly id: string; readonly kind: string; readonly severity: string; readonly status: string; readonly summary: string;
  readonly firstSeenAt: string; readonly lastSeenAt: string; readonly resolvedAt: string | null; readonly exceptionUntil: string | null;
  readonly tags: readonly string[];
}

export interface ConflictRow {
  readonly id: string; readonly kind: string; readonly status: string; readonly summary: string; readonly createdAt: string;
  readonly resolution: string | null; readonly resolvedBy: string | null; readonly resolutionReason: string | null;
  readonly resolvedAt: string | null; readonly exceptionOwner: string | null; readonly exceptionUntil: string | null;
}

export interface LedgerRow {
  readonly seq: number; readonly at: string; readonly actor: string; readonly action: string; readonly subject: string; readonly hash: string;
}

export type RowValue = Cell | readonly string[];

const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function entitlementRow(e: Entitlement, due: string | undefined, now: string, tags: readonly string[]): EntitlementRow {
  const g = e.governance;
  return {
    id: e.id, displayName: e.displayName, connectorId: e.connectorId, owner: n(g.owner), riskTier: n(g.riskTier),
    reviewCadenceDays: n(g.reviewCadenceDays), lastCertifiedAt: n(g.lastCertifiedAt), reviewDueAt: n(due),
    reviewOverdue: due !== undefined && !isBefore(now, due), jitMaxMinutes: n(g.jitMaxMinutes),
    breakGlass: g.breakGlass, nonHuman: g.nonHuman, deletedAt: n(e.deletedAt), tags,
  };
}

export function assignmentRow(
  a: Assignment, e: Entitlement | undefined, i: Identity | undefined, rec: { action: string; reason: string } | undefined,
): AssignmentRow {
  return {
    id: a.id, entitlementId: a.entitlementId, entitlement: n(e?.displayName), identityId: a.identityId, userName: n(i?.userName),
    identityKind: n(i?.kind), approver: n(a.approver), approvedAt: a.approvedAt, expiresAt: n(a.expiresAt), ticket: n(a.ticket),
    status: a.status, endedAt: n(a.endedAt), endedBy: n(a.endedBy), lastUsedAt: n(a.lastUsedAt), sessionCount: a.sessionCount,
    recommendation: n(rec?.action), recommendationReason: n(rec?.reason),
  };
}

export function elevationRow(x: Elevation): ElevationRow {
  const d = x.decision;
  return {
    id: x.id, principal: x.principal, identityId: n(x.identityId), target: targetKey(x.target), requestedAt: x.requestedAt,
    requestedMinutes: x.requestedMinutes, justification: n(x.justification), outcome: d.outcome,
    breakGlass: d.outcome === 'allow' && d.breakGlass,
    reasons: d.outcome === 'deny' ? d.reasons.map((r) => `${r.code}: ${r.detail}`) : [],
    entitlementId: d.outcome === 'allow' ? d.entitlementId : null, assignmentId: d.outcome === 'allow' ? d.assignmentId : null,
    windowEnd: n(x.windowEnd ?? (d.outcome === 'allow' ? d.windowEnd : undefined)), status: x.status, endedAt: n(x.endedAt),
  };
}

export function sessionRow(s: SessionEvidence): SessionRow {
  return {
    id: s.id, kind: s.kind, connectorId: s.connectorId, externalId: s.externalId, principal: s.principal, identityId: n(s.identityId),
    target: s.target ? targetKey(s.target) : null, interactive: s.interactive, startedAt: s.startedAt, endedAt: n(s.endedAt),
    elevationId: n(s.elevationId), assignmentId: n(s.assignmentId),
  };
}

export function revocationRow(r: Revocation): RevocationRow {
  return {
    id: r.id, cause: r.cause, direction: r.direction, status: r.status, requestedBy: r.requestedBy, identityId: n(r.identityId),
    assignmentId: n(r.assignmentId), createdAt: r.createdAt, verifiedAt: n(r.verifiedAt),
    steps: r.steps.map((s) => `${s.name}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`),
  };
}

export function findingRow(f: Finding): FindingRow {
  return {
    id: f.id, kind: f.kind, severity: f.severity, status: f.status, summary: f.summary, firstSeenAt: f.firstSeenAt,
    lastSeenAt: f.lastSeenAt, resolvedAt: n(f.resolvedAt), exceptionUntil: n(f.exceptionUntil), tags: f.tags,
  };
}

export function conflictRow(c: Conflict): ConflictRow {
  const r = c.resolution;
  return {
    id: c.id, kind: c.kind, status: c.status, summary: c.summary, createdAt: c.createdAt, resolution: n(r?.action),
    resolvedBy: n(r?.by), resolutionReason: n(r?.reason), resolvedAt: n(r?.at), exceptionOwner: n(r?.owner), exceptionUntil: n(r?.until),
  };
}

export function ledgerRow(l: LedgerEntry): LedgerRow {
  return { seq: l.seq, at: l.at, actor: l.actor, action: l.action, subject: l.subject, hash: l.hash };
}
