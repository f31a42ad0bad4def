import { describe, expect, it } from 'vitest';
import type { DriftPolicy } from '../../../gateway/domain/drift-policy.ts';
import { planDrift } from '../../../gateway/domain/drift-policy.ts';
import type { AccessDifference, ExpectedGroup } from '../../../gateway/domain/reconciliation-diff.ts';

const expected: ExpectedGroup = { key: 'k', permissions: ['list', 'use'], mode: 'standing', assignmentIds: ['asg_1'] };
const observed = { key: 'k', permissions: ['list', 'use', 'admin'] };
const diffs: Record<string, AccessDifference> = {
  missing: { kind: 'missing-at-pam', key: 'k', expected },
  unapproved: { kind: 'unapproved-at-pam', key: 'k', observed },
  extra: { kind: 'permission-mismatch', key: 'k', expected, observed, missing: [], extra: ['admin'] },
  lacking: { kind: 'permission-mismatch', key: 'k', expected, observed: { key: 'k', permissions: ['list'] }, missing: ['use'], extra: [] },
  mode: { kind: 'mode-mismatch', key: 'k', expected: { ...expected, mode: 'jit' }, observed: { ...observed, mode: 'standing' } },
};

describe('planDrift', () => {
  it.each([
    ['missing', 'alert', false, ['grant']],
    ['missing', 'revoke', false, ['grant']],
    ['unapproved', 'alert', true, []],
    ['unapproved', 'revoke', true, ['revoke']],
    ['unapproved', 'propose', true, ['conflict']],
    ['extra', 'alert', true, []],
    ['extra', 'revoke', true, ['set-permissions']],
    ['extra', 'propose', true, ['conflict']],
    ['lacking', 'alert', false, ['set-permissions']],
    ['mode', 'alert', true, []],
    ['mode', 'revoke', true, ['revoke']],
    ['mode', 'propose', true, ['conflict']],
  ] as const)('%s under %s', (diff, policy, finding, intents) => {
    const plan = planDrift(diffs[diff]!, policy as DriftPolicy);
    expect(plan.finding).toBe(finding);
    expect(plan.intents.map((i) => i.kind)).toEqual(intents);
  });

  it('under alert adds lacking permissions but leaves the excess', () => {
    const both: AccessDifference = { kind: 'permission-mismatch', key: 'k', expected, observed: { key: 'k', permissions: ['list', 'admin'] }, missing: ['use'], extra: ['admin'] };
    expect(planDrift(both, 'alert')).toEqual({ finding: true, intents: [{ kind: 'set-permissions', key: 'k', permissions: ['admin', 'list', 'use'] }] });
    expect(planDrift(both, 'revoke').intents).toEqual([{ kind: 'set-permissions', key: 'k', permissions: ['list', 'use'] }]);
  });

  it('provisions and trims to exactly the approved permissions', () => {
    expect(planDrift(diffs['missing']!, 'alert').intents[0]).toEqual({ kind: 'grant', key: 'k', permissions: ['list', 'use'] });
    expect(planDrift(diffs['extra']!, 'revoke').intents[0]).toEqual({ kind: 'set-permissions', key: 'k', permissions: ['list', 'use'] });
  });
});
