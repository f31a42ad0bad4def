/**
 * `node --import tsx scripts/screenshots.ts`: starts a gateway on a temp SQLite store with the demo state,
 * drives the console in Chromium and saves screenshots of its main screens to docs/screenshots/ (README).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/console/browser.ts';
import { ensureConsoleBuilt } from '../test/console/console-build.ts';
import { startAdminGateway } from '../test/gateway/admin/admin-harness.ts';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');

await ensureConsoleBuilt();
mkdirSync(OUT, { recursive: true });
const h = await startAdminGateway();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 880 }, colorScheme: 'light' });
  page.setDefaultTimeout(15_000);
  await page.goto(`${h.gw.url}/console/`);
  await page.getByLabel('Admin token').fill(h.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Mapping health' }).waitFor();
  await page.getByRole('img', { name: /Outbox messages/ }).locator('canvas').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, 'overview.png') });

  const critical = h.seeded.findings.find((f) => f.severity === 'critical')!;
  await page.goto(`${h.gw.url}/console/#/findings/${critical.id}`);
  await page.getByRole('complementary', { name: 'Finding detail' }).getByRole('list', { name: 'Framework tags' }).waitFor();
  await page.screenshot({ path: path.join(OUT, 'findings.png') });

  await page.getByRole('link', { name: 'Conflicts' }).click();
  const form = page.getByRole('form', { name: `Resolve conflict ${h.seeded.unapproved}` });
  await form.getByLabel('Exception', { exact: false }).first().check();
  await form.getByLabel('Decided by').fill('carol@example.com');
  await form.getByLabel('Reason').fill('Payroll quarter close; reviewed with the data owner');
  await form.getByLabel('Exception owner').fill('payroll-team');
  await page.screenshot({ path: path.join(OUT, 'conflicts.png') });

  await page.getByRole('link', { name: 'Mappings' }).click();
  await page.getByRole('button', { name: 'Run dry-run' }).click();
  await page.getByRole('region', { name: 'Dry-run trace' }).waitFor();
  await page.screenshot({ path: path.join(OUT, 'mappings-dry-run.png'), fullPage: true });
  console.log(`screenshots written to ${path.relative(process.cwd(), OUT)}`);
} finally {
  await browser.close();
  await h.gw.stop();
}
