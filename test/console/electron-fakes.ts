/** Fake Electron parts for the pure main-process modules: they record what the code asked for. */
import type { IpcEventLike, IpcMainLike } from '../../console/main/ipc-handlers.ts';
import type { BrowserWindowLike, SessionLike, WebContentsLike } from '../../console/main/window-factory.ts';

type Listener = (...args: never[]) => unknown;

export class FakeWebContents implements WebContentsLike {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly listeners = new Map<string, Listener[]>();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = handler;
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  /** Emits a navigation-like event; true when some listener prevented it. */
  emitPreventable(event: string, url?: string): boolean {
    let prevented = false;
    const e = { preventDefault: () => { prevented = true; } };
    for (const l of this.listeners.get(event) ?? []) (l as (e: unknown, url?: string) => void)(e, url);
    return prevented;
  }
}

export class FakeBrowserWindow implements BrowserWindowLike {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    FakeBrowserWindow.created.push(this);
  }
  async loadFile(file: string): Promise<void> {
    this.loaded = file;
  }
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>>();
  readonly listeners = new Map<string, (event: IpcEventLike) => void>();
  handle(channel: string, handler: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void {
    this.handlers.set(channel, handler);
  }
  on(channel: string, listener: (event: IpcEventLike) => void): this {
    this.listeners.set(channel, listener);
    return this;
  }
}

export function fakeSession(): SessionLike & { headers?: (h: Record<string, string[] | string>) => Record<string, string[] | string>; permission?: (p: string) => boolean } {
  const s: ReturnType<typeof fakeSession> = {
    webRequest: {
      onHeadersReceived(listener) {
        s.headers = (h) => {
          let out: Record<string, string[] | string> = {};
          listener({ responseHeaders: h }, (r) => { out = r.responseHeaders; });
          return out;
        };
      },
    },
    setPermissionRequestHandler(handler) {
      s.permission = (p) => {
        let granted = true;
        handler(undefined, p, (g) => { granted = g; });
        return granted;
      };
    },
  };
  return s;
}

/** An IPC event from a frame showing `url`, in the webContents `id`. */
export function ipcEvent(url: string, id: number, opts: { subframe?: boolean } = {}): IpcEventLike & { sent: unknown[][] } {
  const sent: unknown[][] = [];
  return {
    senderFrame: { url, parent: opts.subframe ? {} : null },
    sender: { id, send: (...args: unknown[]) => { sent.push(args); }, once: () => undefined },
    sent,
  };
}
