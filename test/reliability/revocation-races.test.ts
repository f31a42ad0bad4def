/**
 * Regressions for the two defects the reliability suites found (docs/reliability.md, "Defects found"),
 * reproduced deterministically with the fakes' fault injection: a revocation's read-back must not remove a newer
 * approved grant of the same member, and a stale grant whose answer was lost must not be sent again over the
 * later revocation of its assignment (outbox path order, gateway/outbox/path-order.ts).
 */
import { TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultWorld, createFaultWorld, until } from '../support/reliability/fault-world.ts';
import { PATCH_SCHEMA } from '../support/reliability/traffic.ts';
import { duplicateEffects } from '../support/reliability/state-check.ts';

let w: FaultWorld;
beforeAll(async () => {
  w = await createFaultWorld({ timeoutMs: 5_000 });
}, 60_000);
afterAll(async () => w?.close());

const hasMember = (safe: string, user: string) => w.fake.state.safe(safe)?.members.has(`corp\\${user}`.toLowerCase()) ?? false;
const member = (op: 'add' | 'remove', userId: string) => ({
  schemas: [PATCH_SCHEMA],
  Operations: [op === 'add' ? { op: 'add', path: 'members', value: [{ value: userId }] } : { op: 'remove', path: `members[value eq "${userId}"]` }],
});

async function outboxIdle(): Promise<boolean> {
  const stats = await w.gateway.store.outbox.stats();
  return stats.every((s) => s.count === 0 || s.status === 'delivered' || s.status === 'abandoned');
}

describe('revocation races (fixed defects 1 and 2)', { timeout: TEST_TIMEOUT_MS }, () => {
  it('a revocation read-back that sees a newer approved grant of the same member settles the step as superseded and keeps the access (IGA: member, PAM: member)', async () => {
    const safe = 'KD1';
    const { userId, groupId } = await w.grant(safe, 'kd-one');
    await until(() => hasMember(safe, 'kd-one'), 20_000, 'first grant');
    // The read-back after the removal answers late, after the member was added again by a new assignment.
    w.fake.faults.next({ delayMs: 2_000 }, 2, { method: 'GET', path: /\/Safes\/KD1\/Members/i });
    expect((await w.scim('PATCH', `/Groups/${groupId}`, member('remove', userId))).status).toBeLessThan(300);
    await until(() => !hasMember(safe, 'kd-one'), 20_000, 'removal at PAM');
    expect((await w.scim('PATCH', `/Groups/${groupId}`, member('add', userId))).status).toBeLessThan(300);
    await until(() => hasMember(safe, 'kd-one'), 20_000, 'second grant at PAM');
    await new Promise((r) => setTimeout(r, 3_000));
    await until(outboxIdle, 20_000, 'outbox idle');
    expect(hasMember(safe, 'kd-one')).toBe(true);
    // The revocation settled its step as superseded (ledgered with the approving assignment), not re-revoked.
    const revocations = (await w.gateway.store.revocations.list({}, { startIndex: 1, count: 100 })).items.filter((r) => r.steps.some((st) => st.name.includes('/KD1|')));
    expect(revocations.map((r) => r.status)).toEqual(['verified']);
    expect(revocations[0]!.steps.filter((st) => st.name.startsWith('read-back:')).map((st) => st.status)).toEqual(['superseded']);
    expect(w.fake.calls.all().filter((c) => c.method === 'DELETE' && /\/Safes\/KD1\/Members/i.test(c.path)).length).toBe(1);
  });


  it('a grant whose answer was lost is not sent again after the revocation of the same assignment: superseded, applied once, PAM ends without the access', async () => {
    const safe = 'KD2';
    w.fake.state.addSafe(safe);
    // The grant takes effect at PAM but its answer never comes: the client times out and will retry.
    w.fake.faults.next({ hang: 'after' }, 1, { method: 'POST', path: /\/Safes\/KD2\/Members$/i });
    const { userId, groupId } = await w.grant(safe, 'kd-two');
    await until(() => hasMember(safe, 'kd-two'), 20_000, 'grant applied (answer withheld)');
    expect((await w.scim('PATCH', `/Groups/${groupId}`, member('remove', userId))).status).toBeLessThan(300);
    await until(async () => (await w.gateway.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 100 })).items.length > 0 || !hasMember(safe, 'kd-two'), 20_000, 'revocation under way');
    await new Promise((r) => setTimeout(r, 3_000));
    await until(outboxIdle, 20_000, 'outbox idle');
    // Before the fix, seen both ways: the revocation's read-back came after the stale grant and removed it again
    // (duplicate effect), or before it and reported the revocation verified while PAM held the access again.
    const observed = { duplicates: duplicateEffects(w.fake.calls).length, pamStillGrants: hasMember(safe, 'kd-two') };
    expect(observed).toEqual({ duplicates: 0, pamStillGrants: false });
    // The stale grant was settled without a call: delivered with `{ superseded: <the revoke's id> }`.
    const grants = (await w.gateway.store.outbox.list({ connectorId: 'cyberark-prod' }, { startIndex: 1, count: 1000 })).items.filter((m) => m.action === 'grant' && m.payload['pathKey'] !== undefined && String(m.payload['pathKey']).includes('/KD2|'));
    expect(grants.map((m) => [m.status, typeof m.response?.['superseded']])).toEqual([['delivered', 'string']]);
  }, 60_000);
});
