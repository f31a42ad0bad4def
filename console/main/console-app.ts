/**
 * The desktop console's main process, with Electron injected: reads the gateway URL and admin token from the
 * environment (the renderer never sees the token), hardens the session, registers the IPC handlers with the
 * sender check, and opens the window when the app is ready.
 */
import { createGatewayClient } from './gateway-client.ts';
import type { Got } from 'got';
import { type IpcMainLike, registerConsoleIpc } from './ipc-handlers.ts';
import { type BrowserWindowCtor, type BrowserWindowLike, type SessionLike, createConsoleWindow, hardenSession, pageUrlOf } from './window-factory.ts';

export interface ElectronLike<W extends BrowserWindowLike> {
  readonly app: { whenReady(): Promise<unknown>; on(event: 'window-all-closed', fn: () => void): unknown; quit(): void };
  readonly BrowserWindow: BrowserWindowCtor<W>;
  readonly ipcMain: IpcMainLike;
  readonly session: { readonly defaultSession: SessionLike };
  readonly dialog: { showErrorBox(title: string, content: string): void };
  readonly shell?: { openExternal(url: string): Promise<void> } | undefined;
}

export interface ConsoleAppOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly got: Got;
  readonly preloadPath: string;
  readonly indexFile: string;
  readonly log?: ((message: string) => void) | undefined;
}

export interface ConsoleSettings {
  readonly gatewayUrl: string;
  readonly token: string;
}

/** `LOCKSTEP_URL` (default http://127.0.0.1:8080) and `LOCKSTEP_ADMIN_TOKEN` (required). */
export function readConsoleSettings(env: ConsoleAppOptions['env']): ConsoleSettings | string {
  const token = env.LOCKSTEP_ADMIN_TOKEN?.trim();
  if (!token) return 'LOCKSTEP_ADMIN_TOKEN is not set: start the console with the admin token the gateway printed on its first start.';
  const gatewayUrl = env.LOCKSTEP_URL?.trim() || 'http://127.0.0.1:8080';
  try {
    const u = new URL(gatewayUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return `LOCKSTEP_URL is not an http(s) URL: ${gatewayUrl}`;
  }
  return { gatewayUrl, token };
}

export async function startConsoleApp<W extends BrowserWindowLike>(electron: ElectronLike<W>, opts: ConsoleAppOptions): Promise<W | undefined> {
  await electron.app.whenReady();
  const settings = readConsoleSettings(opts.env);
  if (typeof settings === 'string') {
    electron.dialog.showErrorBox('Lockstep console', settings);
    electron.app.quit();
    return undefined;
  }
  hardenSession(electron.session.defaultSession);
  const windowIds = new Set<number>();
  registerConsoleIpc({
    ipcMain: electron.ipcMain,
    api: createGatewayClient({ got: opts.got, baseUrl: settings.gatewayUrl, token: settings.token }),
    policy: { pageUrl: pageUrlOf(opts.indexFile), windowIds: () => windowIds },
    onRefused: (channel, url) => opts.log?.(`refused IPC ${channel} from ${url ?? 'an unknown frame'}`),
  });
  electron.app.on('window-all-closed', () => electron.app.quit());
  const win = await createConsoleWindow({
    BrowserWindow: electron.BrowserWindow, preloadPath: opts.preloadPath, indexFile: opts.indexFile,
    openExternal: electron.shell ? (url) => void electron.shell!.openExternal(url) : undefined,
  });
  windowIds.add(win.webContents.id);
  return win;
}
