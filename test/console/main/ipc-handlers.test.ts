import { describe, expect, it } from 'vitest';
import { registerConsoleIpc } from '../../../console/main/ipc-handlers.ts';
import { ConsoleApiError, type ConsoleEvent } from '../../../console/shared/api-types.ts';
import { CONSOLE_METHODS, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL, type ConsoleApi } from '../../../console/shared/console-api.ts';
import { FakeIpcMain, ipcEvent } from '../electron-fakes.ts';

const PAGE = 'file:///opt/lockstep/console/renderer/dist/index.html';

function setup() {
  const calls: string[] = [];
  let push: ((e: ConsoleEvent) => void) | undefined;
  let unsubscribed = 0;
  const api = {
    health: async () => {
      calls.push('health');
      return { ready: true };
    },
    listFindings: async () => {
      throw new ConsoleApiError(400, { code: 'invalid_request', message: 'bad severity' });
    },
    subscribe: (fn: (e: ConsoleEvent) => void) => {
      push = fn;
      return () => { unsubscribed++; };
    },
  } as unknown as ConsoleApi;
  const ipcMain = new FakeIpcMain();
  const refused: string[] = [];
  registerConsoleIpc({ ipcMain, api, policy: { pageUrl: PAGE, windowIds: () => new Set([7]) }, onRefused: (c, u) => refused.push(`${c} ${u}`) });
  return { ipcMain, calls, refused, push: (e: ConsoleEvent) => push?.(e), unsubscribed: () => unsubscribed };
}

describe('IPC handlers', () => {
  it('registers one channel per console method', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CONSOLE_METHODS.map((m) => `lockstep:${m}`).sort());
  });

  it('answers the trusted console page and passes gateway errors through as envelopes', async () => {
    const { ipcMain, calls } = setup();
    expect(await ipcMain.handlers.get('lockstep:health')!(ipcEvent(`${PAGE}#/overview`, 7))).toEqual({ ok: true, value: { ready: true } });
    expect(calls).toEqual(['health']);
    expect(await ipcMain.handlers.get('lockstep:listFindings')!(ipcEvent(PAGE, 7), {})).toEqual({
      ok: false, status: 400, error: { code: 'invalid_request', message: 'bad severity' },
    });
  });

  it('refuses a foreign frame, a subframe and a window it did not create, without calling the gateway', async () => {
    const { ipcMain, calls, refused } = setup();
    const handler = ipcMain.handlers.get('lockstep:health')!;
    for (const event of [ipcEvent('https://evil.example/', 7), ipcEvent(PAGE, 7, { subframe: true }), ipcEvent(PAGE, 99)]) {
      expect(await handler(event)).toMatchObject({ ok: false, status: 403, error: { code: 'sender_refused' } });
    }
    expect(await handler({ senderFrame: null, sender: { id: 7, send: () => undefined, once: () => undefined } })).toMatchObject({ ok: false, status: 403 });
    expect(calls).toEqual([]);
    expect(refused[0]).toBe('lockstep:health https://evil.example/');
  });

  it('pushes live events to a trusted subscriber only, and stops on unsubscribe', () => {
    const { ipcMain, push, unsubscribed } = setup();
    const foreign = ipcEvent('https://evil.example/', 7);
    ipcMain.listeners.get(SUBSCRIBE_CHANNEL)!(foreign);
    push({ seq: 1 } as ConsoleEvent);
    expect(foreign.sent).toEqual([]);
    const own = ipcEvent(PAGE, 7);
    ipcMain.listeners.get(SUBSCRIBE_CHANNEL)!(own);
    push({ seq: 2 } as ConsoleEvent);
    expect(own.sent).toEqual([[EVENT_CHANNEL, { seq: 2 }]]);
    ipcMain.listeners.get(UNSUBSCRIBE_CHANNEL)!(own);
    expect(unsubscribed()).toBe(1);
  });
});
