/**
 * Reconciliation through the real gateway: access approved over SCIM reaches CyberArk through the sync engine and
 * the outbox; access someone added at CyberArk behind Lockstep's back is found by `lockstep reconcile` (against the
 * gateway's own data dir), revoked under the mapping's drift policy by the gateway's dispatcher and sync engine,
 * read back, and the finding closes on the next run; access removed at CyberArk is granted again.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../gateway/cli/cli-harness.ts';
import { member } from '../gateway/reconcile/reconcile-harness.ts';
import { waitFor } from './sync-client.ts';
import { useSyncWorld } from './sync-world.ts';

const w = useSyncWorld();
const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };

const reconcile = async () => {
  const run = await cli(['reconcile', '--json'], { LOCKSTEP_DATA_DIR: w.h.dataDir }, w.h.dataDir);
  expect(run.err.filter((l) => !l.startsWith('{'))).toEqual([]);
  return JSON.parse(run.out.join('\n')) as { connectors: { id: string; error?: string }[]; differences: Record<string, number>; findings: Record<string, number> };
};
const MALLORY = 'cyberark-prod/safe/Finance|mallory';

describe('reconciliation against the running gateway', () => {
  it('finds access added at PAM behind Lockstep, revokes it under drift revoke, and closes the finding', async () => {
    const bob = await w.scim.user('bob');
    await w.scim.group('PAM-Finance-Users', governance, [bob]);
    await waitFor('bob in Finance', () => w.fakes.cyberark.state.safe('Finance')?.members.get('bob'));
    await w.h.settled();
    w.fakes.cyberark.state.putMember('Finance', member('mallory', ['listAccounts', 'useAccounts', 'manageSafe']));

    const first = await reconcile();
    expect(first.connectors.find((c) => c.id === 'cyberark-prod')).toMatchObject({ perTarget: true });
    expect(first.connectors.find((c) => c.id === 'cyberark-prod')?.error).toBeUndefined();
    expect(first.differences).toMatchObject({ unapprovedAtPam: 1, missingAtPam: 0, revocations: 1 });
    expect(await w.h.gw.store.findings.getByKey('pam-grant-without-entitlement', MALLORY)).toMatchObject({ status: 'open', severity: 'critical' });

    await waitFor('mallory revoked at CyberArk', () => !w.fakes.cyberark.state.safe('Finance')?.members.has('mallory'));
    await w.h.settled();
    const verified = (await w.h.gw.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 50 })).items.find((r) => r.cause === 'drift-policy');
    expect(verified?.steps.map((s) => s.name.split(':')[0])).toEqual(['revoke', 'read-back']);
    expect(w.fakes.cyberark.state.safe('Finance')?.members.has('bob')).toBe(true);

    const second = await reconcile();
    expect(second.differences).toMatchObject({ unapprovedAtPam: 0, missingAtPam: 0 });
    expect((await w.h.gw.store.findings.getByKey('pam-grant-without-entitlement', MALLORY))?.status).toBe('resolved');
  });

  it('grants approved access again when someone removed it at PAM', async () => {
    const carol = await w.scim.user('carol');
    await w.scim.group('PAM-Ops-Users', governance, [carol]);
    await waitFor('carol in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.get('carol'));
    await w.h.settled();
    w.fakes.cyberark.state.safe('Ops')!.members.delete('carol');
    const report = await reconcile();
    expect(report.differences).toMatchObject({ missingAtPam: 1, grants: 1 });
    await waitFor('carol back in Ops', () => w.fakes.cyberark.state.safe('Ops')?.members.get('carol'));
  });
});
