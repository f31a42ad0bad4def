/**
 * `npm run demo -- --once` end to end: the demo runs as a child process in a temp directory, prints where
 * everything is, and leaves real effects behind. The effects are checked in the SQLite state it leaves (opened
 * again here) and, for the vendor side, in the summary it wrote from the fakes' state. Reconciliation on demand
 * is detected by what happened (its admin route answered), never assumed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../gateway/http/bearer-tokens.ts';
import { openSqliteStore } from '../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../gateway/store/store.ts';
import type { DemoSummary } from '../../scripts/demo/summary.ts';
import { tempDir } from '../support/temp-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemoOnce(dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--once', '--data-dir', dataDir, '--port', '0'], {
      cwd: root, timeout: 75_000, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOCKSTEP_LOG_LEVEL: 'info' },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
  });
}

describe('npm run demo -- --once', () => {
  let dataDir: string;
  let run: Run;
  let summary: DemoSummary & { url: string };
  let store: Store;

  beforeAll(async () => {
    dataDir = tempDir('lockstep-demo-');
    run = await runDemoOnce(dataDir);
    if (run.code !== 0) throw new Error(`demo exited ${run.code}\n${run.stdout}\n${run.stderr}`);
    summary = JSON.parse(readFileSync(path.join(dataDir, 'demo-summary.json'), 'utf8'));
    store = await openSqliteStore({ file: path.join(dataDir, 'state.sqlite') });
  }, 90_000);

  afterAll(async () => {
    await store?.close();
  });

  it('prints the endpoints, the admin token and the SCIM tokens, and the tokens are the real ones', async () => {
    const url = summary.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const p of ['/scim/v2', '/webhooks/teleport', '/api/v1', '/console/']) expect(run.stdout).toContain(`${url}${p}`);
    const admin = /Admin token\s+(lsa_[A-Za-z0-9_-]+)/.exec(run.stdout)?.[1];
    expect(admin).toBeDefined();
    const config = JSON.parse(readFileSync(path.join(dataDir, 'lockstep.json'), 'utf8'));
    expect(config.settings.adminTokenHash).toBe(hashToken(admin!));
    const scim = [...run.stdout.matchAll(/SCIM token\s+(lst_[A-Za-z0-9_-]+)\s+\(IGA connector (\w+)\)/g)];
    expect(scim.map((m) => m[2]).sort()).toEqual(['okta', 'sailpoint']);
    for (const [, token, connector] of scim) expect((await store.tokens.getByHash(hashToken(token!)))?.connectorId).toBe(connector);
    expect(run.stdout).toContain('What to look at');
    expect(run.stdout).toContain('Summary');
  });

  it('leaves no secret in the configuration file it wrote', () => {
    const text = readFileSync(path.join(dataDir, 'lockstep.json'), 'utf8');
    const config = JSON.parse(text);
    const secrets = config.connectors.flatMap((c: { inbound?: { password?: string }; outbound?: { auth: Record<string, string> } }) =>
      [c.inbound?.password, c.outbound?.auth['password'], c.outbound?.auth['token'], c.outbound?.auth['clientSecret']].filter((s) => s !== undefined));
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(s).toMatch(/^env:DEMO_/);
  });

  it('pushed identities, entitlements with governance and memberships over SCIM, and the removal took effect', async () => {
    expect(summary.scim).toEqual({ sailpoint: { users: 4, groups: 3 }, okta: { users: 3, groups: 3 } });
    const carol = await store.identities.getByUserName('sailpoint', 'carol');
    const dave = await store.identities.getByUserName('sailpoint', 'dave');
    const bg = await store.identities.getByUserName('okta', 'bg-admin');
    expect(carol && dave && bg).toBeTruthy();
    expect(bg!.kind).toBe('break-glass');
    const entitlements = await store.entitlements.listAll();
    const finance = entitlements.find((e) => e.displayName === 'PAM-Finance-Users');
    expect(finance?.governance.owner).toBe('finance-lead');
    expect(entitlements.find((e) => e.displayName === 'PAM-Ops-Users')?.governance.owner).toBeUndefined();
    const active = async (id: typeof carol) => (await store.assignments.listByIdentity(id!.id, { activeOnly: true })).map((a) => a.entitlementId);
    expect(await active(carol)).toContain(finance!.id);
    expect(await active(dave)).not.toContain(finance!.id);
  });

  it('stored every PAM delivery in the inbox and recognised it', async () => {
    expect(summary.observed.webhookIntake).toBe(true);
    expect(summary.observed.syslog).toBe(true);
    const inbox = await store.inbox.countByStatus();
    // 3 access requests, 2 session events, 1 alert, 3 Vault audit records.
    expect(inbox.processed).toBeGreaterThanOrEqual(9);
    expect(inbox.pending).toBe(0);
    expect(inbox.unrecognised).toBe(0);
  });

  it('granted standing access at CyberArk and revoked the removed member, verified', async () => {
    expect(summary.cyberark.members['Finance']).toContain('CORP\\carol');
    expect(summary.cyberark.members['Finance']).not.toContain('CORP\\dave');
    // mallory was never approved: the reconciliation run applies cyberark-safes' drift policy (revoke).
    expect(summary.observed.reconcileOnDemand).toBe(true);
    expect(summary.cyberark.members['Finance']).not.toContain('CORP\\mallory');
    expect(summary.cyberark.revokedAtPam).toBe(true);
    const revocations = (await store.revocations.list({}, { startIndex: 1, count: 100 })).items;
    expect(revocations).toEqual(expect.arrayContaining([expect.objectContaining({ cause: 'iga-member-removed', direction: 'iga-to-pam', status: 'verified' })]));
  });

  it('decided the JIT requests against the approved context and answered Teleport', () => {
    const [alice, bob, bg] = summary.elevations;
    expect(alice).toMatchObject({ recorded: 'allow', breakGlass: false, teleportState: 'APPROVED' });
    expect(bob).toMatchObject({ recorded: 'deny', teleportState: 'DENIED' });
    expect(bob!.reasons).toContain('review-overdue');
    expect(bg).toMatchObject({ recorded: 'allow', breakGlass: true, teleportState: 'APPROVED' });
    expect(run.stdout).toMatch(/synchronous decision call\) → 200 deny \(duration-exceeds-maximum\)/);
  });

  it('raised findings, recorded session evidence and told IGA about the compromised credential', async () => {
    expect(summary.health?.findings.byKind['nhi-without-owner']).toBeGreaterThanOrEqual(1);
    expect(summary.health?.findings.byKind['break-glass-unreviewed']).toBeGreaterThanOrEqual(1);
    expect(summary.usage.find((u) => u.displayName === 'PAM-Finance-Users')?.sessionCount).toBeGreaterThanOrEqual(1);
    expect(summary.iga.aggregations).toBeGreaterThanOrEqual(1);
    const revocations = (await store.revocations.list({}, { startIndex: 1, count: 100 })).items;
    expect(revocations).toEqual(expect.arrayContaining([expect.objectContaining({ cause: 'credential-compromised', direction: 'pam-to-iga' })]));
  });

  it('shows the unapproved CyberArk member as unsynchronised access once reconciliation has run', async () => {
    const page = await store.findings.list({ kind: 'pam-grant-without-entitlement' }, { by: 'lastSeenAt', order: 'desc' }, { startIndex: 1, count: 50 });
    expect(JSON.stringify(page.items)).toMatch(/mallory/i);
  });
});
