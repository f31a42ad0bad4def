import { describe, expect, it } from 'vitest';
import type { DesiredFinding } from '../../../gateway/domain/desired-finding.ts';
import { exceptFinding, exceptionProblems, reconcileFindings } from '../../../gateway/domain/finding-reconcile.ts';
import type { FindingId } from '../../../gateway/domain/ids.ts';
import { daysBefore, finding, minutesAfter, NOW } from './domain-fixtures.ts';

const want = (over: Partial<DesiredFinding> = {}): DesiredFinding => ({
  kind: 'review-overdue', key: 'ent_DBA', severity: 'high', subject: { entitlementId: 'ent_DBA' }, summary: 'Review 12 days overdue',
  evidence: { daysLate: 12 }, tags: ['NIST-CSF-2.0:PR.AA-05'], ...over,
});
const ids = (): (() => FindingId) => {
  let n = 0;
  return () => `fnd_NEW${++n}` as FindingId;
};

describe('reconcileFindings', () => {
  it('opens a new finding for a new cause', () => {
    const { upserts, resolutions } = reconcileFindings([], [want()], NOW, ids());
    expect(upserts).toEqual([{ id: 'fnd_NEW1', ...want(), status: 'open', firstSeenAt: NOW, lastSeenAt: NOW }]);
    expect(resolutions).toEqual([]);
  });

  it('refreshes an open finding in place: same id and first seen, new last seen and content', () => {
    const prior = finding({ severity: 'medium', summary: 'old' });
    const { upserts } = reconcileFindings([prior], [want()], NOW, ids());
    expect(upserts).toEqual([{ ...prior, severity: 'high', summary: 'Review 12 days overdue', evidence: { daysLate: 12 }, tags: want().tags, lastSeenAt: NOW }]);
  });

  it('resolves findings whose cause is gone, including excepted ones, and leaves resolved ones alone', () => {
    const open = finding({ id: 'fnd_A' as FindingId, key: 'a' });
    const excepted = finding({ id: 'fnd_B' as FindingId, key: 'b', status: 'excepted', exceptionUntil: minutesAfter(60) });
    const done = finding({ id: 'fnd_C' as FindingId, key: 'c', status: 'resolved', resolvedAt: daysBefore(2) });
    const { upserts, resolutions } = reconcileFindings([open, excepted, done], [], NOW, ids());
    expect(upserts).toEqual([]);
    expect(resolutions.map((f) => [f.id, f.status, f.resolvedAt, f.exceptionUntil])).toEqual([
      ['fnd_A', 'resolved', NOW, undefined], ['fnd_B', 'resolved', NOW, undefined],
    ]);
  });

  it('reopens a resolved finding whose cause returned', () => {
    const done = finding({ status: 'resolved', resolvedAt: daysBefore(2) });
    const [f] = reconcileFindings([done], [want()], NOW, ids()).upserts;
    expect(f).toMatchObject({ id: 'fnd_1', status: 'open', firstSeenAt: NOW, resolvedAt: undefined });
  });

  it('keeps an excepted finding excepted until its exception expires, then opens it again', () => {
    const excepted = finding({ status: 'excepted', exceptionUntil: minutesAfter(60) });
    const [during] = reconcileFindings([excepted], [want()], NOW, ids()).upserts;
    expect(during).toMatchObject({ status: 'excepted', exceptionUntil: minutesAfter(60), lastSeenAt: NOW });
    const later = minutesAfter(61);
    const [after] = reconcileFindings([excepted], [want()], later, ids()).upserts;
    expect(after).toMatchObject({ status: 'open', exceptionUntil: undefined, lastSeenAt: later });
    expect(after!.evidence).toMatchObject({ expiredException: minutesAfter(60) });
    const atExpiry = reconcileFindings([excepted], [want()], minutesAfter(60), ids()).upserts[0];
    expect(atExpiry!.status).toBe('open');
  });

  it('resolves only within the scope of an incremental pass', () => {
    const other = finding({ id: 'fnd_X' as FindingId, kind: 'nhi-without-owner', key: 'idn_SVC', subject: { identityId: 'idn_SVC' } });
    const mine = finding({ id: 'fnd_Y' as FindingId, key: 'ent_OTHER', subject: { entitlementId: 'ent_OTHER' } });
    expect(reconcileFindings([other, mine], [], NOW, ids(), { kinds: ['review-overdue'] }).resolutions.map((f) => f.id)).toEqual(['fnd_Y']);
    expect(reconcileFindings([other, mine], [], NOW, ids(), { includes: (f) => f.subject['entitlementId'] === 'ent_DBA' }).resolutions).toEqual([]);
  });

  it('counts a cause wanted twice once', () => {
    expect(reconcileFindings([], [want(), want()], NOW, ids()).upserts).toHaveLength(1);
  });
});

describe('exceptions', () => {
  it('accepts an exception with owner, reason and future expiry', () => {
    const r = exceptFinding(finding(), { owner: 'alice', reason: 'migration window', until: minutesAfter(60) }, NOW);
    expect(r).toEqual({ ok: true, value: { ...finding(), status: 'excepted', exceptionUntil: minutesAfter(60), lastSeenAt: NOW } });
  });

  it.each([
    [{ owner: '', reason: 'r', until: minutesAfter(1) }, 'owner'],
    [{ owner: 'a', reason: '  ', until: minutesAfter(1) }, 'reason'],
    [{ owner: 'a', reason: 'r' }, 'expiry'],
    [{ owner: 'a', reason: 'r', until: NOW }, 'not in the future'],
    [{ owner: 'a', reason: 'r', until: minutesAfter(-1) }, 'not in the future'],
    [{ owner: 'a', reason: 'r', until: 'next tuesday' }, 'not a date'],
  ])('refuses %o (%s)', (exception, problem) => {
    expect(exceptionProblems(exception, NOW).join(' ')).toContain(problem);
  });

  it('reports every problem at once and refuses to except a resolved finding', () => {
    expect(exceptionProblems({}, NOW)).toHaveLength(3);
    const r = exceptFinding(finding({ status: 'resolved' }), { owner: 'a', reason: 'r', until: minutesAfter(5) }, NOW);
    expect(r).toEqual({ ok: false, error: ['a resolved finding cannot be excepted'] });
  });
});
