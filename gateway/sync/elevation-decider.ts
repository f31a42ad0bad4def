/**
 * Elevate: a PAM request (intake or `POST /api/v1/decisions`) decided against the approved context with the
 * pure gate (domain/elevation-gate.ts). Writes the elevation, the ledger entry with every fact that justified
 * the decision, an approval evidence record, a `break-glass-unreviewed` finding for break-glass use and,
 * when asked, the vendor's approve or deny call through the outbox.
 */
import { explainElevation, type ElevationCandidate, type ElevationExplanation } from '../domain/elevation-gate.ts';
import type { Elevation } from '../domain/elevation.ts';
import { breakGlassUnreviewed } from '../domain/finding-rules.ts';
import { targetKey, type PamTarget } from '../domain/grant.ts';
import { newId } from '../domain/ids.ts';
import { accessPolicy, matchesForTarget, resolveEntitlement } from './mapped-access.ts';
import { correlate } from './principal-correlation.ts';
import { supports, type SyncTx } from './sync-context.ts';
import { emit, ledger, raiseFinding, send } from './sync-writes.ts';

/** Minutes assumed when a vendor's request carries no duration. */
export const DEFAULT_REQUEST_MINUTES = 60;

export interface ElevationAsk {
  readonly connectorId: string;
  readonly principal: string;
  readonly target: PamTarget;
  readonly requestedMinutes: number;
  readonly breakGlass?: boolean | undefined;
  readonly externalRequestId?: string | undefined;
  readonly justification?: string | undefined;
  /** Who asked: `connector:<id>` for intake, the API caller for decisions. */
  readonly actor: string;
  /** Call the vendor's approve/deny API (intake: the vendor waits for it; synchronous callers get the answer). */
  readonly answerVendor: boolean;
}

export interface RecordedDecision {
  readonly elevation: Elevation;
  readonly explanation?: ElevationExplanation | undefined;
  /** True when this request was decided before (same connector and vendor request id): nothing was written. */
  readonly replay: boolean;
}

export async function decideElevationRequest(s: SyncTx, ask: ElevationAsk): Promise<RecordedDecision> {
  if (ask.externalRequestId) {
    const prior = await s.tx.elevations.getByExternalId(ask.connectorId, ask.externalRequestId);
    if (prior) return { elevation: prior, replay: true };
  }
  const identity = await correlate(s.tx, s.set, ask.principal, ask.connectorId, ask.target);
  const candidates: ElevationCandidate[] = [];
  const unresolvedMappings: { entitlementId: ElevationCandidate['entitlement']['id']; detail: string }[] = [];
  if (identity.kind === 'one' && s.set) {
    for (const assignment of await s.tx.assignments.listByIdentity(identity.identity.id, { activeOnly: true })) {
      const entitlement = await s.tx.entitlements.get(assignment.entitlementId);
      if (!entitlement) continue;
      const matches = await matchesForTarget(s.set, entitlement, ask.target);
      for (const m of matches) candidates.push({ assignment, entitlement, access: accessPolicy(m) });
      if (matches.length === 0) {
        const resolved = await resolveEntitlement(s.set, entitlement);
        if (resolved.matches.length > 0 && resolved.unresolved.length > 0) unresolvedMappings.push({ entitlementId: entitlement.id, detail: resolved.unresolved.join('; ') });
      }
    }
  }
  const breakGlass = ask.breakGlass === true || (identity.kind === 'one' && identity.identity.kind === 'break-glass');
  const explanation = explainElevation({
    request: { principal: ask.principal, target: ask.target, requestedMinutes: ask.requestedMinutes, breakGlass },
    identity, candidates, unresolvedMappings, now: s.now,
  });
  const d = explanation.decision;
  const elevation: Elevation = {
    id: newId('elevation', s.nowMs, s.env.random), connectorId: ask.connectorId, externalRequestId: ask.externalRequestId,
    principal: ask.principal, identityId: identity.kind === 'one' ? identity.identity.id : undefined, target: ask.target,
    requestedMinutes: ask.requestedMinutes, requestedAt: s.now, justification: ask.justification, decision: d,
    status: d.outcome === 'allow' ? 'active' : 'denied',
    ...(d.outcome === 'allow' ? { windowStart: s.now, windowEnd: d.windowEnd } : {}), updatedAt: s.now,
  };
  await s.tx.elevations.insert(elevation);
  await ledger(s, `elevation.${d.outcome === 'allow' ? 'allowed' : 'denied'}`, elevation.id, {
    request: { connectorId: ask.connectorId, principal: ask.principal, target: targetKey(ask.target), minutes: ask.requestedMinutes, breakGlass, externalRequestId: ask.externalRequestId ?? null, justification: ask.justification ?? null },
    requestedBy: ask.actor,
    identity: identity.kind === 'one' ? { id: identity.identity.id, userName: identity.identity.userName, active: identity.identity.active } : identity,
    candidates: explanation.candidates, chosen: explanation.chosen ?? null, overridden: explanation.overridden, decision: d,
  });
  await emit(s, 'elevation.decided', elevation.id, { elevationId: elevation.id, outcome: d.outcome, connectorId: ask.connectorId, principal: ask.principal });
  if (d.outcome === 'allow') {
    await s.tx.evidence.upsert({
      id: newId('evidence', s.nowMs, s.env.random), connectorId: ask.connectorId, externalId: ask.externalRequestId ?? elevation.id, kind: 'approval',
      principal: ask.principal, identityId: elevation.identityId, target: ask.target, elevationId: elevation.id, assignmentId: d.assignmentId,
      entitlementId: d.entitlementId, interactive: false, startedAt: s.now, attributes: { decidedBy: 'lockstep', breakGlass: d.breakGlass, windowEnd: d.windowEnd },
    });
    const f = breakGlassUnreviewed(elevation, undefined, identity.kind === 'one' ? identity.identity : undefined);
    if (f) await raiseFinding(s, f);
  }
  const action = d.outcome === 'allow' ? 'approve-elevation' : 'deny-elevation';
  if (ask.answerVendor && ask.externalRequestId && supports(s, ask.connectorId, action)) {
    const reason = d.outcome === 'allow' ? `Approved by Lockstep: assignment ${d.assignmentId}` : `Denied by Lockstep: ${d.reasons.map((r) => r.code).join(', ')}`;
    await send(s, ask.connectorId, action, `${action}:${elevation.id}`, 'elevation', {
      elevationId: elevation.id, externalRequestId: ask.externalRequestId, principal: ask.principal, target: { kind: ask.target.kind, ref: ask.target.ref },
      reason, ...(d.outcome === 'allow' ? { validUntil: d.windowEnd } : {}),
    });
  }
  return { elevation, explanation, replay: false };
}

/** The window of an allowed elevation ended: end it at PAM (when the vendor can be told) and close its evidence. */
export async function endElevationWindow(s: SyncTx, elevation: Elevation): Promise<void> {
  if (elevation.status !== 'active') return;
  await s.tx.elevations.update({ ...elevation, status: 'expired', endedAt: s.now, updatedAt: s.now });
  const evidence = await s.tx.evidence.getByExternalId(elevation.connectorId, elevation.externalRequestId ?? elevation.id);
  if (evidence && evidence.endedAt === undefined) await s.tx.evidence.upsert({ ...evidence, endedAt: s.now });
  const vendor = elevation.externalRequestId !== undefined && supports(s, elevation.connectorId, 'end-elevation');
  if (vendor) {
    await send(s, elevation.connectorId, 'end-elevation', `end-elevation:${elevation.id}`, 'elevation', {
      elevationId: elevation.id, externalRequestId: elevation.externalRequestId, principal: elevation.principal,
      target: { kind: elevation.target.kind, ref: elevation.target.ref }, reason: 'Elevation window ended (Lockstep)',
    });
  }
  await ledger(s, 'elevation.window-ended', elevation.id, { windowEnd: elevation.windowEnd ?? null, vendorCalled: vendor, evidenceId: evidence?.id ?? null });
  await emit(s, 'elevation.ended', elevation.id, { elevationId: elevation.id, reason: 'window-ended' });
}
