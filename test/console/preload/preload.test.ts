import { describe, expect, it, vi } from 'vitest';
import { ConsoleApiError } from '../../../console/shared/api-types.ts';
import { CONSOLE_METHODS, type ConsoleApi } from '../../../console/shared/console-api.ts';

const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const sent: unknown[][] = [];
const listeners = new Map<string, (event: unknown, payload: unknown) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push([channel, ...args]);
      return channel === 'lockstep:health'
        ? { ok: true, value: { ready: true } }
        : { ok: false, status: 400, error: { code: 'invalid_request', message: 'nope' } };
    },
    on: (channel: string, fn: (event: unknown, payload: unknown) => void) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel),
    send: (...args: unknown[]) => sent.push(args),
  },
}));

describe('preload bridge', () => {
  it('exposes only the console API as window.lockstep', async () => {
    await import('../../../console/preload/preload.ts');
    expect([...exposed.keys()]).toEqual(['lockstep']);
    const api = exposed.get('lockstep') as ConsoleApi;
    expect(Object.keys(api).sort()).toEqual([...CONSOLE_METHODS, 'subscribe'].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes one channel per method and rethrows gateway errors as ConsoleApiError', async () => {
    const api = exposed.get('lockstep') as ConsoleApi;
    expect(await api.health()).toEqual({ ready: true });
    const e = await api.resolveConflict('cfl_x', { action: 'revoke', by: 'a', reason: 'b' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConsoleApiError);
    expect((e as ConsoleApiError).body.code).toBe('invalid_request');
    expect(invoked).toEqual([['lockstep:health'], ['lockstep:resolveConflict', 'cfl_x', { action: 'revoke', by: 'a', reason: 'b' }]]);
  });

  it('subscribes to pushed events and unsubscribes', async () => {
    const api = exposed.get('lockstep') as ConsoleApi;
    const got: unknown[] = [];
    const stop = api.subscribe((e) => got.push(e));
    listeners.get('lockstep:event')?.({}, { seq: 5 });
    stop();
    expect(got).toEqual([{ seq: 5 }]);
    expect(sent).toEqual([['lockstep:subscribe'], ['lockstep:unsubscribe']]);
    expect(listeners.has('lockstep:event')).toBe(false);
  });
});
