import { describe, expect, it } from 'vitest';
import type { Conflict, ResolutionAction } from '../../../gateway/domain/conflict.ts';
import {
  applyResolution, detectBothSidesChanged, detectMappingsDisagree, detectRevokedWithException, detectUnapprovedGrant, type ResolutionIntent,
} from '../../../gateway/domain/conflict-rules.ts';
import type { ConflictId } from '../../../gateway/domain/ids.ts';
import { assignment, conflict, daysBefore, grant, minutesAfter, NOW, target } from './domain-fixtures.ts';

const conflictFrom = (d: NonNullable<ReturnType<typeof detectBothSidesChanged>>): Conflict => ({
  id: 'cfl_1' as ConflictId, ...d, status: 'open', createdAt: NOW, updatedAt: NOW,
});
const exception = { owner: 'alice', reason: 'quarter-end close', until: minutesAfter(7 * 24 * 60) };

describe('detectors', () => {
  const sync = daysBefore(1);
  it.each([
    ['both changed and disagree', { present: true, permissions: ['use'], changedAt: NOW }, { present: false, permissions: [], changedAt: NOW }, true],
    ['both changed to different permissions', { present: true, permissions: ['use'], changedAt: NOW }, { present: true, permissions: ['use', 'admin'], changedAt: NOW }, true],
    ['both changed but agree', { present: true, permissions: ['use', 'list'], changedAt: NOW }, { present: true, permissions: ['list', 'use'], changedAt: NOW }, false],
    ['only IGA changed', { present: true, permissions: ['use'], changedAt: NOW }, { present: false, permissions: [], changedAt: daysBefore(3) }, false],
    ['only PAM changed', { present: true, permissions: ['use'] }, { present: false, permissions: [], changedAt: NOW }, false],
  ] as const)('both-sides-changed: %s', (_n, iga, pam, raised) => {
    const d = detectBothSidesChanged({ target: target(), principal: 'bob', lastSyncAt: sync, iga, pam });
    expect(d !== undefined).toBe(raised);
    if (d) expect(d).toMatchObject({ kind: 'both-sides-changed', key: 'cyberark/safe/PROD-DB|bob', subject: { principal: 'bob' } });
  });

  it('revoked-with-exception: only while the grant lives, the assignment ended and the exception runs', () => {
    const base = { grant: grant(), assignment: assignment({ status: 'removed' }), exception, now: NOW };
    expect(detectRevokedWithException(base)).toMatchObject({ kind: 'revoked-with-exception', details: { exception } });
    expect(detectRevokedWithException({ ...base, assignment: assignment() })).toBeUndefined();
    expect(detectRevokedWithException({ ...base, grant: grant({ status: 'removed' }) })).toBeUndefined();
    expect(detectRevokedWithException({ ...base, exception: undefined })).toBeUndefined();
    expect(detectRevokedWithException({ ...base, exception: { ...exception, until: minutesAfter(-1) } })).toBeUndefined();
  });

  it('mappings-disagree: when two mappings give one target different permissions or modes', () => {
    const a = { mappingId: 'dba', permissions: ['use', 'list'], mode: 'standing' as const };
    expect(detectMappingsDisagree(target(), [a, { ...a, mappingId: 'ops', permissions: ['list', 'use'] }])).toBeUndefined();
    expect(detectMappingsDisagree(target(), [a, { ...a, mappingId: 'ops', mode: 'jit' }])).toMatchObject({ kind: 'mappings-disagree', key: 'cyberark/safe/PROD-DB' });
    expect(detectMappingsDisagree(target(), [a, { ...a, mappingId: 'ops', permissions: ['use'] }])?.summary).toContain('dba, ops');
  });

  it('pam-grant-unapproved: only under a propose drift policy', () => {
    expect(detectUnapprovedGrant(grant(), [], 'propose')).toMatchObject({ kind: 'pam-grant-unapproved' });
    expect(detectUnapprovedGrant(grant(), [], 'alert')).toBeUndefined();
    expect(detectUnapprovedGrant(grant(), ['asg_1'], 'propose')).toBeUndefined();
  });
});

describe('applyResolution', () => {
  const changed = conflictFrom(detectBothSidesChanged({
    target: target(), principal: 'bob', lastSyncAt: daysBefore(1),
    iga: { present: true, permissions: ['use'], mode: 'standing', changedAt: NOW }, pam: { present: false, permissions: [], changedAt: NOW },
  })!);
  const kinds = (intents: readonly ResolutionIntent[]) => intents.map((i) => (i.kind === 'propose-to-iga' ? `propose-${i.change}` : i.kind));
  const resolve = (c: Conflict, action: ResolutionAction, ex?: typeof exception) => {
    const r = applyResolution(c, action, 'admin:carol', 'checked with the owner', NOW, ex);
    if (!r.ok) throw new Error(r.error.join('; '));
    return r.value;
  };

  it.each([
    ['iga-wins', ['grant', 'ledger']],
    ['pam-wins', ['propose-remove', 'ledger']],
    ['revoke', ['revoke', 'propose-remove', 'ledger']],
    ['exception', ['exception', 'ledger']],
  ] as const)('both-sides-changed resolved by %s', (action, expected) => {
    const { conflict: c, intents } = resolve(changed, action, action === 'exception' ? exception : undefined);
    expect(kinds(intents)).toEqual(expected);
    expect(c).toMatchObject({ status: 'resolved', updatedAt: NOW, resolution: { action, by: 'admin:carol', reason: 'checked with the owner', at: NOW } });
    const ledger = intents.at(-1)!;
    expect(ledger).toMatchObject({ kind: 'ledger', entry: { actor: 'admin:carol', action: 'conflict.resolved', subject: 'cfl_1', data: { action, reason: 'checked with the owner' } } });
  });

  it('iga-wins grants what IGA approved; an exception carries its owner and expiry', () => {
    expect(resolve(changed, 'iga-wins').intents[0]).toEqual({ kind: 'grant', target: target(), principal: 'bob', permissions: ['use'], mode: 'standing' });
    const r = resolve(changed, 'exception', exception);
    expect(r.conflict.resolution).toMatchObject({ owner: 'alice', until: exception.until });
    expect(r.intents[0]).toEqual({ kind: 'exception', conflictKind: 'both-sides-changed', key: changed.key, ...exception });
  });

  it.each([
    ['iga-wins', ['revoke', 'ledger']],
    ['pam-wins', ['propose-add', 'ledger']],
    ['revoke', ['revoke', 'ledger']],
  ] as const)('revoked-with-exception resolved by %s', (action, expected) => {
    const d = detectRevokedWithException({ grant: grant(), assignment: assignment({ status: 'removed' }), exception, now: NOW })!;
    expect(kinds(resolve(conflictFrom(d), action).intents)).toEqual(expected);
  });

  it('pam-grant-unapproved: iga-wins revokes, pam-wins proposes the grant to IGA', () => {
    const c = conflictFrom(detectUnapprovedGrant(grant(), [], 'propose')!);
    expect(kinds(resolve(c, 'iga-wins').intents)).toEqual(['revoke', 'ledger']);
    expect(resolve(c, 'pam-wins').intents[0]).toMatchObject({ kind: 'propose-to-iga', change: 'add', permissions: ['listAccounts', 'useAccounts'] });
  });

  it('mappings-disagree: iga-wins applies least privilege, revoke needs principals', () => {
    const d = detectMappingsDisagree(target(), [
      { mappingId: 'dba', permissions: ['use', 'list', 'retrieve'], mode: 'standing' }, { mappingId: 'ops', permissions: ['list', 'use'], mode: 'jit' },
    ], ['bob', 'carol'])!;
    const c = conflictFrom(d);
    expect(resolve(c, 'iga-wins').intents[0]).toEqual({ kind: 'target-policy', target: target(), permissions: ['list', 'use'], mode: 'jit' });
    expect(kinds(resolve(c, 'pam-wins').intents)).toEqual(['ledger']);
    expect(kinds(resolve(c, 'revoke').intents)).toEqual(['revoke', 'revoke', 'ledger']);
    const none = conflictFrom({ ...d, details: { ...d.details, principals: [] } });
    expect(applyResolution(none, 'revoke', 'a', 'r', NOW)).toMatchObject({ ok: false });
  });

  it('validates and reports every problem', () => {
    const r = applyResolution({ ...changed, status: 'resolved' }, 'exception', ' ', '', NOW, { owner: '', reason: 'x', until: minutesAfter(-5) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.join('\n')).toMatch(/already resolved/);
    expect(r.error.join('\n')).toMatch(/who decided/);
    expect(r.error.join('\n')).toMatch(/needs a reason/);
    expect(r.error.join('\n')).toMatch(/needs an owner/);
    expect(r.error.join('\n')).toMatch(/not in the future/);
  });

  it('refuses an exception without an expiry, unknown actions, and conflicts without facts', () => {
    expect(applyResolution(changed, 'exception', 'a', 'r', NOW, { owner: 'o', reason: 'r' })).toMatchObject({ ok: false });
    expect(applyResolution(changed, 'ignore' as ResolutionAction, 'a', 'r', NOW)).toMatchObject({ ok: false });
    expect(applyResolution(conflict({ details: {} }), 'revoke', 'a', 'r', NOW)).toMatchObject({ ok: false });
  });
});
