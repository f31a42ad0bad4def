import type { Assignment } from './assignment.ts';
import type { Conflict } from './conflict.ts';
import type { Elevation } from './elevation.ts';
import type { Entitlement } from './entitlement.ts';
import type { Finding } from './finding.ts';
import { reviewDue } from './finding-rules-governance.ts';
import { frameworkTag, tagsForEntitlement } from './framework-tags.ts';
import { targetKey, type PamTarget } from './grant.ts';
import type { Identity } from './identity.ts';
import { isNonHuman } from './identity.ts';
import type { EntitlementId } from './ids.ts';
import { daysBetween, isBefore, latest } from './iso-time.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import type { Revocation } from './revocation.ts';
import type { SessionEvidence } from './session-evidence.ts';
import {
  assignmentRow, conflictRow, elevationRow, entitlementRow, findingRow, ledgerRow, revocationRow, sessionRow,
  type AssignmentRow, type ConflictRow, type ElevationRow, type EntitlementRow, type FindingRow, type LedgerRow,
  type RevocationRow, type SessionRow,
} from './evidence-rows.ts';

export type EvidenceScope =
  | { readonly kind: 'entitlement'; readonly entitlementId: EntitlementId }
  | { readonly kind: 'owner'; readonly owner: string }
  | { readonly kind: 'campaign'; readonly name: string; readonly entitlementIds: readonly EntitlementId[] };

/** What the engine gathered; the builder keeps only what belongs to the scope, so wider facts are harmless. */
export interface EvidenceFacts {
  readonly entitlements: readonly Entitlement[];
  readonly assignments: readonly Assignment[];
  readonly identities: readonly Identity[];
  readonly elevations: readonly Elevation[];
  readonly sessions: readonly SessionEvidence[];
  readonly revocations: readonly Revocation[];
  readonly findings: readonly Finding[];
  readonly conflicts: readonly Conflict[];
  readonly ledger: readonly LedgerEntry[];
  /** PAM targets each entitlement maps to: links denied elevations, findings and conflicts about those targets. */
  readonly targets?: ReadonlyMap<EntitlementId, readonly PamTarget[]> | undefined;
}

export interface EvidencePackOptions {
  /** Privileged access unused for this many days is recommended for revocation. Default 90. */
  readonly unusedDays?: number | undefined;
  /** Keep only activity (elevations, sessions, revocations, ledger) within this period. */
  readonly period?: { readonly from: string; readonly to: string } | undefined;
}

export interface Recommendation {
  readonly assignmentId: string;
  readonly entitlementId: string;
  readonly identityId: string;
  readonly userName: string;
  readonly action: 'revoke' | 'review' | 'keep';
  readonly reason: string;
}

export interface EvidencePack {
  readonly schema: 'lockstep.evidence-pack/1';
  readonly title: string;
  readonly scope: EvidenceScope;
  readonly generatedAt: string;
  readonly period?: { readonly from: string; readonly to: string } | undefined;
  readonly unusedDays: number;
  readonly summary: Readonly<Record<string, number>>;
  readonly entitlements: readonly EntitlementRow[];
  readonly assignments: readonly AssignmentRow[];
  readonly recommendations: readonly Recommendation[];
  readonly elevations: readonly ElevationRow[];
  readonly sessions: readonly SessionRow[];
  readonly revocations: readonly RevocationRow[];
  readonly findings: readonly FindingRow[];
  readonly conflicts: readonly ConflictRow[];
  readonly ledger: readonly LedgerRow[];
  readonly frameworkTags: readonly { readonly id: string; readonly framework: string; readonly control: string; readonly title: string }[];
}

export const DEFAULT_UNUSED_DAYS = 90;

export function buildEvidencePack(scope: EvidenceScope, facts: EvidenceFacts, now: string, options: EvidencePackOptions = {}): EvidencePack {
  const unusedDays = options.unusedDays ?? DEFAULT_UNUSED_DAYS;
  const inPeriod = (at: string | undefined): boolean =>
    !options.period || (at !== undefined && !isBefore(at, options.period.from) && !isBefore(options.period.to, at));

  const entitlements = facts.entitlements.filter((e) => inScope(scope, e)).sort(byId);
  const entIds = new Set<string>(entitlements.map((e) => e.id));
  const targetKeys = new Set<string>();
  for (const e of entitlements) for (const t of facts.targets?.get(e.id) ?? []) targetKeys.add(targetKey(t));
  const assignments = facts.assignments.filter((a) => entIds.has(a.entitlementId)).sort(byId);
  const asgIds = new Set<string>(assignments.map((a) => a.id));
  const identities = new Map(facts.identities.map((i) => [i.id, i]));
  const elevations = facts.elevations.filter((x) => inPeriod(x.requestedAt) && (x.decision.outcome === 'allow' ? entIds.has(x.decision.entitlementId) : targetKeys.has(targetKey(x.target)))).sort(byId);
  const elvIds = new Set<string>(elevations.map((x) => x.id));
  const sessions = facts.sessions.filter((s) => inPeriod(s.startedAt) && (has(entIds, s.entitlementId) || has(asgIds, s.assignmentId) || has(elvIds, s.elevationId))).sort(byId);
  const revocations = facts.revocations.filter((r) => inPeriod(r.createdAt) && (has(entIds, r.entitlementId) || has(asgIds, r.assignmentId))).sort(byId);
  const rvkIds = new Set<string>(revocations.map((r) => r.id));
  const about = (subject: Record<string, string>): boolean =>
    has(entIds, subject['entitlementId']) || has(asgIds, subject['assignmentId']) || has(elvIds, subject['elevationId'])
    || has(rvkIds, subject['revocationId']) || has(targetKeys, subject['target']);
  const findings = facts.findings.filter((f) => about(f.subject)).sort(byId);
  const conflicts = facts.conflicts.filter((c) => about(c.subject)).sort(byId);
  const subjects = new Set<string>([...entIds, ...asgIds, ...elvIds, ...rvkIds, ...findings.map((f) => f.id), ...conflicts.map((c) => c.id)]);
  const ledger = facts.ledger.filter((l) => subjects.has(l.subject) && inPeriod(l.at)).sort((a, b) => a.seq - b.seq);

  const entById = new Map(entitlements.map((e) => [e.id, e]));
  const sessionsByAssignment = new Map<string, SessionEvidence[]>();
  for (const s of sessions) if (s.assignmentId) sessionsByAssignment.set(s.assignmentId, [...(sessionsByAssignment.get(s.assignmentId) ?? []), s]);
  const recommendations = assignments
    .filter((a) => a.status === 'active')
    .map((a) => recommend(a, identities.get(a.identityId), sessionsByAssignment.get(a.id) ?? [], now, unusedDays));

  const entitlementRows = entitlements.map((e) => {
    const holders = assignments.filter((a) => a.entitlementId === e.id && a.status === 'active').map((a) => identities.get(a.identityId));
    const tags = tagsForEntitlement({
      nonHuman: e.governance.nonHuman || holders.some((i) => i !== undefined && isNonHuman(i.kind)),
      heldByAiAgent: holders.some((i) => i?.kind === 'ai-agent'),
      breakGlass: e.governance.breakGlass,
    });
    return entitlementRow(e, reviewDue(e), now, tags);
  });
  const recByAssignment = new Map(recommendations.map((r) => [r.assignmentId, r]));
  const assignmentRows = assignments.map((a) => assignmentRow(a, entById.get(a.entitlementId), identities.get(a.identityId), recByAssignment.get(a.id)));

  const tagIds = new Set<string>([...entitlementRows.flatMap((e) => e.tags), ...findings.flatMap((f) => f.tags)]);
  const decided = (o: 'allow' | 'deny'): number => elevations.filter((x) => x.decision.outcome === o).length;
  return {
    schema: 'lockstep.evidence-pack/1',
    title: titleOf(scope, entitlements),
    scope, generatedAt: now, period: options.period, unusedDays,
    summary: {
      entitlements: entitlements.length,
      assignments: assignments.length,
      activeAssignments: recommendations.length,
      elevationsAllowed: decided('allow'),
      elevationsDenied: decided('deny'),
      breakGlassUses: elevations.filter((x) => x.decision.outcome === 'allow' && x.decision.breakGlass).length,
      sessions: sessions.length,
      revocationsVerified: revocations.filter((r) => r.status === 'verified').length,
      revocationsNotVerified: revocations.filter((r) => r.status !== 'verified').length,
      findingsOpen: findings.filter((f) => f.status === 'open').length,
      findingsExcepted: findings.filter((f) => f.status === 'excepted').length,
      findingsResolved: findings.filter((f) => f.status === 'resolved').length,
      conflicts: conflicts.length,
      recommendRevoke: recommendations.filter((r) => r.action === 'revoke').length,
    },
    entitlements: entitlementRows,
    assignments: assignmentRows,
    recommendations,
    elevations: elevations.map(elevationRow),
    sessions: sessions.map(sessionRow),
    revocations: revocations.map(revocationRow),
    findings: findings.map(findingRow),
    conflicts: conflicts.map(conflictRow),
    ledger: ledger.map(ledgerRow),
    frameworkTags: [...tagIds].sort().map((id) => frameworkTag(id) ?? { id, framework: '', control: id, title: '' }),
  };
}

/**
 * Usage-based recommendation for one active assignment: revoke when the holder is gone, or when the access was
 * unused (no session, no recorded use) for `unusedDays`, counting from approval when it was never used.
 */
export function recommend(a: Assignment, identity: Identity | undefined, sessions: readonly SessionEvidence[], now: string, unusedDays: number): Recommendation {
  const base = { assignmentId: a.id, entitlementId: a.entitlementId, identityId: a.identityId, userName: identity?.userName ?? a.identityId };
  if (identity && (!identity.active || identity.deletedAt !== undefined)) {
    return { ...base, action: 'revoke', reason: `holder ${identity.userName} is ${identity.deletedAt ? 'deleted' : 'deactivated'} at IGA` };
  }
  const lastUsed = latest(a.lastUsedAt, ...sessions.map((s) => s.endedAt ?? s.startedAt));
  if (lastUsed === undefined) {
    const age = daysBetween(a.approvedAt, now);
    if (age >= unusedDays) return { ...base, action: 'revoke', reason: `never used in the ${age} days since approval (threshold ${unusedDays})` };
    return { ...base, action: 'keep', reason: `approved ${age} day(s) ago, not used yet` };
  }
  const idle = daysBetween(lastUsed, now);
  if (idle >= unusedDays) return { ...base, action: 'revoke', reason: `unused for ${idle} days, last used ${lastUsed} (threshold ${unusedDays})` };
  if (identity && isNonHuman(identity.kind) && !identity.owner) return { ...base, action: 'review', reason: `non-human holder ${identity.userName} has no owner` };
  return { ...base, action: 'keep', reason: `used ${idle} day(s) ago` };
}

function inScope(scope: EvidenceScope, e: Entitlement): boolean {
  switch (scope.kind) {
    case 'entitlement': return e.id === scope.entitlementId;
    case 'owner': return e.governance.owner === scope.owner;
    case 'campaign': return scope.entitlementIds.includes(e.id);
  }
}

function titleOf(scope: EvidenceScope, entitlements: readonly Entitlement[]): string {
  switch (scope.kind) {
    case 'entitlement': return `Evidence pack: entitlement ${entitlements[0]?.displayName ?? scope.entitlementId}`;
    case 'owner': return `Evidence pack: entitlements owned by ${scope.owner}`;
    case 'campaign': return `Evidence pack: review campaign ${scope.name}`;
  }
}

const has = (set: ReadonlySet<string>, v: string | undefined): boolean => v !== undefined && set.has(v);
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
