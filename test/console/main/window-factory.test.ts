import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createConsoleWindow, hardenSession, pageUrlOf } from '../../../console/main/window-factory.ts';
import { FakeBrowserWindow, fakeSession } from '../electron-fakes.ts';

const INDEX = '/opt/lockstep/console/renderer/dist/index.html';

describe('console window', () => {
  it('is isolated and sandboxed, with no Node in the page and the preload as the only bridge', async () => {
    const win = await createConsoleWindow({ BrowserWindow: FakeBrowserWindow, preloadPath: '/opt/preload.cjs', indexFile: INDEX });
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true,
      allowRunningInsecureContent: false, webviewTag: false, preload: '/opt/preload.cjs',
    });
    expect(win.loaded).toBe(INDEX);
  });

  it('denies window.open (handing https links to the system browser) and any navigation off the console page', async () => {
    const opened: string[] = [];
    const win = await createConsoleWindow({ BrowserWindow: FakeBrowserWindow, preloadPath: '/p', indexFile: INDEX, openExternal: (u) => opened.push(u) });
    const wc = win.webContents;
    expect(wc.openHandler?.({ url: 'https://docs.example/x' })).toEqual({ action: 'deny' });
    expect(wc.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.example/x']);
    expect(wc.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.emitPreventable('will-navigate', 'file:///tmp/other.html')).toBe(true);
    expect(wc.emitPreventable('will-redirect', 'https://evil.example/')).toBe(true);
    expect(wc.emitPreventable('will-navigate', `${pageUrlOf(INDEX)}#/findings`)).toBe(false);
    expect(wc.emitPreventable('will-attach-webview')).toBe(true);
  });

  it('adds the CSP header to every response and refuses permission requests', () => {
    const s = fakeSession();
    hardenSession(s);
    expect(s.headers?.({ 'content-type': ['text/html'] })).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONSOLE_CSP] });
    expect(s.permission?.('media')).toBe(false);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
  });
});
