import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';
import type { EvidencePack } from '../../../gateway/domain/evidence-pack.ts';
import { buildEvidenceFromStore } from '../../../gateway/evidence/evidence-export.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { cli } from '../cli/cli-harness.ts';
import { IDS, NOW, seedEvidenceScenario } from './evidence-seed.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHROMIUM = '/usr/bin/chromium';

async function seededDir(): Promise<string> {
  const dir = tempDir('lockstep-evidence-');
  const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
  await seedEvidenceScenario(store);
  await store.close();
  return dir;
}

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id).sort();

function expectExactlyTheFinanceFacts(pack: EvidencePack): void {
  expect(ids(pack.entitlements)).toEqual([IDS.finance]);
  expect(ids(pack.assignments)).toEqual([IDS.asgBob, IDS.asgCarol, IDS.asgDave].sort());
  expect(ids(pack.elevations)).toEqual([IDS.elevation]);
  expect(ids(pack.sessions)).toEqual([IDS.session]);
  expect(ids(pack.revocations)).toEqual([IDS.revocation]);
  expect(ids(pack.findings)).toEqual([IDS.findingGrant, IDS.findingReview].sort());
  expect(ids(pack.conflicts)).toEqual([IDS.conflict]);
  expect(pack.ledger.map((l) => l.subject).sort()).toEqual([IDS.asgBob, IDS.conflict, IDS.revocation].sort());
  expect(pack.recommendations.map((r) => [r.identityId, r.action]).sort()).toEqual([[IDS.bob, 'keep'], [IDS.carol, 'revoke']]);
  expect(pack.summary).toMatchObject({ entitlements: 1, assignments: 3, activeAssignments: 2, elevationsAllowed: 1, sessions: 1, revocationsVerified: 1, findingsOpen: 2, conflicts: 1, recommendRevoke: 1 });
  expect(pack.frameworkTags.map((t) => t.id)).toEqual(expect.arrayContaining(['NIST-CSF-2.0:PR.AA-05', 'NIST-CSF-1.1:PR.AC-4']));
  const text = JSON.stringify(pack);
  for (const foreign of [IDS.hr, IDS.asgErin, IDS.elevationErin, IDS.findingHr, IDS.conflictHr, IDS.erin]) expect(text).not.toContain(foreign);
}

describe('evidence export from the store', () => {
  it('holds exactly the facts of the entitlement in scope, linking target findings through the mappings', async () => {
    const dir = await seededDir();
    const store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
    const loaded = await loadMappingDirs([path.join(ROOT, 'mappings/profiles'), path.join(ROOT, 'mappings/examples')]);
    if (!loaded.ok) throw new Error('mappings do not load');
    const pack = await buildEvidenceFromStore(store, { kind: 'entitlement', entitlementId: IDS.finance }, NOW, { mappings: loaded.value });
    await store.close();
    expectExactlyTheFinanceFacts(pack);
  });

  it('`lockstep evidence export` writes JSON, CSV and an HTML report that Chromium renders', async () => {
    const dir = await seededDir();
    const env = { LOCKSTEP_DATA_DIR: dir };
    const json = await cli(['evidence', 'export', '--entitlement', IDS.finance, '--format', 'json', '--out', path.join(dir, 'pack.json')], env, ROOT);
    expect(json.err).toEqual([]);
    expect(json).toMatchObject({ code: 0, out: [expect.stringMatching(/^evidence pack written to .*pack\.json: 1 entitlement\(s\), 3 assignment\(s\), 2 finding\(s\)$/)] });
    expectExactlyTheFinanceFacts(JSON.parse(fs.readFileSync(path.join(dir, 'pack.json'), 'utf8')) as EvidencePack);

    const csv = await cli(['evidence', 'export', '--entitlement', IDS.finance, '--format', 'csv'], env, ROOT);
    expect(csv.code).toBe(0);
    const lines = csv.out.map((l) => l.replace(/\r$/, ''));
    expect(lines[0]).toBe('section,id,entitlement,identity,status,at,detail,tags');
    expect(csv.out.slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
    const sections = lines.slice(1).filter((l) => l !== '').map((l) => l.split(',')[0]);
    expect(sections.filter((s) => s === 'assignment')).toHaveLength(3);
    expect(sections.filter((s) => s === 'finding')).toHaveLength(2);
    expect(csv.out.join('\n')).not.toContain(IDS.hr);

    const owner = await cli(['evidence', 'export', '--owner', 'zoe'], env, ROOT);
    expect(owner.code).toBe(0);
    expect((JSON.parse(owner.out.join('\n')) as EvidencePack).entitlements.map((e) => e.id)).toEqual([IDS.hr]);
    expect((await cli(['evidence', 'export', '--owner', 'nobody'], env, ROOT)).err).toEqual(['lockstep: no entitlement in scope (owner nobody)']);
    expect((await cli(['evidence', 'export', '--entitlement', 'nope'], env, ROOT)).code).toBe(1);

    const html = path.join(dir, 'pack.html');
    expect((await cli(['evidence', 'export', '--entitlement', IDS.finance, '--format', 'html', '--out', html], env, ROOT)).code).toBe(0);
    if (!fs.existsSync(CHROMIUM)) return;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(html).href);
      expect(await page.title()).toBe('Evidence pack: entitlement PAM-Finance-Users');
      expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Recommendations (2)', 'Assignments (approvals) (3)', 'Findings (2)', 'Conflicts and resolutions (1)']));
      expect(await page.locator('tr.revoke').count()).toBe(1);
      expect(await page.locator('tr.revoke').textContent()).toContain('carol');
      expect(await page.locator('script').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
