/**
 * Evidence (PAM → IGA): sessions, approvals and checkouts become SessionEvidence tied to the elevation and the
 * assignment they used; a new session counts on the assignment (`lastUsedAt`, `sessionCount`), which the SCIM
 * read-back shows to IGA. An interactive session of a non-human identity raises `nhi-interactive-session`.
 */
import type { CanonicalEvent } from '../../mappings/lib/index.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Elevation } from '../domain/elevation.ts';
import { nhiInteractiveSession } from '../domain/finding-rules.ts';
import type { PamTarget } from '../domain/grant.ts';
import { newId, type IdentityId } from '../domain/ids.ts';
import type { EvidenceKind, SessionEvidence } from '../domain/session-evidence.ts';
import { matchesForTarget } from './mapped-access.ts';
import { correlate } from './principal-correlation.ts';
import type { SyncTx } from './sync-context.ts';
import { emit, raiseFinding } from './sync-writes.ts';

/** The target as given, plus the safe of a CyberArk account (`Safe/Object`), which is what mappings name. */
export function targetsOf(e: CanonicalEvent): PamTarget[] {
  if (!e.target) return [];
  const out: PamTarget[] = [{ connectorId: e.connectorId, kind: e.target.kind, ref: e.target.ref }];
  const safe = e.attributes['safe'];
  if (typeof safe === 'string' && safe !== '') out.push({ connectorId: e.connectorId, kind: 'safe', ref: safe });
  return out;
}

const covers = (e: Elevation, targets: readonly PamTarget[], at: string): boolean =>
  e.decision.outcome === 'allow' && targets.some((t) => t.connectorId === e.target.connectorId && t.kind === e.target.kind && t.ref === e.target.ref)
  && (e.windowStart ?? e.requestedAt) <= at;

async function attribution(s: SyncTx, identityId: IdentityId, targets: readonly PamTarget[], at: string): Promise<{ elevation?: Elevation; assignment?: Assignment }> {
  const elevations = (await s.tx.elevations.listByIdentity(identityId)).filter((e) => covers(e, targets, at));
  const elevation = elevations.sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1))[0];
  if (elevation && elevation.decision.outcome === 'allow') {
    const assignment = await s.tx.assignments.get(elevation.decision.assignmentId);
    return { elevation, ...(assignment ? { assignment } : {}) };
  }
  if (!s.set) return {};
  for (const a of await s.tx.assignments.listByIdentity(identityId, { activeOnly: true })) {
    const entitlement = await s.tx.entitlements.get(a.entitlementId);
    if (!entitlement) continue;
    for (const t of targets) if ((await matchesForTarget(s.set, entitlement, t)).length > 0) return { assignment: a };
  }
  return {};
}

const KIND: Partial<Record<CanonicalEvent['type'], EvidenceKind>> = {
  'session.started': 'session', 'session.ended': 'session', 'elevation.approved': 'approval',
  'credential.checked_out': 'checkout', 'credential.checked_in': 'checkout',
};

export async function onEvidence(s: SyncTx, e: CanonicalEvent, inboxId: string | undefined): Promise<void> {
  const kind = KIND[e.type];
  if (!kind || !e.principal) return;
  const externalId = e.externalId ?? `${e.type}:${inboxId ?? e.occurredAt}:${e.principal}`;
  const closing = e.type === 'session.ended' || e.type === 'credential.checked_in';
  const prior = await s.tx.evidence.getByExternalId(e.connectorId, externalId);
  if (prior && closing) {
    if (prior.endedAt === undefined) {
      await s.tx.evidence.upsert({ ...prior, endedAt: e.occurredAt, attributes: { ...prior.attributes, ...e.attributes } });
      await emit(s, 'evidence.recorded', prior.id, { evidenceId: prior.id, kind: prior.kind, ended: true });
    }
    return;
  }
  if (prior) return;
  const targets = targetsOf(e);
  const match = await correlate(s.tx, s.set, e.principal, e.connectorId, targets[targets.length - 1]);
  const identity = match.kind === 'one' ? match.identity : undefined;
  const linked = identity ? await attribution(s, identity.id, targets, e.occurredAt) : {};
  const evidence: SessionEvidence = {
    id: newId('evidence', s.nowMs, s.env.random), connectorId: e.connectorId, externalId, kind, principal: e.principal,
    identityId: identity?.id, target: targets[0], elevationId: linked.elevation?.id, assignmentId: linked.assignment?.id,
    entitlementId: linked.assignment?.entitlementId, interactive: kind === 'session',
    startedAt: e.occurredAt, ...(closing ? { endedAt: e.occurredAt } : {}), attributes: { ...e.attributes, eventType: e.type },
  };
  await s.tx.evidence.upsert(evidence);
  await emit(s, 'evidence.recorded', evidence.id, { evidenceId: evidence.id, kind, assignmentId: evidence.assignmentId ?? null, elevationId: evidence.elevationId ?? null });
  const a = linked.assignment;
  if (a && kind !== 'approval') {
    const lastUsedAt = a.lastUsedAt && a.lastUsedAt > e.occurredAt ? a.lastUsedAt : e.occurredAt;
    await s.tx.assignments.update({ ...a, lastUsedAt, sessionCount: a.sessionCount + (kind === 'session' ? 1 : 0), updatedAt: s.now });
  }
  const f = nhiInteractiveSession(evidence, identity);
  if (f) await raiseFinding(s, f);
}
