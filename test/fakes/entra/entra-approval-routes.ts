/**
 * PIM approvals for activations that need an approver: `GET roleAssignmentApprovals/{id}` and
 * `PATCH roleAssignmentApprovals/{id}/steps/{stepId}` with `{reviewResult: Approve|Deny, justification}`
 * (204). Approving provisions the pending activation; denying marks the request Denied. A step already
 * reviewed cannot be reviewed again (400, modelled).
 */
import { empty, json, route, type FakeRequest, type FakeResponse, type Route } from '../fake-server.ts';
import type { EntraPimState } from './entra-pim-fake.ts';

export interface ApprovalRouteDeps {
  readonly state: EntraPimState;
  readonly base: string;
  readonly scheduleEnd: (scheduleInfo: unknown, start: number) => string | null | undefined;
}

const graphError = (status: number, code: string, message: string): FakeResponse => json(status, { error: { code, message } });

export function approvalRoutes(deps: ApprovalRouteDeps): Route[] {
  const { state, base } = deps;
  return [
    route('GET', `${base}/roleAssignmentApprovals/:id`, (req) => {
      const a = state.approvals.get(req.params.id!);
      return a ? json(200, { id: a.id, steps: a.steps }) : graphError(404, 'ResourceNotFound', `Approval '${req.params.id}' does not exist.`);
    }),
    route('PATCH', `${base}/roleAssignmentApprovals/:id/steps/:stepId`, (req: FakeRequest) => {
      const a = state.approvals.get(req.params.id!);
      const step = a?.steps.find((s) => s.id === req.params.stepId);
      if (!a || !step) return graphError(404, 'ResourceNotFound', `Approval step '${req.params.stepId}' does not exist.`);
      const b = (req.body ?? {}) as { reviewResult?: unknown; justification?: unknown };
      if (b.reviewResult !== 'Approve' && b.reviewResult !== 'Deny') return graphError(400, 'InvalidRequest', 'reviewResult must be Approve or Deny.');
      if (step.status === 'Completed') return graphError(400, 'ApprovalStepAlreadyReviewed', 'This approval step has already been reviewed.');
      const request = state.requests.find((r) => r.id === a.requestId)!;
      const now = state.now();
      Object.assign(step, { status: 'Completed', reviewResult: b.reviewResult, justification: typeof b.justification === 'string' ? b.justification : null, reviewedDateTime: new Date(now).toISOString() });
      request.completedDateTime = new Date(now).toISOString();
      if (b.reviewResult === 'Approve') {
        const instance = state.instantiate({
          principalId: request.principalId, roleDefinitionId: request.roleDefinitionId, directoryScopeId: request.directoryScopeId,
          assignmentType: 'Activated', endDateTime: deps.scheduleEnd(request.scheduleInfo, now) ?? null,
        });
        request.status = 'Provisioned';
        request.targetScheduleId = instance.id;
        req.effect(`role:${request.roleDefinitionId}/scope:${request.directoryScopeId}/principal:${request.principalId}`);
      } else {
        request.status = 'Denied';
        req.effect(`approval:${a.id}`);
      }
      return empty(204);
    }),
  ];
}
