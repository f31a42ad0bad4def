import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entitlement } from '../../../gateway/domain/entitlement.ts';
import type { Identity } from '../../../gateway/domain/identity.ts';
import type { AssignmentId, EntitlementId, IdentityId } from '../../../gateway/domain/ids.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import { startCyberArkFake } from '../../fakes/index.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from '../cli/cli-harness.ts';
import { member } from './reconcile-harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let fake: Awaited<ReturnType<typeof startCyberArkFake>> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('lockstep reconcile', () => {
  it('reads the configured PAM inventory, records findings and queues the drift revocation', async () => {
    fake = await startCyberArkFake();
    fake.state.putMember('Finance', member('CORP\\bob', ['useAccounts', 'retrieveAccounts', 'listAccounts']));
    fake.state.putMember('Finance', member('CORP\\mallory'));
    const dir = tempDir('lockstep-reconcile-cli-');
    fs.writeFileSync(path.join(dir, 'lockstep.json'), JSON.stringify({
      connectors: [
        { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint' },
        { id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark', outbound: { baseUrl: fake.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'env:CYBERARK_PASSWORD' } } },
      ],
      settings: { mappingsDir: path.join(ROOT, 'mappings/examples'), profilesDir: path.join(ROOT, 'mappings/profiles') },
    }));
    const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
    const now = new Date().toISOString();
    const ent: Entitlement = {
      id: 'ent_00000000000000000000FINANCE' as EntitlementId, connectorId: 'sailpoint', displayName: 'PAM-Finance-Users', resource: {}, version: 1, createdAt: now, updatedAt: now,
      governance: { owner: 'alice', reviewCadenceDays: 90, lastCertifiedAt: now, breakGlass: false, nonHuman: false },
    };
    const bob: Identity = { id: 'idn_0000000000000000000000BOB' as IdentityId, connectorId: 'sailpoint', userName: 'bob', kind: 'human', active: true, resource: {}, version: 1, createdAt: now, updatedAt: now };
    await store.entitlements.insert(ent);
    await store.identities.insert(bob);
    await store.assignments.insert({ id: 'asg_0000000000000000000000BOB' as AssignmentId, connectorId: 'sailpoint', entitlementId: ent.id, identityId: bob.id, approvedAt: now, status: 'active', sessionCount: 0, updatedAt: now });
    await store.close();

    const run = await cli(['reconcile', '--json'], { LOCKSTEP_DATA_DIR: dir, CYBERARK_PASSWORD: 'secret' }, ROOT);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out.join('\n')) as { connectors: { id: string; paths: number }[]; differences: Record<string, number> };
    expect(report.connectors).toEqual([expect.objectContaining({ id: 'cyberark-prod', paths: 2 })]);
    expect(report.differences).toMatchObject({ unapprovedAtPam: 1, missingAtPam: 0, revocations: 1 });

    const after = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
    expect(await after.findings.getByKey('pam-grant-without-entitlement', 'cyberark-prod/safe/Finance|CORP\\mallory')).toMatchObject({ status: 'open', severity: 'critical' });
    const queued = await after.outbox.list({ status: 'queued', connectorId: 'cyberark-prod' }, { startIndex: 1, count: 10 });
    expect(queued.items.map((m) => [m.action, m.payload['principal']])).toEqual([['revoke', 'CORP\\mallory']]);
    expect((await after.ledger.last())?.action).toBe('reconcile.completed');
    await after.close();

    const text = await cli(['reconcile'], { LOCKSTEP_DATA_DIR: dir, CYBERARK_PASSWORD: 'secret' }, ROOT);
    expect(text.code).toBe(0);
    expect(text.out[0]).toBe('cyberark-prod: 2 path(s) in 1 page(s) (per target)');
  });
});
