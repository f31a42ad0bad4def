import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../../gateway/store/store.ts';
import { apiToken, at, conflict, elevation, evidence, finding, grant, id, revocation } from './fixtures.ts';
import type { Harness } from './harness.ts';

export function accessContract(h: Harness): void {
  describe('grants', () => {
    it('upserts by (target, principal), keeping the first id, and finds them every way', async () => {
      const asg = id('assignment');
      const g = grant({ assignmentId: asg, externalId: 'm-1' });
      await h.store.grants.upsert(g);
      expect(await h.store.grants.get(g.id)).toEqual(g);
      expect(await h.store.grants.find(g.target, 'bob')).toEqual(g);
      expect(await h.store.grants.find({ ...g.target, kind: 'role' }, 'bob')).toBeUndefined();
      const replaced = grant({ status: 'removed', permissions: ['listAccounts'], updatedAt: at(9) });
      await h.store.grants.upsert(replaced);
      expect(await h.store.grants.find(g.target, 'bob')).toEqual({ ...replaced, id: g.id });
      expect(await h.store.grants.get(replaced.id)).toBeUndefined();
      const other = grant({ principal: 'carol', assignmentId: asg });
      const elsewhere = grant({ target: { connectorId: 'vault', kind: 'policy', ref: 'db-admin' }, principal: 'bob', source: 'observed' });
      await h.store.grants.upsert(other);
      await h.store.grants.upsert(elsewhere);
      expect((await h.store.grants.listByTarget(g.target)).map((x) => x.principal)).toEqual(['bob', 'carol']);
      expect((await h.store.grants.listByTarget(g.target, { activeOnly: true })).map((x) => x.principal)).toEqual(['carol']);
      expect((await h.store.grants.listByPrincipal('cyberark', 'bob')).map((x) => x.id)).toEqual([g.id]);
      expect(await h.store.grants.listByPrincipal('cyberark', 'bob', { activeOnly: true })).toEqual([]);
      expect((await h.store.grants.listByPrincipal('vault', 'bob')).map((x) => x.id)).toEqual([elsewhere.id]);
      expect((await h.store.grants.listByAssignment(asg)).map((x) => x.principal)).toEqual(['carol']);
      await h.store.grants.upsert({ ...replaced, assignmentId: asg });
      expect((await h.store.grants.listByAssignment(asg)).map((x) => x.principal).sort()).toEqual(['bob', 'carol']);
    });

    it('lists pages and scans the active grants of one connector in batches', async () => {
      for (let i = 0; i < 12; i++) {
        await h.store.grants.upsert(grant({ principal: `p${String(i).padStart(2, '0')}`, status: i % 4 === 3 ? 'removed' : 'active' }));
      }
      await h.store.grants.upsert(grant({ target: { connectorId: 'vault', kind: 'policy', ref: 'x' } }));
      const page = await h.store.grants.list({ connectorId: 'cyberark', activeOnly: true }, { startIndex: 3, count: 4 });
      expect(page.totalResults).toBe(9);
      expect(page.items.length).toBe(4);
      expect((await h.store.grants.list({}, { startIndex: 1, count: 100 })).totalResults).toBe(13);
      const batches: number[] = [];
      for await (const b of h.store.grants.scanActive('cyberark', 4)) {
        batches.push(b.length);
        expect(b.every((g) => g.status === 'active' && g.target.connectorId === 'cyberark')).toBe(true);
      }
      expect(batches).toEqual([4, 4, 1]);
    });
  });

  describe('elevations', () => {
    it('inserts, updates and lists by identity, external id and window end', async () => {
      const who = id('identity');
      const e1 = elevation({ identityId: who, status: 'active', windowStart: at(10), windowEnd: at(40), requestedAt: at(10) });
      const e2 = elevation({ identityId: who, status: 'active', windowStart: at(11), windowEnd: at(20), requestedAt: at(11) });
      const e3 = elevation({ status: 'denied', requestedAt: at(12) });
      for (const e of [e1, e2, e3]) await h.store.elevations.insert(e);
      expect(await h.store.elevations.get(e1.id)).toEqual(e1);
      expect((await h.store.elevations.getByExternalId('cyberark', e2.externalRequestId ?? ''))?.id).toBe(e2.id);
      expect(await h.store.elevations.getByExternalId('vault', e2.externalRequestId ?? '')).toBeUndefined();
      expect((await h.store.elevations.listByIdentity(who)).map((e) => e.id)).toEqual([e1.id, e2.id]);
      expect((await h.store.elevations.listEnding(at(40), 10)).map((e) => e.id)).toEqual([e2.id, e1.id]);
      expect((await h.store.elevations.listEnding(at(30), 10)).map((e) => e.id)).toEqual([e2.id]);
      expect((await h.store.elevations.listEnding(at(40), 1)).map((e) => e.id)).toEqual([e2.id]);
      await h.store.elevations.update({ ...e2, status: 'ended', endedAt: at(15), updatedAt: at(15) });
      expect((await h.store.elevations.get(e2.id))?.status).toBe('ended');
      expect((await h.store.elevations.listEnding(at(40), 10)).map((e) => e.id)).toEqual([e1.id]);
    });

    it('lists the elevations that ended (or expired) with a window ending at or after a time, in window order, paged', async () => {
      const ended = elevation({ status: 'ended', windowStart: at(10), windowEnd: at(30), endedAt: at(20) });
      const expired = elevation({ status: 'expired', windowStart: at(10), windowEnd: at(25), endedAt: at(26) });
      const sameEnd = elevation({ status: 'expired', windowStart: at(10), windowEnd: at(25), endedAt: at(27) });
      const older = elevation({ status: 'ended', windowStart: at(1), windowEnd: at(5), endedAt: at(6) });
      const active = elevation({ status: 'active', windowStart: at(10), windowEnd: at(35) });
      const denied = elevation({ status: 'denied' });
      for (const e of [ended, expired, sameEnd, older, active, denied]) await h.store.elevations.insert(e);
      const byWindow = [expired, sameEnd].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect((await h.store.elevations.listEndedSince(at(25), 10)).map((e) => e.id)).toEqual([...byWindow.map((e) => e.id), ended.id]);
      expect((await h.store.elevations.listEndedSince(at(26), 10)).map((e) => e.id)).toEqual([ended.id]);
      expect((await h.store.elevations.listEndedSince(at(0), 10)).map((e) => e.id)).toEqual([older.id, ...byWindow.map((e) => e.id), ended.id]);
      const first = await h.store.elevations.listEndedSince(at(25), 1);
      expect(first.map((e) => e.id)).toEqual([byWindow[0]!.id]);
      const second = await h.store.elevations.listEndedSince(at(25), 1, { windowEnd: first[0]!.windowEnd!, id: first[0]!.id });
      expect(second.map((e) => e.id)).toEqual([byWindow[1]!.id]);
      const third = await h.store.elevations.listEndedSince(at(25), 5, { windowEnd: second[0]!.windowEnd!, id: second[0]!.id });
      expect(third.map((e) => e.id)).toEqual([ended.id]);
      await h.store.elevations.update({ ...active, status: 'ended', endedAt: at(36), updatedAt: at(36) });
      expect((await h.store.elevations.listEndedSince(at(31), 10)).map((e) => e.id)).toEqual([active.id]);
    });
  });

  describe('session evidence', () => {
    it('upserts by (connector, external id) and lists by assignment and entitlement', async () => {
      const asg = id('assignment');
      const ent = id('entitlement');
      const s1 = evidence({ assignmentId: asg, entitlementId: ent, startedAt: at(21) });
      const s2 = evidence({ assignmentId: asg, entitlementId: ent, startedAt: at(20), kind: 'approval', interactive: false });
      const s3 = evidence({ externalId: s1.externalId, connectorId: 'beyondtrust' });
      for (const s of [s1, s2, s3]) await h.store.evidence.upsert(s);
      expect(await h.store.evidence.get(s1.id)).toEqual(s1);
      expect((await h.store.evidence.getByExternalId('beyondtrust', s1.externalId))?.id).toBe(s3.id);
      expect((await h.store.evidence.listByAssignment(asg)).map((s) => s.id)).toEqual([s2.id, s1.id]);
      expect((await h.store.evidence.listByEntitlement(ent)).map((s) => s.id)).toEqual([s2.id, s1.id]);
      const ended = evidence({ externalId: s1.externalId, assignmentId: asg, entitlementId: ent, startedAt: at(21), endedAt: at(25) });
      await h.store.evidence.upsert(ended);
      expect(await h.store.evidence.getByExternalId('cyberark', s1.externalId)).toEqual({ ...ended, id: s1.id });
      expect((await h.store.evidence.listByAssignment(asg)).length).toBe(2);
    });
  });

  describe('revocations', () => {
    it('inserts, updates, lists by assignment and pages by status', async () => {
      const asg = id('assignment');
      const r1 = revocation({ assignmentId: asg, createdAt: at(1) });
      const r2 = revocation({ assignmentId: asg, createdAt: at(2), status: 'failed' });
      const r3 = revocation({ createdAt: at(3) });
      for (const r of [r1, r2, r3]) await h.store.revocations.insert(r);
      expect(await h.store.revocations.get(r1.id)).toEqual(r1);
      expect((await h.store.revocations.listByAssignment(asg)).map((r) => r.id)).toEqual([r1.id, r2.id]);
      const verified = { ...r1, status: 'verified' as const, verifiedAt: at(5), steps: [{ name: 'revoke', connectorId: 'cyberark', status: 'verified' as const, at: at(5) }] };
      await h.store.revocations.update(verified);
      expect(await h.store.revocations.get(r1.id)).toEqual(verified);
      expect((await h.store.revocations.list({ status: 'pending' }, { startIndex: 1, count: 10 })).items.map((r) => r.id)).toEqual([r3.id]);
      const all = await h.store.revocations.list({}, { startIndex: 2, count: 1 });
      expect(all.totalResults).toBe(3);
      expect(all.items.map((r) => r.id)).toEqual([r2.id]);
      await expect(h.store.revocations.insert(r3)).rejects.toBeInstanceOf(UniqueViolation);
    });
  });

  describe('findings', () => {
    it('upserts by (kind, key), keeping the first id', async () => {
      const f = finding({ key: 'cyberark/safe/Prod-DB/bob' });
      await h.store.findings.upsert(f);
      expect(await h.store.findings.get(f.id)).toEqual(f);
      const seenAgain = finding({ key: f.key, lastSeenAt: at(99), severity: 'critical' });
      await h.store.findings.upsert(seenAgain);
      expect(await h.store.findings.getByKey(f.kind, f.key)).toEqual({ ...seenAgain, id: f.id });
      expect(await h.store.findings.getByKey('review-overdue', f.key)).toBeUndefined();
      expect((await h.store.findings.list({}, { by: 'kind', order: 'asc' }, { startIndex: 1, count: 10 })).totalResults).toBe(1);
    });

    it('filters by kind, status, severity and subject, sorts by severity rank and time, and pages', async () => {
      const fs = [
        finding({ severity: 'low', firstSeenAt: at(1), lastSeenAt: at(9), subject: { principal: 'bob' } }),
        finding({ severity: 'critical', firstSeenAt: at(2), lastSeenAt: at(8), subject: { principal: 'carol', 'x.y': 'z' } }),
        finding({ severity: 'medium', firstSeenAt: at(3), lastSeenAt: at(7), status: 'resolved', resolvedAt: at(7), subject: { principal: 'bob' } }),
        finding({ kind: 'review-overdue', severity: 'high', firstSeenAt: at(4), lastSeenAt: at(6), subject: { entitlement: 'ent_1' } }),
      ];
      for (const f of fs) await h.store.findings.upsert(f);
      const ids = async (filter: Parameters<typeof h.store.findings.list>[0], by: 'firstSeenAt' | 'lastSeenAt' | 'severity' | 'kind' = 'firstSeenAt', order: 'asc' | 'desc' = 'asc') =>
        (await h.store.findings.list(filter, { by, order }, { startIndex: 1, count: 10 })).items.map((f) => fs.findIndex((x) => x.id === f.id));
      expect(await ids({})).toEqual([0, 1, 2, 3]);
      expect(await ids({}, 'severity', 'desc')).toEqual([1, 3, 2, 0]);
      expect(await ids({}, 'severity', 'asc')).toEqual([0, 2, 3, 1]);
      expect(await ids({}, 'lastSeenAt', 'desc')).toEqual([0, 1, 2, 3]);
      expect(await ids({ kind: 'review-overdue' })).toEqual([3]);
      expect(await ids({ status: 'open' })).toEqual([0, 1, 3]);
      expect(await ids({ severity: 'critical' })).toEqual([1]);
      expect(await ids({ subject: { principal: 'bob' } })).toEqual([0, 2]);
      expect(await ids({ subject: { principal: 'bob' }, status: 'open' })).toEqual([0]);
      expect(await ids({ subject: { 'x.y': 'z' } })).toEqual([1]);
      expect(await ids({ subject: { principal: "bob' OR '1'='1" } })).toEqual([]);
      const page = await h.store.findings.list({}, { by: 'firstSeenAt', order: 'asc' }, { startIndex: 2, count: 2 });
      expect(page.totalResults).toBe(4);
      expect(page.items.map((f) => f.id)).toEqual([fs[1]?.id, fs[2]?.id]);
    });
  });

  describe('conflicts', () => {
    it('upserts by (kind, key), keeping the first id, and lists by status and kind', async () => {
      const c1 = conflict({ createdAt: at(1) });
      const c2 = conflict({ kind: 'mappings-disagree', createdAt: at(2) });
      await h.store.conflicts.upsert(c1);
      await h.store.conflicts.upsert(c2);
      expect(await h.store.conflicts.get(c1.id)).toEqual(c1);
      const resolved = conflict({
        key: c1.key, status: 'resolved', createdAt: at(1), updatedAt: at(5),
        resolution: { action: 'exception', by: 'admin', reason: 'vendor audit', at: at(5), owner: 'alice', until: at(500) },
      });
      await h.store.conflicts.upsert(resolved);
      expect(await h.store.conflicts.getByKey(c1.kind, c1.key)).toEqual({ ...resolved, id: c1.id });
      const list = (f: Parameters<typeof h.store.conflicts.list>[0]) => h.store.conflicts.list(f, { startIndex: 1, count: 10 });
      expect((await list({ status: 'open' })).items.map((c) => c.id)).toEqual([c2.id]);
      expect((await list({ kind: 'both-sides-changed' })).items.map((c) => c.id)).toEqual([c1.id]);
      expect((await list({})).totalResults).toBe(2);
    });
  });

  describe('api tokens', () => {
    it('stores tokens by hash, filters the list, and revokes once', async () => {
      const scim = apiToken({ expiresAt: at(1000) });
      const admin = apiToken({ scope: 'admin', connectorId: undefined, label: 'console' });
      const okta = apiToken({ connectorId: 'okta' });
      for (const t of [scim, admin, okta]) await h.store.tokens.insert(t);
      expect(await h.store.tokens.getByHash(scim.hash)).toEqual(scim);
      expect(await h.store.tokens.getByHash('nope')).toBeUndefined();
      expect((await h.store.tokens.list()).length).toBe(3);
      expect((await h.store.tokens.list({ scope: 'admin' })).map((t) => t.id)).toEqual([admin.id]);
      expect((await h.store.tokens.list({ connectorId: 'okta' })).map((t) => t.id)).toEqual([okta.id]);
      expect((await h.store.tokens.list({ connectorId: 'iga', scope: 'scim' })).map((t) => t.id)).toEqual([scim.id]);
      expect(await h.store.tokens.revoke(scim.id, at(5))).toBe(true);
      expect((await h.store.tokens.getByHash(scim.hash))?.revokedAt).toBe(at(5));
      expect(await h.store.tokens.revoke(scim.id, at(6))).toBe(false);
      expect(await h.store.tokens.revoke(id('token'), at(6))).toBe(false);
      await expect(h.store.tokens.insert(apiToken({ hash: admin.hash }))).rejects.toMatchObject({ constraint: 'token.hash' });
    });

    it('records when a token was last used, never moving it back', async () => {
      const t = apiToken({});
      await h.store.tokens.insert(t);
      expect((await h.store.tokens.getByHash(t.hash))?.lastUsedAt).toBeUndefined();
      expect(await h.store.tokens.touch(t.id, at(10))).toBe(true);
      expect((await h.store.tokens.getByHash(t.hash))?.lastUsedAt).toBe(at(10));
      expect(await h.store.tokens.touch(t.id, at(5))).toBe(true);
      expect((await h.store.tokens.list()).find((x) => x.id === t.id)?.lastUsedAt).toBe(at(10));
      expect(await h.store.tokens.touch(t.id, at(20))).toBe(true);
      expect((await h.store.tokens.getByHash(t.hash))?.lastUsedAt).toBe(at(20));
      expect(await h.store.tokens.touch(id('token'), at(30))).toBe(false);
    });
  });
}
