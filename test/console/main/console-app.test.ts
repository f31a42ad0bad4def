import got from 'got';
import { beforeEach, describe, expect, it } from 'vitest';
import { readConsoleSettings, startConsoleApp } from '../../../console/main/console-app.ts';
import { FakeBrowserWindow, FakeIpcMain, fakeSession } from '../electron-fakes.ts';

function fakeElectron() {
  const errors: string[] = [];
  let quit = 0;
  return {
    electron: {
      app: { whenReady: async () => undefined, on: () => undefined, quit: () => { quit++; } },
      BrowserWindow: FakeBrowserWindow,
      ipcMain: new FakeIpcMain(),
      session: { defaultSession: fakeSession() },
      dialog: { showErrorBox: (_t: string, c: string) => { errors.push(c); } },
    },
    errors,
    quits: () => quit,
  };
}

describe('console main process', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  it('opens one hardened window and registers the checked IPC handlers when the token is given', async () => {
    const f = fakeElectron();
    const win = await startConsoleApp(f.electron, { env: { LOCKSTEP_ADMIN_TOKEN: 'lsa_x', LOCKSTEP_URL: 'http://127.0.0.1:1' }, got, preloadPath: '/p/preload.cjs', indexFile: '/r/index.html' });
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(win?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(f.electron.ipcMain.handlers.size).toBeGreaterThan(10);
    const refused = await f.electron.ipcMain.handlers.get('lockstep:health')!({ senderFrame: { url: 'https://evil.example', parent: null }, sender: { id: win!.webContents.id, send: () => undefined, once: () => undefined } });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(f.electron.session.defaultSession.permission?.('geolocation')).toBe(false);
  });

  it('refuses to start without the admin token, saying why', async () => {
    const f = fakeElectron();
    expect(await startConsoleApp(f.electron, { env: {}, got, preloadPath: '/p', indexFile: '/i' })).toBeUndefined();
    expect(f.errors[0]).toContain('LOCKSTEP_ADMIN_TOKEN');
    expect(f.quits()).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(0);
    expect(readConsoleSettings({ LOCKSTEP_ADMIN_TOKEN: 't', LOCKSTEP_URL: 'ftp://x' })).toContain('not an http(s) URL');
  });
});
