import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../../gateway/domain/evidence-pack.ts';
import { renderEvidenceHtml } from '../../../gateway/domain/evidence-render.ts';
import type { EntitlementId } from '../../../gateway/domain/ids.ts';
import { entitlement, identity, NOW } from './domain-fixtures.ts';
import { scenario } from './evidence-scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
const hostileName = `DBA <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`;

describe.runIf(fs.existsSync(CHROMIUM))('evidence HTML in Chromium', () => {
  let browser: Browser;
  let file: string;
  beforeAll(async () => {
    const pack = buildEvidencePack({ kind: 'entitlement', entitlementId: 'ent_DBA' as EntitlementId }, {
      ...scenario,
      entitlements: [entitlement({ displayName: hostileName })],
      identities: [...scenario.identities.slice(1), identity({ userName: '"><svg onload="window.pwned=3">' })],
    }, NOW);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-evidence-'));
    file = path.join(dir, 'pack.html');
    fs.writeFileSync(file, renderEvidenceHtml(pack));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('renders a readable report where hostile values are text, never code', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(await page.title()).toContain(hostileName);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('script, img, svg').count()).toBe(0);
    expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Summary', 'Recommendations (2)', 'Assignments (approvals) (3)']));
    expect(await page.locator('td', { hasText: 'svc-etl' }).count()).toBeGreaterThan(0);
    expect(await page.locator('h1').textContent()).toContain('onerror=');
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
