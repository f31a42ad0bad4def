import { describe, expect, it } from 'vitest';
import type { AccessPolicy, ElevationCandidate, ElevationGateInput } from '../../../gateway/domain/elevation-gate.ts';
import { DEFAULT_MAX_MINUTES, decideElevation, explainElevation } from '../../../gateway/domain/elevation-gate.ts';
import type { DenyReason } from '../../../gateway/domain/elevation.ts';
import type { AssignmentId, EntitlementId, IdentityId } from '../../../gateway/domain/ids.ts';
import { assignment, daysBefore, entitlement, identity, minutesAfter, NOW, target } from './domain-fixtures.ts';

const access = (over: Partial<AccessPolicy> = {}): AccessPolicy => ({ mode: 'jit', maxMinutes: 60, requireOwner: true, breakGlass: false, ...over });
const candidate = (over: Partial<ElevationCandidate> = {}): ElevationCandidate => ({ assignment: assignment(), entitlement: entitlement(), access: access(), ...over });
const input = (over: Partial<ElevationGateInput> = {}): ElevationGateInput => ({
  request: { principal: 'bob', target: target(), requestedMinutes: 30 },
  identity: { kind: 'one', identity: identity() },
  candidates: [candidate()],
  now: NOW,
  ...over,
});
const codes = (i: ElevationGateInput): DenyReason[] => {
  const d = decideElevation(i);
  return d.outcome === 'deny' ? d.reasons.map((r) => r.code) : [];
};

describe('decideElevation: allow', () => {
  it('allows a request matching an active, owned, reviewed assignment within the maximum, with the window end', () => {
    expect(decideElevation(input())).toEqual({
      outcome: 'allow', assignmentId: 'asg_BOB_DBA', entitlementId: 'ent_DBA', breakGlass: false, windowEnd: minutesAfter(30),
    });
  });

  it('allows exactly the maximum, which is the smaller of the entitlement and mapping limits', () => {
    expect(decideElevation(input({ request: { principal: 'bob', target: target(), requestedMinutes: 60 } })).outcome).toBe('allow');
    const c = candidate({ entitlement: entitlement({ governance: { jitMaxMinutes: 20 } }) });
    expect(codes(input({ candidates: [c] }))).toEqual(['duration-exceeds-maximum']);
    const none = candidate({ entitlement: entitlement({ governance: { jitMaxMinutes: undefined } }), access: access({ maxMinutes: undefined }) });
    expect(explainElevation(input({ candidates: [none] })).chosen?.maxMinutes).toBe(DEFAULT_MAX_MINUTES);
  });

  it('does not let the window outlast the assignment', () => {
    const c = candidate({ assignment: assignment({ expiresAt: minutesAfter(10) }) });
    const d = decideElevation(input({ candidates: [c] }));
    expect(d).toMatchObject({ outcome: 'allow', windowEnd: minutesAfter(10) });
  });

  it('does not require an owner when the mapping does not', () => {
    const c = candidate({ entitlement: entitlement({ governance: { owner: undefined } }), access: access({ requireOwner: false }) });
    expect(decideElevation(input({ candidates: [c] })).outcome).toBe('allow');
  });
});

describe('decideElevation: every deny reason', () => {
  const cases: { name: string; input: ElevationGateInput; expected: DenyReason[] }[] = [
    { name: 'no candidate', input: input({ candidates: [] }), expected: ['no-matching-assignment'] },
    { name: 'unknown principal', input: input({ identity: { kind: 'none' } }), expected: ['identity-unknown'] },
    { name: 'ambiguous principal', input: input({ identity: { kind: 'ambiguous', identityIds: ['idn_A', 'idn_B'] as IdentityId[] } }), expected: ['identity-ambiguous'] },
    { name: 'deactivated identity', input: input({ identity: { kind: 'one', identity: identity({ active: false }) } }), expected: ['identity-inactive'] },
    { name: 'deleted identity', input: input({ identity: { kind: 'one', identity: identity({ deletedAt: daysBefore(1) }) } }), expected: ['identity-inactive'] },
    { name: 'assignment expired (not yet swept)', input: input({ candidates: [candidate({ assignment: assignment({ expiresAt: minutesAfter(-1) }) })] }), expected: ['assignment-expired'] },
    { name: 'assignment removed', input: input({ candidates: [candidate({ assignment: assignment({ status: 'removed' }) })] }), expected: ['no-matching-assignment'] },
    { name: 'entitlement deleted', input: input({ candidates: [candidate({ entitlement: entitlement({ deletedAt: daysBefore(1) }) })] }), expected: ['no-matching-assignment'] },
    { name: 'assignment of another identity', input: input({ candidates: [candidate({ assignment: assignment({ identityId: 'idn_EVE' as IdentityId }) })] }), expected: ['no-matching-assignment'] },
    { name: 'no owner', input: input({ candidates: [candidate({ entitlement: entitlement({ governance: { owner: undefined } }) })] }), expected: ['entitlement-without-owner'] },
    { name: 'review cadence missed', input: input({ candidates: [candidate({ entitlement: entitlement({ governance: { lastCertifiedAt: daysBefore(91) } }) })] }), expected: ['review-overdue'] },
    { name: 'never certified, cadence from creation', input: input({ candidates: [candidate({ entitlement: entitlement({ governance: { lastCertifiedAt: undefined } }) })] }), expected: ['review-overdue'] },
    { name: 'mapping review limit missed', input: input({ candidates: [candidate({ access: access({ requireReviewWithinDays: 5 }) })] }), expected: ['review-overdue'] },
    { name: 'too long', input: input({ request: { principal: 'bob', target: target(), requestedMinutes: 61 } }), expected: ['duration-exceeds-maximum'] },
    { name: 'non-positive duration', input: input({ request: { principal: 'bob', target: target(), requestedMinutes: 0 } }), expected: ['duration-exceeds-maximum'] },
    { name: 'unresolved mapping', input: input({ candidates: [], unresolvedMappings: [{ entitlementId: 'ent_X' as EntitlementId, detail: 'no rule' }] }), expected: ['no-matching-assignment', 'mapping-unresolved'] },
    { name: 'break-glass refused by policy', input: input({ request: { principal: 'bob', target: target(), requestedMinutes: 90, breakGlass: true } }), expected: ['duration-exceeds-maximum', 'break-glass-not-allowed'] },
    {
      name: 'everything at once',
      input: input({
        identity: { kind: 'one', identity: identity({ active: false }) },
        request: { principal: 'bob', target: target(), requestedMinutes: 500 },
        candidates: [candidate({ assignment: assignment({ expiresAt: daysBefore(1) }), entitlement: entitlement({ governance: { owner: undefined, lastCertifiedAt: daysBefore(200) } }) })],
      }),
      expected: ['identity-inactive', 'assignment-expired', 'entitlement-without-owner', 'review-overdue', 'duration-exceeds-maximum'],
    },
  ];
  it.each(cases)('$name → $expected', ({ input: i, expected }) => {
    expect(codes(i)).toEqual(expected);
  });

  it('gives a human detail with every reason', () => {
    const d = decideElevation(cases.at(-1)!.input);
    if (d.outcome !== 'deny') throw new Error('expected deny');
    for (const r of d.reasons) expect(r.detail.length).toBeGreaterThan(10);
    expect(d.reasons.find((r) => r.code === 'duration-exceeds-maximum')?.detail).toContain('500');
  });
});

describe('decideElevation: best candidate', () => {
  const other = (over: Parameters<typeof candidate>[0]) => candidate({ ...over });

  it('prefers a candidate that allows over one that does not, whatever the order', () => {
    const bad = other({ assignment: assignment({ id: 'asg_A' as AssignmentId }), entitlement: entitlement({ governance: { owner: undefined } }) });
    const good = other({ assignment: assignment({ id: 'asg_B' as AssignmentId }) });
    for (const cs of [[bad, good], [good, bad]]) expect(decideElevation(input({ candidates: cs }))).toMatchObject({ outcome: 'allow', assignmentId: 'asg_B' });
  });

  it('reports the reasons of the candidate with the fewest failures', () => {
    const two = other({ assignment: assignment({ id: 'asg_A' as AssignmentId }), entitlement: entitlement({ governance: { owner: undefined, lastCertifiedAt: daysBefore(200) } }) });
    const one = other({ assignment: assignment({ id: 'asg_B' as AssignmentId }), entitlement: entitlement({ governance: { owner: undefined } }) });
    expect(codes(input({ candidates: [two, one] }))).toEqual(['entitlement-without-owner']);
    expect(explainElevation(input({ candidates: [two, one] })).chosen?.assignmentId).toBe('asg_B');
  });

  it('among allowed candidates takes the larger maximum, then the later expiry, then the smaller id', () => {
    const small = other({ assignment: assignment({ id: 'asg_A' as AssignmentId }), access: access({ maxMinutes: 40 }) });
    const big = other({ assignment: assignment({ id: 'asg_B' as AssignmentId }), access: access({ maxMinutes: 90 }) });
    expect(decideElevation(input({ candidates: [small, big] }))).toMatchObject({ assignmentId: 'asg_B' });
    const soon = other({ assignment: assignment({ id: 'asg_A' as AssignmentId, expiresAt: minutesAfter(600) }) });
    const never = other({ assignment: assignment({ id: 'asg_B' as AssignmentId }) });
    expect(decideElevation(input({ candidates: [soon, never] }))).toMatchObject({ assignmentId: 'asg_B' });
    const a = other({ assignment: assignment({ id: 'asg_A' as AssignmentId }) });
    expect(decideElevation(input({ candidates: [never, a] }))).toMatchObject({ assignmentId: 'asg_A' });
  });
});

describe('decideElevation: break-glass', () => {
  const bg = (over: Parameters<typeof candidate>[0] = {}) => candidate({
    entitlement: entitlement({ governance: { breakGlass: true, owner: undefined, lastCertifiedAt: daysBefore(400) } }),
    access: access({ breakGlass: true }), ...over,
  });
  const ask = { principal: 'bob', target: target(), requestedMinutes: 240, breakGlass: true };

  it('allows despite overridable failures, flags it and records what it overrode', () => {
    const x = explainElevation(input({ request: ask, candidates: [bg()] }));
    expect(x.decision).toMatchObject({ outcome: 'allow', breakGlass: true, windowEnd: minutesAfter(240) });
    expect(x.overridden.map((r) => r.code)).toEqual(['entitlement-without-owner', 'review-overdue', 'duration-exceeds-maximum']);
  });

  it('flags a break-glass request even when every check passes', () => {
    const ok = candidate({ entitlement: entitlement({ governance: { breakGlass: true } }), access: access({ breakGlass: true }) });
    expect(decideElevation(input({ request: { ...ask, requestedMinutes: 30 }, candidates: [ok] }))).toMatchObject({ outcome: 'allow', breakGlass: true });
  });

  it('needs both the entitlement and the mapping to allow it', () => {
    const onlyEnt = bg({ access: access({ breakGlass: false }) });
    const onlyMap = bg({ entitlement: entitlement({ governance: { breakGlass: false, owner: undefined } }) });
    for (const c of [onlyEnt, onlyMap]) expect(codes(input({ request: ask, candidates: [c] }))).toContain('break-glass-not-allowed');
  });

  it.each([
    ['unknown identity', { identity: { kind: 'none' } }, 'identity-unknown'],
    ['ambiguous identity', { identity: { kind: 'ambiguous', identityIds: ['idn_A' as IdentityId] } }, 'identity-ambiguous'],
    ['inactive identity', { identity: { kind: 'one', identity: identity({ active: false }) } }, 'identity-inactive'],
    ['removed assignment', { candidates: [bg({ assignment: assignment({ status: 'removed' }) })] }, 'no-matching-assignment'],
    ['no candidate', { candidates: [] }, 'no-matching-assignment'],
  ] as const)('cannot override %s', (_name, over, code) => {
    const c = codes(input({ request: ask, candidates: [bg()], ...(over as Partial<ElevationGateInput>) }));
    expect(c).toContain(code);
    expect(c).toContain('break-glass-not-allowed');
  });

  it('a request that passes normally is allowed unflagged when policy does not allow break-glass', () => {
    expect(decideElevation(input({ request: { ...ask, requestedMinutes: 30 } }))).toMatchObject({ outcome: 'allow', breakGlass: false });
  });

  it('prefers the candidate that allows break-glass over one that does not', () => {
    const plain = candidate({ assignment: assignment({ id: 'asg_A' as AssignmentId }), entitlement: entitlement({ governance: { owner: undefined } }) });
    const glass = bg({ assignment: assignment({ id: 'asg_Z' as AssignmentId }) });
    expect(decideElevation(input({ request: ask, candidates: [plain, glass] }))).toMatchObject({ outcome: 'allow', assignmentId: 'asg_Z', breakGlass: true });
  });

  it('is not used when not requested: the same candidate is denied', () => {
    expect(codes(input({ candidates: [bg()] }))).toEqual(['entitlement-without-owner', 'review-overdue']);
  });
});
