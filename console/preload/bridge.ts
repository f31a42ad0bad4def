/**
 * The renderer's side of the Electron bridge: the {@link ConsoleApi} built on `ipcRenderer.invoke`, one
 * channel per method, and the event push channel. Nothing else of IPC or Node reaches the page.
 */
import type { ConsoleEvent } from '../shared/api-types.ts';
import { CONSOLE_METHODS, type ConsoleApi, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL, channelOf } from '../shared/console-api.ts';
import { fromEnvelope, type IpcEnvelope } from '../shared/ipc-envelope.ts';

/** The parts of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
}

export function createBridge(ipc: IpcRendererLike): ConsoleApi {
  const methods = Object.fromEntries(CONSOLE_METHODS.map((m) => [
    m,
    async (...args: unknown[]) => fromEnvelope((await ipc.invoke(channelOf(m), ...args)) as IpcEnvelope),
  ]));
  const subscribe = (onEvent: (event: ConsoleEvent) => void): (() => void) => {
    const listener = (_event: unknown, payload: unknown) => onEvent(payload as ConsoleEvent);
    ipc.on(EVENT_CHANNEL, listener);
    ipc.send(SUBSCRIBE_CHANNEL);
    return () => {
      ipc.removeListener(EVENT_CHANNEL, listener);
      ipc.send(UNSUBSCRIBE_CHANNEL);
    };
  };
  return Object.freeze({ ...methods, subscribe }) as unknown as ConsoleApi;
}
