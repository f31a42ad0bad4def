/**
 * `POST /api/v1/decisions`: a synchronous just-in-time decision for callers that wait for the answer (a PAM
 * approval hook, an access-request pre-approval trigger). Same gate, same records as the intake path: the
 * elevation, the ledger entry with its facts, evidence and findings, in one transaction. A repeated request
 * (same connector and `externalRequestId`) answers the first decision again and writes nothing.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { isoAt } from '../domain/clock.ts';
import { TARGET_KINDS } from '../domain/grant.ts';
import { HttpError } from '../http/http-error.ts';
import type { Store } from '../store/store.ts';
import { decideElevationRequest, type RecordedDecision } from '../sync/elevation-decider.ts';
import type { SyncEnvironment, SyncTx } from '../sync/sync-context.ts';
import { authenticateDecision, type DecisionAuthDeps } from './decision-auth.ts';

export interface DecisionsRouterDeps extends SyncEnvironment, DecisionAuthDeps {
  readonly store: Store;
  /** Called after a decision committed (wakes the engine and the dispatcher). */
  readonly onCommitted?: ((outboxMessages: number) => void) | undefined;
}

export const decisionRequestSchema = z.strictObject({
  connectorId: z.string().min(1),
  principal: z.string().min(1),
  target: z.strictObject({ kind: z.enum(TARGET_KINDS), ref: z.string().min(1) }),
  minutes: z.number().positive().max(525_600),
  breakGlass: z.boolean().optional(),
  externalRequestId: z.string().min(1).max(500).optional(),
  justification: z.string().max(2000).optional(),
  /** Also call the vendor's approve/deny API through the outbox (default false: the caller acts on the answer). */
  answerVendor: z.boolean().optional(),
});

export function decisionBody(r: RecordedDecision): Record<string, unknown> {
  const e = r.elevation;
  const d = e.decision;
  return {
    elevationId: e.id,
    outcome: d.outcome,
    ...(d.outcome === 'allow'
      ? { assignmentId: d.assignmentId, entitlementId: d.entitlementId, breakGlass: d.breakGlass, windowStart: e.windowStart, windowEnd: d.windowEnd }
      : { reasons: d.reasons }),
    ...(r.explanation && r.explanation.overridden.length > 0 ? { overridden: r.explanation.overridden } : {}),
    identityId: e.identityId ?? null,
    replay: r.replay,
  };
}

export function createDecisionsRouter(deps: DecisionsRouterDeps): Router {
  const router = express.Router();
  router.post('/decisions', express.json({ limit: '64kb' }), async (req, res) => {
    const parsed = decisionRequestSchema.safeParse(req.body);
    const connectorId = parsed.success ? parsed.data.connectorId : typeof req.body?.connectorId === 'string' ? req.body.connectorId : '';
    const caller = await authenticateDecision(deps, req, connectorId);
    if (!caller) {
      res.setHeader('www-authenticate', 'Bearer realm="lockstep-admin"');
      throw new HttpError(401, 'unauthorized', 'an admin token, or the inbound credential of the PAM connector named in the body, is required');
    }
    if (!parsed.success) throw new HttpError(400, 'invalid_request', 'the decision request is not valid', z.treeifyError(parsed.error));
    const body = parsed.data;
    if (!deps.connectors().some((c) => c.id === body.connectorId && c.kind === 'pam')) {
      throw new HttpError(422, 'unknown_connector', `connector ${body.connectorId} is not a configured PAM connector`);
    }
    let enqueued = 0;
    const recorded = await deps.store.transaction(async (tx) => {
      const s: SyncTx = { tx, env: deps, now: isoAt(deps.clock), nowMs: deps.clock.now(), set: deps.mappings(), enqueued: 0 };
      const r = await decideElevationRequest(s, {
        connectorId: body.connectorId, principal: body.principal,
        target: { connectorId: body.connectorId, kind: body.target.kind, ref: body.target.ref },
        requestedMinutes: body.minutes, breakGlass: body.breakGlass, externalRequestId: body.externalRequestId,
        justification: body.justification, actor: caller.kind === 'admin' ? 'api:admin' : `connector:${caller.connectorId}`,
        answerVendor: body.answerVendor === true,
      });
      enqueued = s.enqueued;
      return r;
    });
    deps.onCommitted?.(enqueued);
    res.status(200).json(decisionBody(recorded));
  });
  return router;
}
