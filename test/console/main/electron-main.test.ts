import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeIpcMain, fakeSession } from '../electron-fakes.ts';

const ipcMain = new FakeIpcMain();
vi.mock('electron', () => ({
  app: { whenReady: async () => undefined, on: () => undefined, quit: () => undefined },
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  session: { defaultSession: fakeSession() },
  dialog: { showErrorBox: () => undefined },
  shell: { openExternal: async () => undefined },
}));

describe('electron entry', () => {
  it('wires the real modules: window from the renderer build, preload next to the bundle, IPC registered', async () => {
    vi.stubEnv('LOCKSTEP_ADMIN_TOKEN', 'lsa_test');
    const { started } = await import('../../../console/main/electron-main.ts');
    const win = (await started) as unknown as FakeBrowserWindow;
    expect(win.loaded?.endsWith(path.join('renderer', 'dist', 'index.html'))).toBe(true);
    expect(String((win.options.webPreferences as Record<string, unknown>).preload).endsWith('preload.cjs')).toBe(true);
    expect(ipcMain.handlers.has('lockstep:resolveConflict')).toBe(true);
    vi.unstubAllEnvs();
  });
});
