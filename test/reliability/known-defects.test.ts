/**
 * Defects the reliability suites found, reproduced deterministically with the fakes' fault injection. Each test
 * asserts what SHOULD happen through `expectDefect`, which passes while the defect is observed and fails with
 * "fixed: …" once it is not, so that the fix flips the test to a plain assertion. The steps before it are
 * ordinary assertions (an environmental failure fails the test; it is not mistaken for the defect).
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

/** Passes while `observed` shows the defect (`observed !== expected`); fails once the behaviour is right. */
function expectDefect<T>(observed: T, expected: T, defect: string): void {
  if (JSON.stringify(observed) === JSON.stringify(expected)) {
    throw new Error(`fixed: ${defect} — turn this into expect(...).toEqual(expected) and move it to its suite`);
  }
}

const hasMember = (safe: string, user: string) => w.fake.state.safe(safe)?.members.has(`corp\\${user}`.toLowerCase()) ?? false;
const member = (op: 'add' | 'remove', userId: string) => ({
  schemas: [PATCH_SCHEMA],
  Operations: [op === 'add' ? { op: 'add', path: 'members', value: [{ value: userId }] } : { op: 'remove', path: `members[value eq "${userId}"]` }],
});

async function outboxIdle(): Promise<boolean> {
  const stats = await w.gateway.store.outbox.stats();
  return stats.every((s) => s.count === 0 || s.status === 'delivered' || s.status === 'abandoned');
}

describe('known defects', { timeout: TEST_TIMEOUT_MS }, () => {
  it('KNOWN DEFECT: revocation read-back that sees a newer grant of the same member removes it again (IGA: member, PAM: not)', async () => {
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
    expectDefect(hasMember(safe, 'kd-one'), true, 'a later grant of the same member survives the read-back of an earlier revocation');
  });


  it('KNOWN DEFECT: a grant whose answer was lost is retried after the revocation of the same assignment was delivered, and lands again (its effect is applied twice; PAM may keep access IGA removed)', async () => {
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
    // Seen both ways: the revocation's read-back came after the stale grant and removed it again, or before it
    // and reported the revocation verified while PAM holds the access again.
    const observed = { duplicates: duplicateEffects(w.fake.calls).length, pamStillGrants: hasMember(safe, 'kd-two') };
    expectDefect(observed, { duplicates: 0, pamStillGrants: false }, 'a retried grant is not applied again after the revocation of its assignment');
  }, 60_000);
});
