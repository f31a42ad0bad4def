/**
 * The console window: isolated, sandboxed, no Node in the page, the preload as the only bridge; it loads the
 * built renderer from a file, never navigates away from it and opens no other window (links to the outside
 * go to the system browser only when `openExternal` is given and the URL is https).
 */
import { pathToFileURL } from 'node:url';

export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface WebContentsLike {
  readonly id: number;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(file: string): Promise<void>;
}

export type BrowserWindowCtor<W extends BrowserWindowLike> = new (options: Record<string, unknown>) => W;

export interface WindowFactoryDeps<W extends BrowserWindowLike> {
  readonly BrowserWindow: BrowserWindowCtor<W>;
  readonly preloadPath: string;
  readonly indexFile: string;
  readonly openExternal?: ((url: string) => void) | undefined;
}

export function secureWebPreferences(preloadPath: string): Record<string, unknown> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function pageUrlOf(indexFile: string): string {
  return pathToFileURL(indexFile).href;
}

export async function createConsoleWindow<W extends BrowserWindowLike>(deps: WindowFactoryDeps<W>): Promise<W> {
  const win = new deps.BrowserWindow({
    width: 1360, height: 880, minWidth: 900, minHeight: 600, title: 'Lockstep', show: true, backgroundColor: '#f5f6f8',
    webPreferences: secureWebPreferences(deps.preloadPath),
  });
  const page = pageUrlOf(deps.indexFile);
  const samePage = (url: string) => url.split('#', 1)[0] === page;
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (deps.openExternal && url.startsWith('https://')) deps.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!samePage(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!samePage(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  await win.loadFile(deps.indexFile);
  return win;
}

/** The parts of Electron's `session` used to add the CSP header to every response the window receives. */
export interface SessionLike {
  readonly webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[] | string> }, callback: (response: { responseHeaders: Record<string, string[] | string> }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
}

/** Adds the console CSP header to responses and refuses every permission request (camera, notifications, …). */
export function hardenSession(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONSOLE_CSP] } });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
