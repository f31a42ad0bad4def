/**
 * The console in real Chromium against the real gateway serving `/console`: sign in with the admin token, see
 * seeded findings, resolve a conflict, validate a broken mapping (line:column error), run a dry-run — with the
 * CSP header present and no console errors.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../console/console-build.ts';
import { launchChromium } from '../console/browser.ts';
import { type AdminGateway, startAdminGateway } from '../gateway/admin/admin-harness.ts';

/** Chromium's notice that `frame-ancestors` only works as a header (the header carries it; the meta tag repeats the policy). */
const KNOWN_NOTICES = [/frame-ancestors' is ignored when delivered via a <meta> element/];

let h: AdminGateway;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  await ensureConsoleBuilt();
  h = await startAdminGateway();
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !KNOWN_NOTICES.some((k) => k.test(m.text()))) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.gw.stop();
});

describe('console in Chromium', () => {
  it('serves the SPA with a strict CSP header and meta tag, and signs in with the admin token', async () => {
    const res = await page.goto(`${h.gw.url}/console/`);
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'];
    expect(csp).toBe("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toContain("script-src 'self'");
    await page.getByLabel('Admin token').fill('lsa_not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('admin token');
    problems.length = 0;
    await page.getByLabel('Admin token').fill(h.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByRole('group', { name: 'Unsynchronised access' }).textContent()).toContain('4');
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('shows mapping health with lag and error columns and a status whose reasons are its tooltip', async () => {
    const table = page.getByRole('table', { name: /^Per mapping/ });
    const badge = table.locator('tbody tr', { hasText: 'cyberark-safes' }).locator('.badge');
    await expect.poll(() => badge.textContent()).toBe('failing');
    expect(await badge.getAttribute('title')).toContain('cyberark-prod: 1 dead letter');
    expect(await table.locator('thead').textContent()).toMatch(/Intake lag.*Outbound lag.*Errors/);
  });

  it('lists seeded findings with server-side filtering and shows the detail with framework tags', async () => {
    await page.getByRole('link', { name: 'Findings' }).click();
    const table = page.getByRole('table', { name: 'Findings' });
    await table.getByText('eve has standing access').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(6);
    await page.getByLabel('Severity').selectOption('high');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    await table.getByRole('link', { name: /svc-etl/ }).click();
    const detail = page.getByRole('complementary', { name: 'Finding detail' });
    await detail.getByRole('list', { name: 'Framework tags' }).getByText('OWASP-NHI:NHI1').waitFor();
  });

  it('resolves a conflict (IGA wins) and the decision reaches the ledger', async () => {
    await page.getByRole('link', { name: 'Conflicts' }).click();
    const form = page.getByRole('form', { name: `Resolve conflict ${h.seeded.bothSidesChanged}` });
    await form.getByLabel('IGA wins').check();
    await form.getByLabel('Decided by').fill('carol@example.com');
    await form.getByLabel('Reason').fill('IGA approval is authoritative');
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Resolved (iga-wins)');
    const entries = await h.gw.store.ledger.listBySubject(h.seeded.bothSidesChanged);
    expect(entries[0]).toMatchObject({ actor: 'carol@example.com', action: 'conflict.resolved', data: { action: 'iga-wins' } });
    await expect.poll(() => page.getByRole('form', { name: `Resolve conflict ${h.seeded.bothSidesChanged}` }).count()).toBe(0);
  });

  it('validates a broken mapping with its line:column and runs a dry-run trace', async () => {
    await page.getByRole('link', { name: 'Mappings' }).click();
    await page.getByRole('button', { name: 'Edit cyberark-safes.yaml' }).click();
    const editor = page.getByLabel('Mapping file text');
    await expect.poll(() => editor.inputValue()).toContain('EntitlementMapping');
    const broken = readFileSync(path.join(h.mappingsDir, 'cyberark-safes.yaml'), 'utf8').replace('mode: standing', 'mode: sometimes');
    const line = broken.split('\n').findIndex((l) => l.includes('mode: sometimes')) + 1;
    await editor.fill(broken);
    await page.getByRole('button', { name: 'Validate' }).click();
    const errors = page.getByRole('list', { name: 'Validation errors' });
    await expect.poll(() => errors.textContent()).toMatch(new RegExp(`cyberark-safes\\.yaml:${line}:\\d+.*access\\.mode`));
    await page.getByRole('button', { name: 'Run dry-run' }).click();
    const trace = page.getByRole('region', { name: 'Dry-run trace' });
    await expect.poll(() => trace.textContent()).toContain('mapping cyberark-safes matched');
    expect(problems).toEqual([]);
  });

  it('updates live when the gateway records a change', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const open = page.getByRole('group', { name: 'Open findings' });
    await expect.poll(() => open.textContent()).toContain('6');
    const now = new Date().toISOString();
    const f = { ...h.seeded.findings[0]!, id: 'fnd_01JZZZZZZZZZZZZZZZZZZZZZZZ' as const, key: 'live-test', firstSeenAt: now, lastSeenAt: now };
    await h.gw.store.transaction(async (tx) => {
      await tx.findings.upsert(f);
      await tx.events.append({ type: 'finding.changed', subject: f.id, actor: 'test', payload: { findingId: f.id, status: 'open' }, occurredAt: now });
    });
    await expect.poll(() => open.textContent(), { timeout: 15_000 }).toContain('7');
    await expect.poll(() => page.getByText(/Live: finding\.changed/).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
