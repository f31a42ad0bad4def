import { targetKey, type PamTarget } from './grant.ts';
import type { AssignmentId, ConnectorId, ElevationId, EntitlementId, GrantId, IdentityId, RevocationId } from './ids.ts';
import { err, ok, type Result } from './result.ts';
import type { Revocation, RevocationCause, RevocationStep } from './revocation.ts';

/**
 * A revocation as a pure saga: revoke (or end) every access path, then read each back at PAM; `verified` only
 * when every read-back confirmed absence. A read-back that still finds the access re-issues the revoke, up to a
 * budget, then fails. A failed step keeps the revocation `failed` (visible) until a retry succeeds.
 * Stored steps carry the extra saga fields below; the store keeps steps as JSON, so they round-trip.
 */
export type SagaAction = 'revoke' | 'end-elevation' | 'read-back' | 'notify-iga';

export interface SagaStep extends RevocationStep {
  readonly action: SagaAction;
  /** Commands issued for this step so far (each has its own idempotency key). */
  readonly attempts: number;
  /** Attempts allowed before a still-present read-back fails the step (raised by a manual retry). */
  readonly maxAttempts: number;
  /** For a read-back: the revoke or end-elevation step it verifies. */
  readonly verifies?: string | undefined;
  readonly target?: PamTarget | undefined;
  readonly principal?: string | undefined;
  readonly grantId?: GrantId | undefined;
  readonly elevationId?: ElevationId | undefined;
  readonly externalRequestId?: string | undefined;
}

export interface RevokePath {
  readonly target: PamTarget;
  readonly principal: string;
  readonly grantId?: GrantId | undefined;
}

export interface LiveElevationRef {
  readonly id: ElevationId;
  readonly target: PamTarget;
  readonly principal: string;
  readonly externalRequestId?: string | undefined;
}

/** An outbound call to write to the outbox, in the same transaction as the revocation it belongs to. */
export interface SagaCommand {
  readonly action: SagaAction;
  readonly connectorId: ConnectorId;
  readonly stepName: string;
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
}

/**
 * What happened to a step's command. `attempt` (from the command's payload) lets a late outcome of an earlier
 * attempt be recognised and ignored.
 */
export type StepOutcome = { readonly attempt?: number | undefined } & (
  | { readonly kind: 'done'; readonly detail?: string | undefined }
  | { readonly kind: 'failed'; readonly detail: string }
  | { readonly kind: 'absent'; readonly detail?: string | undefined }
  | { readonly kind: 'present'; readonly detail?: string | undefined }
  /**
   * The path is wanted again: the read-back found access an active assignment approves, or the step's call was
   * overtaken by a newer outbox message for the same path. Settles the step and its pair without a further call.
   */
  | { readonly kind: 'superseded'; readonly detail: string });

export interface RevocationPlanInput {
  readonly id: RevocationId;
  readonly cause: RevocationCause;
  readonly direction: Revocation['direction'];
  readonly subject: { readonly identityId?: IdentityId; readonly entitlementId?: EntitlementId; readonly assignmentId?: AssignmentId };
  readonly requestedBy: string;
  /** Every access path to remove: pass each mapped path, whether or not a grant was observed there. */
  readonly paths: readonly RevokePath[];
  readonly liveElevations: readonly LiveElevationRef[];
  /** IGA connectors to tell (PAM → IGA direction). */
  readonly notify?: readonly ConnectorId[] | undefined;
  readonly now: string;
  readonly maxAttempts?: number | undefined;
}

export interface SagaTransition {
  readonly revocation: Revocation;
  readonly commands: readonly SagaCommand[];
  /** false when the outcome was already applied (a duplicate delivery): nothing to write. */
  readonly changed: boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

export function pathKey(target: PamTarget, principal: string): string {
  return `${targetKey(target)}|${principal}`;
}

export function planRevocation(input: RevocationPlanInput): SagaTransition {
  const { now } = input;
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const steps: SagaStep[] = [];
  const base = { status: 'pending' as const, at: now, attempts: 0, maxAttempts };
  const seen = new Set<string>();
  for (const p of input.paths) {
    const key = pathKey(p.target, p.principal);
    if (seen.has(key)) continue;
    seen.add(key);
    const common = { ...base, connectorId: p.target.connectorId, target: p.target, principal: p.principal, grantId: p.grantId };
    steps.push({ ...common, name: `revoke:${key}`, action: 'revoke' });
    steps.push({ ...common, name: `read-back:${key}`, action: 'read-back', verifies: `revoke:${key}` });
  }
  for (const e of input.liveElevations) {
    const common = { ...base, connectorId: e.target.connectorId, target: e.target, principal: e.principal, elevationId: e.id, externalRequestId: e.externalRequestId };
    steps.push({ ...common, name: `end-elevation:${e.id}`, action: 'end-elevation' });
    steps.push({ ...common, name: `read-back:${e.id}`, action: 'read-back', verifies: `end-elevation:${e.id}` });
  }
  for (const c of new Set(input.notify ?? [])) steps.push({ ...base, name: `notify-iga:${c}`, connectorId: c, action: 'notify-iga' });

  const draft: Revocation = {
    id: input.id, cause: input.cause, direction: input.direction, ...input.subject,
    status: 'pending', steps, requestedBy: input.requestedBy, createdAt: now, updatedAt: now,
  };
  const commands: SagaCommand[] = [];
  const issued = steps.map((s) => (s.action === 'read-back' ? s : issue(draft, s, commands)));
  return { revocation: finish(draft, issued, now, true), commands, changed: true };
}

/** Applies what the outbox (or a read-back) reported for one step. Duplicate or stale outcomes change nothing. */
export function applyStepOutcome(revocation: Revocation, stepName: string, outcome: StepOutcome, now: string): Result<SagaTransition> {
  const steps = revocation.steps.map(asSagaStep);
  const index = steps.findIndex((s) => s.name === stepName);
  const step = steps[index];
  if (!step) return err(`revocation ${revocation.id} has no step "${stepName}"`);
  const unchanged: SagaTransition = { revocation, commands: [], changed: false };
  if (outcome.attempt !== undefined && outcome.attempt !== step.attempts) return ok(unchanged);
  const commands: SagaCommand[] = [];
  const set = (i: number, s: SagaStep): void => {
    steps[i] = s;
  };

  if (outcome.kind === 'superseded') {
    if (step.action === 'notify-iga') return err(`step "${stepName}" cannot be superseded`);
    if (settled(step.status)) return ok(unchanged);
    const pairIndex = steps.findIndex((s) => (step.action === 'read-back' ? s.name === step.verifies : s.verifies === step.name));
    set(index, { ...step, status: 'superseded', detail: outcome.detail, at: now });
    const pair = steps[pairIndex];
    if (pair && !settled(pair.status)) set(pairIndex, { ...pair, status: 'superseded', detail: outcome.detail, at: now });
    return ok({ revocation: finish(revocation, steps, now), commands, changed: true });
  }

  if (step.action === 'read-back') {
    const actionIndex = steps.findIndex((s) => s.name === step.verifies);
    const actionStep = steps[actionIndex];
    if (settled(step.status)) return ok(unchanged);
    if (outcome.kind === 'absent') {
      set(index, { ...step, status: 'verified', detail: outcome.detail ?? 'read-back confirmed absence', at: now });
      if (actionStep) set(actionIndex, { ...actionStep, status: 'verified', at: now });
    } else if (outcome.kind === 'present') {
      if (!actionStep) return err(`read-back step "${stepName}" verifies nothing`);
      if (actionStep.status !== 'done') return ok(unchanged);
      if (actionStep.attempts < actionStep.maxAttempts) {
        set(index, { ...step, status: 'pending', detail: `still present after attempt ${actionStep.attempts}${outcome.detail ? `: ${outcome.detail}` : ''}`, at: now });
        set(actionIndex, issue(revocation, { ...actionStep, status: 'pending', at: now }, commands));
      } else {
        set(index, { ...step, status: 'failed', detail: `still present after ${actionStep.attempts} attempts${outcome.detail ? `: ${outcome.detail}` : ''}`, at: now });
      }
    } else if (outcome.kind === 'failed') {
      if (step.status === 'failed') return ok(unchanged);
      set(index, { ...step, status: 'failed', detail: outcome.detail, at: now });
    } else {
      return err(`a read-back step takes "absent", "present" or "failed", not "${outcome.kind}"`);
    }
  } else {
    if (outcome.kind === 'absent' || outcome.kind === 'present') return err(`step "${stepName}" takes "done" or "failed", not "${outcome.kind}"`);
    if (step.status === 'done' || settled(step.status)) return ok(unchanged);
    if (outcome.kind === 'failed') {
      if (step.status === 'failed') return ok(unchanged);
      set(index, { ...step, status: 'failed', detail: outcome.detail, at: now });
    } else if (step.action === 'notify-iga') {
      set(index, { ...step, status: 'verified', detail: outcome.detail, at: now });
    } else {
      set(index, { ...step, status: 'done', detail: outcome.detail, at: now });
      const rbIndex = steps.findIndex((s) => s.verifies === step.name);
      const rb = steps[rbIndex];
      if (rb && !settled(rb.status)) set(rbIndex, issue(revocation, { ...rb, status: 'pending', at: now }, commands));
    }
  }
  return ok({ revocation: finish(revocation, steps, now), commands, changed: true });
}

/**
 * Starts failed steps again (an admin's retry after the cause was fixed, or a dead letter replayed): the
 * action of each failed path is re-issued with a fresh attempt budget.
 */
export function retryFailedSteps(revocation: Revocation, now: string, extraAttempts = DEFAULT_MAX_ATTEMPTS): SagaTransition {
  const steps = revocation.steps.map(asSagaStep);
  const commands: SagaCommand[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.status !== 'failed') continue;
    const actionName = s.action === 'read-back' ? s.verifies : s.name;
    const ai = steps.findIndex((x) => x.name === actionName);
    const a = steps[ai];
    if (!a) continue;
    if (ai !== i) steps[i] = { ...s, status: 'pending', detail: 'retry requested', at: now };
    steps[ai] = issue(revocation, { ...a, status: 'pending', maxAttempts: a.attempts + extraAttempts, detail: 'retry requested', at: now }, commands);
  }
  if (commands.length === 0) return { revocation, commands, changed: false };
  return { revocation: finish(revocation, steps, now), commands, changed: true };
}

/** Reads a stored step; steps written without saga fields get safe defaults. */
export function asSagaStep(step: RevocationStep): SagaStep {
  const s = step as Partial<SagaStep> & RevocationStep;
  const action: SagaAction = s.action ?? (step.name.split(':')[0] as SagaAction);
  return { ...s, action, attempts: s.attempts ?? 0, maxAttempts: s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS };
}

function issue(revocation: Revocation, step: SagaStep, out: SagaCommand[]): SagaStep {
  const attempt = step.attempts + 1;
  const payload: Record<string, unknown> = { revocationId: revocation.id, cause: revocation.cause, attempt };
  if (step.target) payload['target'] = step.target;
  if (step.principal !== undefined) payload['principal'] = step.principal;
  if (step.grantId) payload['grantId'] = step.grantId;
  if (step.elevationId) payload['elevationId'] = step.elevationId;
  if (step.externalRequestId) payload['externalRequestId'] = step.externalRequestId;
  if (step.action === 'notify-iga') {
    for (const k of ['identityId', 'entitlementId', 'assignmentId'] as const) if (revocation[k]) payload[k] = revocation[k];
  }
  out.push({ action: step.action, connectorId: step.connectorId, stepName: step.name, idempotencyKey: `${revocation.id}:${step.name}:${attempt}`, payload });
  return { ...step, attempts: attempt };
}

/** `pending` only while nothing has happened since the plan; after any outcome it is at least `in-progress`. */
function finish(revocation: Revocation, steps: readonly SagaStep[], now: string, planning = false): Revocation {
  const computed = statusOf(steps);
  const status = planning && computed === 'in-progress' ? 'pending' : computed;
  return {
    ...revocation,
    steps,
    status,
    updatedAt: now,
    verifiedAt: status === 'verified' ? (revocation.verifiedAt ?? now) : undefined,
  };
}

/** A step that needs nothing more: its absence confirmed, or its path approved again. */
function settled(status: SagaStep['status']): boolean {
  return status === 'verified' || status === 'superseded';
}

/** `verified` once every closing step is settled: each path confirmed absent or superseded by approved access. */
function statusOf(steps: readonly SagaStep[]): Revocation['status'] {
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  const closing = steps.filter((s) => s.action === 'read-back' || s.action === 'notify-iga');
  if (closing.every((s) => settled(s.status))) return 'verified';
  return 'in-progress';
}
