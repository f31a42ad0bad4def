/**
 * The same renderer as Electron runs it: with `window.lockstep` present (here a stand-in bridge injected
 * before the page's scripts, forwarding to the gateway) it skips the login screen and never asks for a token.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../console/browser.ts';
import { ensureConsoleBuilt } from '../console/console-build.ts';
import { type AdminGateway, startAdminGateway } from '../gateway/admin/admin-harness.ts';

let h: AdminGateway;
let browser: Browser;

beforeAll(async () => {
  await ensureConsoleBuilt();
  h = await startAdminGateway();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.gw.stop();
});

function bridgeScript(token: string): string {
  return `(() => {
    const get = (p) => fetch('/api/v1' + p, { headers: { authorization: 'Bearer ${token}' } }).then((r) => r.json());
    window.__bridgeCalls = [];
    const call = (name, p) => { window.__bridgeCalls.push(name); return get(p); };
    Object.defineProperty(window, 'lockstep', { value: Object.freeze({
      health: () => call('health', '/health'),
      mappingHealth: () => call('mappingHealth', '/mapping-health'),
      listFindings: () => call('listFindings', '/findings?status=open&sort=severity&order=desc&count=50'),
      subscribe: () => { window.__bridgeCalls.push('subscribe'); return () => undefined; },
    }) });
  })();`;
}

describe('console with the Electron bridge', () => {
  it('uses window.lockstep and shows no login screen', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript({ content: bridgeScript(h.token) });
    await page.goto(`${h.gw.url}/console/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByRole('group', { name: 'Unsynchronised access' }).textContent()).toContain('4');
    expect(await page.getByLabel('Admin token').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    const calls = await page.evaluate(() => (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls);
    expect(calls).toEqual(expect.arrayContaining(['health', 'mappingHealth', 'listFindings', 'subscribe']));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
