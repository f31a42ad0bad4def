/** The preload bridge, when the console runs in Electron: the same {@link ConsoleApi} the browser client implements. */
import type { ConsoleApi } from '../../shared/console-api.ts';

declare global {
  interface Window {
    readonly lockstep?: ConsoleApi;
  }
}

export function bridgeApi(): ConsoleApi | undefined {
  return typeof window !== 'undefined' ? window.lockstep : undefined;
}
