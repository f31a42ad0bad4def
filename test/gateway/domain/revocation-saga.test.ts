import { describe, expect, it } from 'vitest';
import type { ElevationId, GrantId, IdentityId, RevocationId } from '../../../gateway/domain/ids.ts';
import type { Revocation } from '../../../gateway/domain/revocation.ts';
import type { RevocationPlanInput, SagaTransition, StepOutcome } from '../../../gateway/domain/revocation-saga.ts';
import { applyStepOutcome, asSagaStep, planRevocation, retryFailedSteps } from '../../../gateway/domain/revocation-saga.ts';
import { minutesAfter, NOW, target } from './domain-fixtures.ts';

const T = (n: number): string => minutesAfter(n);
const plan = (over: Partial<RevocationPlanInput> = {}): SagaTransition => planRevocation({
  id: 'rvk_1' as RevocationId, cause: 'iga-member-removed', direction: 'iga-to-pam', subject: { identityId: 'idn_BOB' as IdentityId },
  requestedBy: 'scim:entra', paths: [{ target: target('PROD-DB'), principal: 'bob', grantId: 'grt_1' as GrantId }, { target: target('PAYROLL', 'delinea'), principal: 'bob' }],
  liveElevations: [], now: NOW, maxAttempts: 2, ...over,
});
const K1 = 'cyberark/safe/PROD-DB|bob';
const K2 = 'delinea/safe/PAYROLL|bob';

function step(r: Revocation, name: string, outcome: StepOutcome, at = T(1)): SagaTransition {
  const res = applyStepOutcome(r, name, outcome, at);
  if (!res.ok) throw new Error(res.error);
  return res.value;
}
const statusOf = (r: Revocation, name: string) => r.steps.find((s) => s.name === name)?.status;

describe('planRevocation', () => {
  it('records the intent with a revoke and a read-back per path, and issues the revokes', () => {
    const { revocation, commands } = plan();
    expect(revocation.status).toBe('pending');
    expect(revocation.steps.map((s) => `${s.name}=${s.status}`)).toEqual([
      `revoke:${K1}=pending`, `read-back:${K1}=pending`, `revoke:${K2}=pending`, `read-back:${K2}=pending`,
    ]);
    expect(commands.map((c) => [c.action, c.connectorId, c.idempotencyKey])).toEqual([
      ['revoke', 'cyberark', `rvk_1:revoke:${K1}:1`], ['revoke', 'delinea', `rvk_1:revoke:${K2}:1`],
    ]);
    expect(commands[0]!.payload).toMatchObject({ revocationId: 'rvk_1', principal: 'bob', grantId: 'grt_1', attempt: 1 });
  });

  it('ends live elevations and merges duplicate paths', () => {
    const { revocation, commands } = plan({
      paths: [{ target: target(), principal: 'bob' }, { target: target(), principal: 'bob' }],
      liveElevations: [{ id: 'elv_9' as ElevationId, target: target(), principal: 'bob', externalRequestId: 'REQ-9' }],
    });
    expect(revocation.steps.map((s) => s.name)).toEqual([`revoke:${K1}`, `read-back:${K1}`, 'end-elevation:elv_9', 'read-back:elv_9']);
    expect(commands.map((c) => c.action)).toEqual(['revoke', 'end-elevation']);
    expect(commands[1]!.payload).toMatchObject({ elevationId: 'elv_9', externalRequestId: 'REQ-9' });
  });

  it('with nothing to remove is verified at once', () => {
    const { revocation, commands } = plan({ paths: [] });
    expect(revocation).toMatchObject({ status: 'verified', verifiedAt: NOW });
    expect(commands).toEqual([]);
  });
});

describe('applyStepOutcome: the happy path', () => {
  it('revoke done → read-back issued; every read-back absent → verified', () => {
    let t = plan();
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    expect(t.revocation.status).toBe('in-progress');
    expect(t.commands.map((c) => [c.action, c.idempotencyKey])).toEqual([['read-back', `rvk_1:read-back:${K1}:1`]]);
    t = step(t.revocation, `read-back:${K1}`, { kind: 'absent' });
    expect(t.revocation.status).toBe('in-progress');
    expect(statusOf(t.revocation, `revoke:${K1}`)).toBe('verified');
    t = step(t.revocation, `revoke:${K2}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K2}`, { kind: 'absent' }, T(2));
    expect(t.revocation).toMatchObject({ status: 'verified', verifiedAt: T(2), updatedAt: T(2) });
  });

  it('is never verified while a read-back is outstanding, even when every revoke was delivered', () => {
    let t = plan();
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    t = step(t.revocation, `revoke:${K2}`, { kind: 'done' });
    expect(t.revocation.status).toBe('in-progress');
    expect(t.revocation.verifiedAt).toBeUndefined();
  });

  it('ignores a duplicate outcome: no change, no second read-back', () => {
    let t = plan();
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    const again = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    expect(again).toEqual({ revocation: t.revocation, commands: [], changed: false });
    const late = step(t.revocation, `revoke:${K1}`, { kind: 'done', attempt: 7 });
    expect(late.changed).toBe(false);
  });

  it('notifies IGA connectors and counts their delivery toward verification', () => {
    let t = plan({ direction: 'pam-to-iga', cause: 'pam-account-disabled', paths: [], notify: ['sailpoint', 'sailpoint'] });
    expect(t.commands.map((c) => [c.action, c.connectorId])).toEqual([['notify-iga', 'sailpoint']]);
    expect(t.commands[0]!.payload).toMatchObject({ identityId: 'idn_BOB', cause: 'pam-account-disabled' });
    expect(t.revocation.status).toBe('pending');
    t = step(t.revocation, 'notify-iga:sailpoint', { kind: 'done' });
    expect(t.revocation.status).toBe('verified');
  });
});

describe('applyStepOutcome: failure paths', () => {
  it('read-back still present → revoke re-issued with a new idempotency key, until the budget is spent → failed', () => {
    let t = plan({ paths: [{ target: target(), principal: 'bob' }] });
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K1}`, { kind: 'present', detail: 'member still listed' });
    expect(t.commands.map((c) => c.idempotencyKey)).toEqual([`rvk_1:revoke:${K1}:2`]);
    expect(t.revocation.status).toBe('in-progress');
    expect(t.revocation.steps.find((s) => s.name === `read-back:${K1}`)?.detail).toContain('still present after attempt 1');
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    expect(t.commands.map((c) => c.idempotencyKey)).toEqual([`rvk_1:read-back:${K1}:2`]);
    t = step(t.revocation, `read-back:${K1}`, { kind: 'present' });
    expect(t.commands).toEqual([]);
    expect(t.revocation.status).toBe('failed');
    expect(statusOf(t.revocation, `read-back:${K1}`)).toBe('failed');
  });

  it('a stale "present" while the re-issued revoke is in flight does not spend another attempt', () => {
    let t = plan({ paths: [{ target: target(), principal: 'bob' }] });
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K1}`, { kind: 'present' });
    const dup = step(t.revocation, `read-back:${K1}`, { kind: 'present' });
    expect(dup.changed).toBe(false);
  });

  it('a dead-lettered revoke keeps the revocation failed and visible; a later success resumes it', () => {
    let t = plan();
    t = step(t.revocation, `revoke:${K1}`, { kind: 'failed', detail: '503 after 7 attempts' });
    expect(t.revocation.status).toBe('failed');
    t = step(t.revocation, `revoke:${K2}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K2}`, { kind: 'absent' });
    expect(t.revocation.status).toBe('failed');
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    expect(t.commands.map((c) => c.action)).toEqual(['read-back']);
    t = step(t.revocation, `read-back:${K1}`, { kind: 'absent' });
    expect(t.revocation.status).toBe('verified');
  });

  it('a failed read-back call fails the revocation', () => {
    let t = plan();
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K1}`, { kind: 'failed', detail: 'list members: 500' });
    expect(t.revocation.status).toBe('failed');
  });

  it('retryFailedSteps re-issues the failed paths with a fresh budget', () => {
    let t = plan({ paths: [{ target: target(), principal: 'bob' }], maxAttempts: 1 });
    t = step(t.revocation, `revoke:${K1}`, { kind: 'done' });
    t = step(t.revocation, `read-back:${K1}`, { kind: 'present' });
    expect(t.revocation.status).toBe('failed');
    const r = retryFailedSteps(t.revocation, T(5), 2);
    expect(r.changed).toBe(true);
    expect(r.commands.map((c) => c.idempotencyKey)).toEqual([`rvk_1:revoke:${K1}:2`]);
    expect(r.revocation.status).toBe('in-progress');
    expect(asSagaStep(r.revocation.steps[0]!).maxAttempts).toBe(3);
    expect(retryFailedSteps(r.revocation, T(6)).changed).toBe(false);
  });

  it('rejects unknown steps and outcomes that do not fit the step', () => {
    const { revocation } = plan();
    expect(applyStepOutcome(revocation, 'revoke:nope', { kind: 'done' }, NOW).ok).toBe(false);
    expect(applyStepOutcome(revocation, `revoke:${K1}`, { kind: 'absent' }, NOW).ok).toBe(false);
    expect(applyStepOutcome(revocation, `read-back:${K1}`, { kind: 'done' }, NOW).ok).toBe(false);
  });

  it('reads steps stored without saga fields with safe defaults', () => {
    const s = asSagaStep({ name: `revoke:${K1}`, connectorId: 'cyberark', status: 'pending', at: NOW });
    expect(s).toMatchObject({ action: 'revoke', attempts: 0, maxAttempts: 3 });
  });
});

describe('superseded steps (the path is approved again)', () => {
  it('a read-back that finds approved access settles the path as superseded without another revoke', () => {
    let r = plan().revocation;
    r = step(r, `revoke:${K1}`, { kind: 'done', attempt: 1 }).revocation;
    const t = step(r, `read-back:${K1}`, { kind: 'superseded', detail: 'approved again by asg_2', attempt: 1 });
    expect(t.commands).toEqual([]);
    expect([statusOf(t.revocation, `revoke:${K1}`), statusOf(t.revocation, `read-back:${K1}`)]).toEqual(['superseded', 'superseded']);
    expect(t.revocation.status).toBe('in-progress');
    let done = step(t.revocation, `revoke:${K2}`, { kind: 'done', attempt: 1 }).revocation;
    done = step(done, `read-back:${K2}`, { kind: 'absent', attempt: 1 }).revocation;
    expect(done.status).toBe('verified');
    expect(step(done, `read-back:${K1}`, { kind: 'present', attempt: 1 }).changed).toBe(false);
  });

  it('a revoke overtaken by a newer message settles its read-back too; a late duplicate changes nothing', () => {
    const t = step(plan().revocation, `revoke:${K1}`, { kind: 'superseded', detail: 'newer obx_2', attempt: 1 });
    expect([statusOf(t.revocation, `revoke:${K1}`), statusOf(t.revocation, `read-back:${K1}`)]).toEqual(['superseded', 'superseded']);
    expect(t.commands).toEqual([]);
    expect(step(t.revocation, `revoke:${K1}`, { kind: 'superseded', detail: 'again', attempt: 1 }).changed).toBe(false);
    expect(step(t.revocation, `revoke:${K1}`, { kind: 'done', attempt: 1 }).changed).toBe(false);
  });
});
