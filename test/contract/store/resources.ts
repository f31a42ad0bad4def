import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../../gateway/store/store.ts';
import { assignment, at, entitlement, identity } from './fixtures.ts';
import type { Harness } from './harness.ts';

const ALL = { startIndex: 1, count: 100 } as const;

export function resourceContract(h: Harness): void {
  describe('identities', () => {
    it('stores and reads back an identity with its SCIM document intact', async () => {
      const resource = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        userName: 'Bob', name: { givenName: 'Bob', familyName: 'Ng' }, emails: [{ type: 'work', value: 'bob@x.io', primary: true }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '42', 'cost.center': 'A:1' },
      };
      const bob = identity({ userName: 'Bob', externalId: 'ext-bob', owner: 'alice', kind: 'service-account', resource });
      await h.store.identities.insert(bob);
      expect(await h.store.identities.get(bob.id)).toEqual(bob);
      expect(await h.store.identities.get('idn_00000000000000000000000000')).toBeUndefined();
    });

    it('finds live identities by userName case-insensitively, per connector, and by externalId', async () => {
      const bob = identity({ userName: 'Bob.Smith@Example.com', externalId: 'e-1' });
      await h.store.identities.insert(bob);
      expect((await h.store.identities.getByUserName('iga', 'bob.smith@example.COM'))?.id).toBe(bob.id);
      expect(await h.store.identities.getByUserName('other', 'bob.smith@example.com')).toBeUndefined();
      expect((await h.store.identities.getByExternalId('iga', 'e-1'))?.id).toBe(bob.id);
      expect(await h.store.identities.getByExternalId('iga', 'E-1')).toBeUndefined();
      expect(await h.store.identities.getByExternalId('other', 'e-1')).toBeUndefined();
    });

    it('lists live identities with one userName across connectors, and scans every live identity in batches', async () => {
      const a = identity({ userName: 'Shared' });
      const b = identity({ userName: 'shared', connectorId: 'okta' });
      const gone = identity({ userName: 'SHARED', connectorId: 'entra', deletedAt: at(1) });
      const other = identity({ userName: 'other' });
      for (const i of [a, b, gone, other]) await h.store.identities.insert(i);
      expect((await h.store.identities.listByUserName('sHaReD')).map((i) => i.id)).toEqual([a.id, b.id]);
      expect(await h.store.identities.listByUserName('nobody')).toEqual([]);
      const more = Array.from({ length: 5 }, (_, n) => identity({ resource: { userName: `u${n}`, emails: [{ value: `u${n}@example.com`, primary: true }], name: { givenName: `G${n}` } } }));
      for (const i of more) await h.store.identities.insert(i);
      const batches: string[][] = [];
      const scanned = new Map<string, unknown>();
      for await (const batch of h.store.identities.scan(3)) {
        batches.push(batch.map((i) => i.id));
        for (const i of batch) scanned.set(i.id, i);
      }
      expect(batches.map((x) => x.length)).toEqual([3, 3, 2]);
      expect(batches.flat()).not.toContain(gone.id);
      expect(batches.flat()).toEqual([...batches.flat()].sort());
      for (const i of [a, b, other, ...more]) {
        const got = scanned.get(i.id) as typeof i;
        expect(got).toEqual(i);
      }
      const heads: unknown[] = [];
      for await (const batch of h.store.identities.scanHeads(3)) heads.push(...batch);
      expect(heads).toEqual([a, b, other, ...more].sort((x, y) => (x.id < y.id ? -1 : 1)).map(({ resource: _, ...head }) => head));
    });

    it('refuses a second live identity with the same userName in a connector (any case), but not in another', async () => {
      await h.store.identities.insert(identity({ userName: 'carol' }));
      const dup = h.store.identities.insert(identity({ userName: 'CAROL' }));
      await expect(dup).rejects.toBeInstanceOf(UniqueViolation);
      await expect(h.store.identities.insert(identity({ userName: 'Carol' }))).rejects.toMatchObject({ constraint: 'identity.userName' });
      await h.store.identities.insert(identity({ userName: 'carol', connectorId: 'okta' }));
      expect((await h.store.identities.getByUserName('okta', 'carol'))?.connectorId).toBe('okta');
    });

    it('refuses a duplicate id', async () => {
      const a = identity();
      await h.store.identities.insert(a);
      await expect(h.store.identities.insert({ ...a, userName: 'someone-else' })).rejects.toBeInstanceOf(UniqueViolation);
    });

    it('updates only at the expected version', async () => {
      const a = identity({ userName: 'dave' });
      await h.store.identities.insert(a);
      const v2 = { ...a, displayName: 'Dave', version: 2, updatedAt: at(5), resource: { ...a.resource, displayName: 'Dave' } };
      expect(await h.store.identities.update(v2, 1)).toBe(true);
      expect(await h.store.identities.get(a.id)).toEqual(v2);
      expect(await h.store.identities.update({ ...v2, displayName: 'Stale', version: 3 }, 1)).toBe(false);
      expect((await h.store.identities.get(a.id))?.displayName).toBe('Dave');
      expect(await h.store.identities.update({ ...a, id: 'idn_00000000000000000000009999' }, 1)).toBe(false);
    });

    it('refuses an update that renames onto another live userName', async () => {
      const a = identity({ userName: 'erin' });
      const b = identity({ userName: 'frank' });
      await h.store.identities.insert(a);
      await h.store.identities.insert(b);
      await expect(h.store.identities.update({ ...b, userName: 'ERIN', version: 2 }, 1)).rejects.toMatchObject({ constraint: 'identity.userName' });
      expect((await h.store.identities.get(b.id))?.userName).toBe('frank');
    });

    it('keeps deleted identities as tombstones that free their userName, then purges them', async () => {
      const old = identity({ userName: 'gina' });
      const recent = identity({ userName: 'hank' });
      const live = identity({ userName: 'ivan' });
      for (const i of [old, recent, live]) await h.store.identities.insert(i);
      expect(await h.store.identities.update({ ...old, version: 2, deletedAt: at(10) }, 1)).toBe(true);
      expect(await h.store.identities.update({ ...recent, version: 2, deletedAt: at(100) }, 1)).toBe(true);
      expect(await h.store.identities.getByUserName('iga', 'gina')).toBeUndefined();
      expect((await h.store.identities.get(old.id))?.deletedAt).toBe(at(10));
      const page = await h.store.identities.query('iga', { page: ALL });
      expect(page.items.map((i) => i.id)).toEqual([live.id]);
      const withDeleted = await h.store.identities.query('iga', { page: ALL, includeDeleted: true });
      expect(withDeleted.totalResults).toBe(3);
      const again = identity({ userName: 'GINA' });
      await h.store.identities.insert(again);
      expect((await h.store.identities.getByUserName('iga', 'gina'))?.id).toBe(again.id);
      expect(await h.store.identities.purgeDeleted(at(50))).toBe(1);
      expect(await h.store.identities.get(old.id)).toBeUndefined();
      expect(await h.store.identities.get(recent.id)).toBeDefined();
      expect(await h.store.identities.get(live.id)).toBeDefined();
      expect(await h.store.identities.purgeDeleted(at(50))).toBe(0);
    });
  });

  describe('entitlements', () => {
    it('stores, finds by externalId, updates at the expected version and lists live ones', async () => {
      const e1 = entitlement({ externalId: 'g-1', governance: { owner: 'alice', breakGlass: true, nonHuman: false, riskTier: 'critical', jitMaxMinutes: 60 } });
      const e2 = entitlement({ connectorId: 'okta' });
      await h.store.entitlements.insert(e1);
      await h.store.entitlements.insert(e2);
      expect(await h.store.entitlements.get(e1.id)).toEqual(e1);
      expect((await h.store.entitlements.getByExternalId('iga', 'g-1'))?.id).toBe(e1.id);
      expect(await h.store.entitlements.getByExternalId('okta', 'g-1')).toBeUndefined();
      const v2 = { ...e1, displayName: 'Renamed', version: 2 };
      expect(await h.store.entitlements.update(v2, 1)).toBe(true);
      expect(await h.store.entitlements.update({ ...v2, version: 3 }, 1)).toBe(false);
      expect((await h.store.entitlements.get(e1.id))?.displayName).toBe('Renamed');
      expect((await h.store.entitlements.listAll()).map((e) => e.id).sort()).toEqual([e1.id, e2.id].sort());
      await h.store.entitlements.update({ ...v2, version: 3, deletedAt: at(5) }, 2);
      expect((await h.store.entitlements.listAll()).map((e) => e.id)).toEqual([e2.id]);
      expect((await h.store.entitlements.query('iga', { page: ALL })).totalResults).toBe(0);
      expect((await h.store.entitlements.query('iga', { page: ALL, includeDeleted: true })).totalResults).toBe(1);
    });

    it('purges tombstones older than the cut-off, with their assignments', async () => {
      const e = entitlement();
      const u = identity();
      await h.store.entitlements.insert(e);
      await h.store.identities.insert(u);
      await h.store.assignments.insert(assignment(e, u, { status: 'removed' }));
      await h.store.entitlements.update({ ...e, version: 2, deletedAt: at(10) }, 1);
      expect(await h.store.entitlements.purgeDeleted(at(5))).toBe(0);
      expect(await h.store.entitlements.purgeDeleted(at(11))).toBe(1);
      expect(await h.store.entitlements.get(e.id)).toBeUndefined();
      expect(await h.store.assignments.listByIdentity(u.id)).toEqual([]);
    });
  });

  describe('assignments', () => {
    it('stores, finds the active one and refuses a second active assignment of one identity to one entitlement', async () => {
      const e = entitlement();
      const u = identity();
      await h.store.entitlements.insert(e);
      await h.store.identities.insert(u);
      const a = assignment(e, u, { ticket: 'CHG-1', expiresAt: at(1000) });
      await h.store.assignments.insert(a);
      expect(await h.store.assignments.get(a.id)).toEqual(a);
      expect((await h.store.assignments.findActive(e.id, u.id))?.id).toBe(a.id);
      await expect(h.store.assignments.insert(assignment(e, u))).rejects.toMatchObject({ constraint: 'assignment.active' });
      const ended = { ...a, status: 'removed' as const, endedAt: at(5), endedBy: 'iga', updatedAt: at(5) };
      await h.store.assignments.update(ended);
      expect(await h.store.assignments.findActive(e.id, u.id)).toBeUndefined();
      const again = assignment(e, u);
      await h.store.assignments.insert(again);
      expect((await h.store.assignments.findActive(e.id, u.id))?.id).toBe(again.id);
      expect((await h.store.assignments.listByEntitlement(e.id)).map((x) => x.id)).toEqual([a.id, again.id]);
      expect((await h.store.assignments.listByEntitlement(e.id, { activeOnly: true })).map((x) => x.id)).toEqual([again.id]);
      expect((await h.store.assignments.listByIdentity(u.id)).length).toBe(2);
      expect((await h.store.assignments.listByIdentity(u.id, { activeOnly: true })).map((x) => x.id)).toEqual([again.id]);
      await expect(h.store.assignments.update({ ...ended, status: 'active' })).rejects.toBeInstanceOf(UniqueViolation);
    });

    it('refuses an assignment to an unknown identity or entitlement', async () => {
      const e = entitlement();
      await h.store.entitlements.insert(e);
      await expect(h.store.assignments.insert(assignment(e, identity()))).rejects.toThrow();
      expect(await h.store.assignments.countActive()).toBe(0);
    });

    it('lists expiring assignments oldest expiry first, up to a limit', async () => {
      const e = entitlement();
      await h.store.entitlements.insert(e);
      const expiries = [at(30), at(10), undefined, at(20), at(500)];
      const made = [];
      for (const expiresAt of expiries) {
        const u = identity();
        await h.store.identities.insert(u);
        const a = assignment(e, u, { expiresAt });
        made.push(a);
        await h.store.assignments.insert(a);
      }
      const removed = made[1];
      if (!removed) throw new Error('fixture');
      const expiring = await h.store.assignments.listExpiring(at(100), 10);
      expect(expiring.map((a) => a.expiresAt)).toEqual([at(10), at(20), at(30)]);
      expect((await h.store.assignments.listExpiring(at(100), 2)).length).toBe(2);
      expect((await h.store.assignments.listExpiring(at(20), 10)).map((a) => a.expiresAt)).toEqual([at(10), at(20)]);
      await h.store.assignments.update({ ...removed, status: 'expired' });
      expect((await h.store.assignments.listExpiring(at(100), 10)).map((a) => a.expiresAt)).toEqual([at(20), at(30)]);
    });

    it('scans who holds what for every active assignment in id order in batches, and counts them', async () => {
      const e = entitlement();
      await h.store.entitlements.insert(e);
      const active: string[] = [];
      const holders = new Map<string, string>();
      for (let i = 0; i < 30; i++) {
        const u = identity();
        await h.store.identities.insert(u);
        const a = assignment(e, u, { status: i % 6 === 5 ? 'removed' : 'active' });
        holders.set(a.id, u.id);
        if (a.status === 'active') active.push(a.id);
        await h.store.assignments.insert(a);
      }
      const batches: number[] = [];
      const seen: string[] = [];
      for await (const batch of h.store.assignments.scanActive(10)) {
        batches.push(batch.length);
        for (const a of batch) {
          expect(a).toEqual({ id: a.id, entitlementId: e.id, identityId: holders.get(a.id) });
          seen.push(a.id);
        }
      }
      expect(batches).toEqual([10, 10, 5]);
      expect(seen).toEqual([...active].sort());
      expect(await h.store.assignments.countActive()).toBe(25);
      const empty = [];
      for await (const b of h.store.assignments.scanActive(100)) empty.push(b);
      expect(empty.flat().length).toBe(25);
      const ids = [...active].sort();
      const inRange = async (range: { after: string; through?: string }, size: number): Promise<string[]> => {
        const got: string[] = [];
        for await (const b of h.store.assignments.scanActive(size, range)) got.push(...b.map((a) => a.id));
        return got;
      };
      expect(await inRange({ after: ids[4]!, through: ids[12]! }, 3)).toEqual(ids.slice(5, 13));
      expect(await inRange({ after: ids[20]! }, 2)).toEqual(ids.slice(21));
      expect(await inRange({ after: '', through: ids[0]! }, 10)).toEqual([ids[0]]);
      expect(await inRange({ after: ids[24]! }, 10)).toEqual([]);
    });
  });
}
