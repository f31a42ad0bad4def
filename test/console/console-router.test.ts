import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createConsoleRouter } from '../../gateway/admin/console-router.ts';
import { tempDir } from '../support/temp-dir.ts';

let base: string;
let close: () => void;
beforeAll(async () => {
  const built = tempDir('lockstep-console-dist-');
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(built, 'assets/app.js'), 'console.log(1)');
  const app = express();
  app.use('/console', createConsoleRouter({ distDir: built }));
  app.use('/unbuilt', createConsoleRouter({ distDir: path.join(built, 'missing') }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

describe('console static router', () => {
  it('serves assets and the SPA index for any console path, with the strict CSP on each', async () => {
    for (const p of ['/console/', '/console/assets/app.js', '/console/findings/deep/link']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-security-policy'), p).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await fetch(`${base}/console/anything`)).text()).toContain('<title>console</title>');
  });

  it('redirects /console to /console/ so relative asset paths resolve', async () => {
    const res = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/console/');
  });

  it('says how to build the console when it has not been built', async () => {
    const res = await fetch(`${base}/unbuilt/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run console:build');
  });
});
