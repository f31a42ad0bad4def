/**
 * The main process's IPC handlers: one per console API method, each checking the sender before calling the
 * gateway client; and event subscriptions pushed to the subscribing window until it unsubscribes or goes away.
 */
import type { ConsoleApi } from '../shared/console-api.ts';
import { CONSOLE_METHODS, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL, channelOf } from '../shared/console-api.ts';
import { type IpcEnvelope, toEnvelope } from '../shared/ipc-envelope.ts';
import { isTrustedSender, type SenderEventLike, type SenderPolicy } from './sender-check.ts';

export interface IpcEventLike extends SenderEventLike {
  readonly sender: { readonly id: number; send(channel: string, ...args: unknown[]): void; once(event: 'destroyed', fn: () => void): unknown };
}

/** The parts of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, handler: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  on(channel: string, listener: (event: IpcEventLike) => void): unknown;
}

export interface IpcDeps {
  readonly ipcMain: IpcMainLike;
  readonly api: ConsoleApi;
  readonly policy: SenderPolicy;
  /** Refusals are reported here (never the arguments: they may hold mapping text or tokens). */
  readonly onRefused?: ((channel: string, url: string | undefined) => void) | undefined;
}

export const REFUSED: IpcEnvelope = { ok: false, status: 403, error: { code: 'sender_refused', message: 'IPC from an untrusted frame was refused' } };

export function registerConsoleIpc(deps: IpcDeps): void {
  const trusted = (channel: string, event: IpcEventLike): boolean => {
    if (isTrustedSender(event, deps.policy)) return true;
    deps.onRefused?.(channel, event.senderFrame?.url);
    return false;
  };
  for (const method of CONSOLE_METHODS) {
    const channel = channelOf(method);
    deps.ipcMain.handle(channel, async (event, ...args) => {
      if (!trusted(channel, event)) return REFUSED;
      try {
        const fn = deps.api[method] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, value: await fn(...args) } satisfies IpcEnvelope;
      } catch (e) {
        return toEnvelope(e);
      }
    });
  }
  const subscriptions = new Map<number, () => void>();
  deps.ipcMain.on(SUBSCRIBE_CHANNEL, (event) => {
    if (!trusted(SUBSCRIBE_CHANNEL, event)) return;
    const id = event.sender.id;
    subscriptions.get(id)?.();
    subscriptions.set(id, deps.api.subscribe((e) => event.sender.send(EVENT_CHANNEL, e)));
    event.sender.once('destroyed', () => {
      subscriptions.get(id)?.();
      subscriptions.delete(id);
    });
  });
  deps.ipcMain.on(UNSUBSCRIBE_CHANNEL, (event) => {
    if (!trusted(UNSUBSCRIBE_CHANNEL, event)) return;
    subscriptions.get(event.sender.id)?.();
    subscriptions.delete(event.sender.id);
  });
}
